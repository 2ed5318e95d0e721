"""Creating and editing candidates (their personal fields; stages go through stages.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.domain.rules.admission import readmission_issue
from registry.domain.rules.facts import stage_dates
from registry.domain.textutil import clean_text, fold
from registry.domain.textutil import sort_key as name_order
from registry.domain.vocabulary import (
    STAGE_DATE_COLUMNS,
    SUBGROUP_GROUP,
    SUBGROUPS,
    UNIT_KINDS,
    Stage,
    group_for_unit_kind,
)
from registry.models import Candidate, PartyCell, Unit, User
from registry.scoping import in_scope, scope_filter
from registry.services import ServiceError, audit
from registry.services.candidates.stages import readmission_of, record_stage
from registry.settings import rule_settings

# The fields a person edits in the candidate form (stage columns are not among them).
PERSONAL_FIELDS = [
    "full_name",
    "gender",
    "birth_date",
    "ethnicity",
    "religion",
    "id_number",
    "hometown",
    "education",
    "group_code",
    "subgroup",
    "class_or_job",
    "unit_id",
    "cell_id",
    "youth_union_date",
    "trade_union",
    "helpers",
    "introducers",
    "note",
    "readmission",
    "left_party_date",
    "left_party_reason",
    "record_expunged_date",
]
_TEXT_FIELDS = ("hometown", "education", "class_or_job", "helpers", "note")
_READMISSION_FIELDS = ("left_party_date", "left_party_reason", "record_expunged_date")


# One text for a number held anywhere in the province, in or out of the user's scope.
DUPLICATE_ID_NUMBER = "Số CCCD này đã có trong sổ theo dõi: mỗi số chỉ thuộc một hồ sơ."


class CandidateError(ServiceError, ValueError):
    """A change the registry refuses; the message is for the user."""


class GroupMismatch(CandidateError):
    """The "Đối tượng" chosen disagrees with the kind of the unit."""

    field = "subgroup"


class ReadmissionTooSoon(CandidateError):
    """Flagged for readmission with a leaving date that the recorded stages contradict."""

    field = "left_party_date"


class DuplicateIdNumber(CandidateError):
    """The CCCD/CMND belongs to another candidate.

    The message reads the same wherever that record is (uniqueness is province-wide, so
    the number's existence is all a refusal has to tell); existing_id, for a link, is set
    only when the caller may see the record.
    """

    def __init__(self, existing_id: int | None) -> None:
        super().__init__(DUPLICATE_ID_NUMBER)
        self.existing_id = existing_id


def find_duplicate(
    session: Session, user: User, id_number: str | None, exclude_id: int | None = None
) -> DuplicateIdNumber | None:
    """The duplicate-number problem for id_number, or None when the number is free."""
    if not id_number:
        return None
    # Uniqueness is province-wide, so this one lookup deliberately ignores scope; only
    # whether the owner is in scope is passed on, never who it is.
    stmt = select(Candidate.id).where(Candidate.id_number == id_number)
    if exclude_id is not None:
        stmt = stmt.where(Candidate.id != exclude_id)
    existing = session.scalar(stmt)
    if existing is None:
        return None
    visible = in_scope(session, user, Candidate, existing)
    return DuplicateIdNumber(existing if visible else None)


def probable_duplicate(
    session: Session, user: User, full_name: str | None, birth_date: date | None, unit: Unit
) -> Candidate | None:
    """A candidate in scope with the same folded name and birth date in the same unit:
    probably the person being entered again."""
    if not full_name or birth_date is None:
        return None
    return session.scalars(
        select(Candidate)
        .where(
            Candidate.name_key == fold(full_name),
            Candidate.birth_date == birth_date,
            Candidate.unit_id == unit.id,
            scope_filter(user, Candidate),
        )
        .order_by(Candidate.id)
        .limit(1)
    ).first()


def _introducers(text: str | None) -> str | None:
    # One per line in the form; stored on one line, the way spreadsheets hold them.
    names = [clean_text(line) for line in (text or "").splitlines()]
    return "; ".join(n for n in names if n) or None


def _group(subgroup: str | None, unit: Unit) -> tuple[str, str]:
    """Group and subgroup of a candidate of this unit: its kind decides them; only a unit
    of kind `other` takes the one chosen in the form (DESIGN "Group")."""
    implied = group_for_unit_kind(unit.kind)
    if unit.kind == "other" and subgroup:
        return SUBGROUP_GROUP[subgroup], subgroup
    if subgroup and subgroup != implied[1]:
        raise GroupMismatch(
            f"Đối tượng «{SUBGROUPS[subgroup]}» không khớp với loại đơn vị "
            f"«{UNIT_KINDS[unit.kind]}»: người thuộc đơn vị này là "
            f"«{SUBGROUPS[implied[1]]}». Hãy để trống ô Đối tượng hoặc chọn đúng đơn vị."
        )
    return implied


def _apply(candidate: Candidate, data: dict[str, Any], unit: Unit, cell: PartyCell | None) -> None:
    candidate.full_name = clean_text(data["full_name"])
    candidate.name_key = fold(candidate.full_name)
    candidate.sort_key = name_order(candidate.full_name)
    candidate.gender = data["gender"]
    candidate.birth_date = data["birth_date"]
    candidate.ethnicity = data.get("ethnicity") or None
    candidate.religion = data.get("religion") or None
    candidate.id_number = data.get("id_number") or None
    for name in _TEXT_FIELDS:
        setattr(candidate, name, clean_text(data.get(name)) or None)
    candidate.introducers = _introducers(data.get("introducers"))
    candidate.youth_union_date = data.get("youth_union_date")
    candidate.trade_union = bool(data.get("trade_union"))
    _apply_readmission(candidate, data)
    candidate.group_code, candidate.subgroup = _group(data.get("subgroup") or None, unit)
    candidate.unit = unit
    candidate.unit_id = unit.id
    chosen = cell if cell is not None else unit.cell
    candidate.cell = chosen
    candidate.cell_id = chosen.id if chosen is not None else None


def _apply_readmission(candidate: Candidate, data: dict[str, Any]) -> None:
    """The readmission flag and its facts; without the flag the facts are not kept.

    A record whose chi bộ already proposed it must have left the Party long enough before
    (rule 16): the stage service checks new stages, this the flag set afterwards."""
    candidate.readmission = bool(data.get("readmission"))
    for name in _READMISSION_FIELDS:
        value = data.get(name) if candidate.readmission else None
        setattr(candidate, name, (clean_text(value) or None) if isinstance(value, str) else value)
    readmission = readmission_of(candidate)
    if readmission is not None:
        dates = {s: getattr(candidate, c) for s, c in STAGE_DATE_COLUMNS.items()}
        issue = readmission_issue(stage_dates(dates), readmission, rule_settings())
        if issue is not None:
            raise ReadmissionTooSoon(issue.message)


def _flush(candidate: Candidate, session: Session) -> None:
    """Flush; a CCCD saved meanwhile by another request (a form sent twice at once) is
    the duplicate refusal, not a server error. Its record is looked up after the
    rollback (DuplicateIdNumber.existing_id is None here)."""
    try:
        session.flush()
    except IntegrityError as error:
        if candidate.id_number and "id_number" in str(error.orig):
            raise DuplicateIdNumber(None) from None
        raise


def _must_stay_in_scope(session: Session, user: User, candidate: Candidate) -> None:
    _flush(candidate, session)
    if not in_scope(session, user, Candidate, candidate.id):
        raise CandidateError(
            "Hồ sơ với đơn vị, chi bộ và đối tượng đã chọn sẽ nằm ngoài phạm vi của bạn."
        )


def create_candidate(
    session: Session,
    user: User,
    data: dict[str, Any],
    unit: Unit,
    cell: PartyCell | None,
    source_date: date,
    today: date | None = None,
) -> Candidate:
    """Add a candidate on the source list; unit and cell are already checked in scope."""
    duplicate = find_duplicate(session, user, data.get("id_number"))
    if duplicate:
        raise duplicate
    candidate = Candidate(created_by_id=user.id, stage=Stage.SOURCE.value)
    _apply(candidate, data, unit, cell)
    session.add(candidate)
    _must_stay_in_scope(session, user, candidate)
    audit.record(
        session,
        user,
        "create",
        "candidate",
        candidate.id,
        None,
        audit.snapshot(candidate, PERSONAL_FIELDS),
    )
    # The source list entry is an event like any other, so it goes through the service.
    record_stage(session, user, candidate, Stage.SOURCE.value, source_date, today=today)
    return candidate


def update_candidate(
    session: Session,
    user: User,
    candidate: Candidate,
    data: dict[str, Any],
    unit: Unit,
    cell: PartyCell | None,
) -> dict[str, Any]:
    """Change the personal fields; returns what changed (empty when nothing did)."""
    duplicate = find_duplicate(session, user, data.get("id_number"), exclude_id=candidate.id)
    if duplicate:
        raise duplicate
    before = audit.snapshot(candidate, PERSONAL_FIELDS)
    _apply(candidate, data, unit, cell)
    _must_stay_in_scope(session, user, candidate)
    old, new = audit.changed(before, audit.snapshot(candidate, PERSONAL_FIELDS))
    if new:
        audit.record(session, user, "update", "candidate", candidate.id, old, new)
    return new


def log_view(session: Session, user: User, candidate: Candidate, page: str | None = None) -> None:
    """Personal data was shown (DESIGN "Personal data": every view is logged); `page`
    names a page other than the candidate's own (the edit form)."""
    audit.record(
        session, user, "view", "candidate", candidate.id, None, {"page": page} if page else None
    )
