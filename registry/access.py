"""What a user may do (DESIGN "Roles and scope"); what they may see is registry.scoping.

One table, action → the roles allowed; `may(user, action, target)` answers for views,
services, the navigation and templates; `requires(action)` guards a view (403). An
action always applies within the user's scope: a record outside it answers 404 before
any role check (scoping.get_in_scope).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

ADMINISTER = "administer"  # accounts, the audit log, public holidays
HANDLE_PERSONAL_DATA = "handle_personal_data"  # see, download and erase one person's data
EDIT_CANDIDATES = "edit_candidates"  # add, edit, record stages (also in bulk)
CORRECT_EVENT = "correct_event"  # target: the StageEvent
UNDO_EVENT = "undo_event"
TRANSFER = "transfer"  # move a candidate to another unit and cell
IMPORT = "import"  # candidate lists; the import pages
MANAGE_UNITS = "manage_units"  # units, cells, enterprise surveys (and their sheet)
EDIT_AREAS = "edit_areas"
SET_TARGETS = "set_targets"  # targets (chỉ tiêu) and their sheet
BROWSE_ORG = "browse_org"  # the units, cells and areas pages in the menu
USE_REPORTS = "use_reports"  # download reports, their settings, submitted workbooks
SUBMIT_REPORTS = "submit_reports"
# A party cell's register (sổ theo dõi); for a cell secretary the only report there is.
DOWNLOAD_REGISTER = "download_register"
DOWNLOAD_LIST = "download_list"  # the candidate list as shown, filters and all (logged)
USE_ROUNDS = "use_rounds"  # the reporting rounds' pages
OPEN_ROUNDS = "open_rounds"  # open a reporting round for other organisations
REVIEW_SUBMISSION = "review_submission"  # target: the ReportingRound (its opener reviews)
SUBMIT_TO_ROUND = "submit_to_round"  # target: the reporting Organisation
UNLOCK_PERIOD = "unlock_period"  # lift the lock of an approved submission
FOLLOW_JOBS = "follow_jobs"  # the list of one's background jobs (imports, large exports)
USE_API = "use_api"  # hold personal API tokens (the tokens page)
MANAGE_SERVICE_TOKENS = "manage_service_tokens"  # tokens of service accounts (role api)

ROLES_ALLOWED: dict[str, frozenset[str]] = {
    ADMINISTER: frozenset({"admin"}),
    HANDLE_PERSONAL_DATA: frozenset({"admin"}),
    EDIT_CANDIDATES: frozenset({"admin", "area", "cell", "api"}),
    CORRECT_EVENT: frozenset({"admin", "area", "cell"}),
    UNDO_EVENT: frozenset({"admin"}),
    TRANSFER: frozenset({"admin", "area", "cell"}),
    IMPORT: frozenset({"admin", "area", "api"}),
    MANAGE_UNITS: frozenset({"admin", "area"}),
    EDIT_AREAS: frozenset({"admin"}),
    SET_TARGETS: frozenset({"admin", "province"}),
    BROWSE_ORG: frozenset({"admin", "province", "area", "api"}),
    USE_REPORTS: frozenset({"admin", "province", "area", "api"}),
    SUBMIT_REPORTS: frozenset({"admin", "province", "area"}),
    USE_API: frozenset({"admin", "province", "area", "cell", "api"}),
    MANAGE_SERVICE_TOKENS: frozenset({"admin"}),
    FOLLOW_JOBS: frozenset({"admin", "province", "area"}),
    DOWNLOAD_REGISTER: frozenset({"admin", "province", "area", "cell"}),
    DOWNLOAD_LIST: frozenset({"admin", "province", "area", "cell"}),
    USE_ROUNDS: frozenset({"admin", "province", "area"}),
    OPEN_ROUNDS: frozenset({"admin", "province"}),
    REVIEW_SUBMISSION: frozenset({"admin", "province"}),
    SUBMIT_TO_ROUND: frozenset({"province", "area"}),
    UNLOCK_PERIOD: frozenset({"admin"}),
}
# Actions whose answer depends on the user's organisation (DESIGN "Reporting rounds"):
# the opener's members review, the reporter's members submit.
_OWN_ORGANISATION = {
    REVIEW_SUBMISSION: lambda user, round_: round_.organisation_id,
    SUBMIT_TO_ROUND: lambda user, organisation: organisation.id,
}


def may(user: Any, action: str, target: Any = None) -> bool:
    """Whether `user` may do `action` (to `target`, where the rule depends on it).

    A string actor is the command line, which may do everything; a signed-out visitor
    may do nothing."""
    allowed = ROLES_ALLOWED[action]  # an unknown action is a mistake, not a "no"
    if isinstance(user, str):
        return True
    role = getattr(user, "role", None)
    if role not in allowed:
        return False
    if action == CORRECT_EVENT and role != "admin":
        # Whoever recorded an event may correct it; admins correct any.
        return target is not None and target.recorded_by_id == user.id
    if action in _OWN_ORGANISATION and role != "admin" and target is not None:
        owner = _OWN_ORGANISATION[action](user, target)
        return user.organisation_id is not None and owner == user.organisation_id
    return True


def require(action: str, target: Any = None) -> None:
    """Answer 403 unless the signed-in user may do `action`."""
    if not may(current_user, action, target):
        abort(403)


def requires(action: str) -> Callable:
    """Let the view run only for signed-in users who may do `action` (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            require(action)
            return view(*args, **kwargs)

        return wrapped

    return decorator
