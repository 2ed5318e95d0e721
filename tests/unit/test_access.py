"""The roles table (DESIGN "Roles and scope"): what each role may do (no database)."""

from types import SimpleNamespace

import pytest

from registry import access

ROLES = ("admin", "province", "area", "cell", "api")

# Written out by hand from the design, so a change to registry.access shows up here.
EXPECTED = {
    access.ADMINISTER: {"admin"},
    access.HANDLE_PERSONAL_DATA: {"admin"},
    # A service account (api) edits, imports, browses and reads reports within its scope.
    access.EDIT_CANDIDATES: {"admin", "area", "cell", "api"},
    access.UNDO_EVENT: {"admin"},
    access.TRANSFER: {"admin", "area", "cell"},
    access.IMPORT: {"admin", "area", "api"},
    access.MANAGE_UNITS: {"admin", "area"},
    access.EDIT_AREAS: {"admin"},
    access.SET_TARGETS: {"admin", "province"},
    access.BROWSE_ORG: {"admin", "province", "area", "api"},
    access.USE_REPORTS: {"admin", "province", "area", "api"},
    access.SUBMIT_REPORTS: {"admin", "province", "area"},
    access.DOWNLOAD_REGISTER: {"admin", "province", "area", "cell"},
    access.DOWNLOAD_LIST: {"admin", "province", "area", "cell"},
    access.USE_ROUNDS: {"admin", "province", "area"},
    access.OPEN_ROUNDS: {"admin", "province"},
    access.REVIEW_SUBMISSION: {"admin", "province"},
    access.SUBMIT_TO_ROUND: {"province", "area"},
    access.UNLOCK_PERIOD: {"admin"},
    # Whoever may import or use reports may follow the background jobs they start.
    access.FOLLOW_JOBS: {"admin", "province", "area"},
    access.USE_API: {"admin", "province", "area", "cell", "api"},
    access.MANAGE_SERVICE_TOKENS: {"admin"},
}


def user(role: str, ident: int = 7):
    return SimpleNamespace(role=role, id=ident)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_role_may_do_exactly_what_the_design_gives_it(role, action):
    assert access.may(user(role), action) is (role in EXPECTED[action])


def test_every_action_of_the_table_is_checked_here():
    assert set(access.ROLES_ALLOWED) == set(EXPECTED) | {access.CORRECT_EVENT}


@pytest.mark.parametrize("role", ROLES)
def test_an_event_is_corrected_by_whoever_recorded_it_or_by_an_admin(role):
    own = SimpleNamespace(recorded_by_id=7)
    other = SimpleNamespace(recorded_by_id=8)
    assert access.may(user(role), access.CORRECT_EVENT, own) is (role not in ("province", "api"))
    assert access.may(user(role), access.CORRECT_EVENT, other) is (role == "admin")


def test_a_round_is_reviewed_by_its_opener_and_sent_by_its_reporter():
    member = SimpleNamespace(role="province", id=7, organisation_id=3)
    officer = SimpleNamespace(role="area", id=8, organisation_id=5)
    loner = SimpleNamespace(role="province", id=9, organisation_id=None)
    round_ = SimpleNamespace(organisation_id=3)
    assert access.may(member, access.REVIEW_SUBMISSION, round_)
    assert not access.may(officer, access.REVIEW_SUBMISSION, round_)
    assert not access.may(loner, access.REVIEW_SUBMISSION, SimpleNamespace(organisation_id=None))
    assert access.may(user("admin"), access.REVIEW_SUBMISSION, round_)
    assert access.may(officer, access.SUBMIT_TO_ROUND, SimpleNamespace(id=5))
    assert not access.may(officer, access.SUBMIT_TO_ROUND, SimpleNamespace(id=3))


def test_the_command_line_may_do_everything_and_a_visitor_nothing():
    visitor = SimpleNamespace()  # signed out: no role
    for action in access.ROLES_ALLOWED:
        assert access.may("dòng lệnh", action)
        assert not access.may(visitor, action)


def test_an_unknown_action_is_a_mistake_not_a_refusal():
    with pytest.raises(KeyError):
        access.may(user("admin"), "launch_rockets")
