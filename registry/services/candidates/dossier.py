"""A candidate's dossier and introducers: add and remove documents, and say what is missing.

The rules are registry.domain.dossier's; this module reads and writes the rows, checks
the editor's right, and writes the audit log. Callers scope the candidate first. The
stage service asks `dossier_problems` before it records the `dossier` stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry import access
from registry.domain import dossier as rules
from registry.domain.dossier import (
    RECOGNITION_RESOLUTION,
    Checklist,
    DossierError,
    Introduction,
    Item,
    Person,
)
from registry.domain.rules.settings import RuleSettings
from registry.domain.textutil import clean_text
from registry.domain.workdays import today_vn
from registry.models import Candidate, DossierItem, Introducer, User
from registry.services import ServiceError, audit

ITEM_FIELDS = ["kind", "day", "number", "checked_by", "votes_for", "votes_total", "note"]
INTRODUCER_FIELDS = ["kind", "name", "day", "number", "full_member_since", "months_together"]


class DossierRefused(ServiceError):
    """A document or introducer the rules refuse; the message is for the user."""


@dataclass(frozen=True)
class ItemData:
    kind: str
    day: date
    number: str | None = None
    checked_by: str | None = None
    votes_for: int | None = None
    votes_total: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class IntroducerData:
    kind: str
    name: str
    day: date
    number: str | None = None
    full_member_since: date | None = None
    months_together: int | None = None
    checked_by: str | None = None


def person_of(candidate: Candidate) -> Person:
    return Person(
        trained=candidate.trained_date,
        youth_union_member=candidate.youth_union_date is not None,
        trade_union_member=bool(candidate.trade_union),
        admitted=candidate.admitted_date,
    )


def items_of(session: Session, candidate: Candidate) -> list[DossierItem]:
    return list(
        session.scalars(
            select(DossierItem)
            .where(DossierItem.candidate_id == candidate.id)
            .order_by(DossierItem.day, DossierItem.id)
        )
    )


def introducers_of(session: Session, candidate: Candidate) -> list[Introducer]:
    return list(
        session.scalars(
            select(Introducer)
            .where(Introducer.candidate_id == candidate.id)
            .order_by(Introducer.day, Introducer.id)
        )
    )


@dataclass(frozen=True)
class DossierRows:
    """A candidate's documents and introducers, read once for a page that asks of them
    several times (what the file lacks, the recognition, the introducers' count, the lists)."""

    items: list[DossierItem]
    introducers: list[Introducer]


def rows_of(session: Session, candidate: Candidate) -> DossierRows:
    return DossierRows(items_of(session, candidate), introducers_of(session, candidate))


def _item(row: DossierItem) -> Item:
    return Item(row.kind, row.day, row.number, row.votes_for, row.votes_total)


def _introduction(row: Introducer) -> Introduction:
    return Introduction(row.kind, row.name, row.day, row.full_member_since, row.months_together)


def admission_state(
    session: Session,
    candidate: Candidate,
    at: date,
    settings: RuleSettings,
    rows: DossierRows | None = None,
) -> Checklist:
    """What the admission dossier holds and lacks on date `at` (of `rows` when given)."""
    rows = rows or rows_of(session, candidate)
    return rules.admission_checklist(
        [_item(r) for r in rows.items],
        [_introduction(r) for r in rows.introducers],
        person_of(candidate),
        at,
        settings,
    )


def recognition_state(
    session: Session,
    candidate: Candidate,
    settings: RuleSettings,
    items: list[DossierItem] | None = None,
) -> Checklist | None:
    items = items_of(session, candidate) if items is None else items
    return rules.recognition_checklist([_item(r) for r in items], person_of(candidate), settings)


def valid_until(
    session: Session, candidate: Candidate, today: date, settings: RuleSettings
) -> date | None:
    """The last day from today on that the dossier stays complete; None when it is not."""
    return rules.complete_until(
        [_item(r) for r in items_of(session, candidate)],
        [_introduction(r) for r in introducers_of(session, candidate)],
        person_of(candidate),
        today,
        settings,
        made=candidate.dossier_date,
    )


def refresh_validity(
    session: Session, candidate: Candidate, settings: RuleSettings, today: date | None = None
) -> None:
    """Store how long the dossier stays complete (the dossier_incomplete alert reads it)."""
    candidate.dossier_valid_until = valid_until(session, candidate, today or today_vn(), settings)
    session.flush()


def refresh_recognition(session: Session, candidate: Candidate) -> None:
    """Store the date of the chi bộ's recognition resolution (the latest, when redone):
    the recognition alerts read it off the candidate row."""
    candidate.recognition_resolution_date = session.scalar(
        select(func.max(DossierItem.day)).where(
            DossierItem.candidate_id == candidate.id,
            DossierItem.kind == RECOGNITION_RESOLUTION,
        )
    )
    session.flush()


def dossier_problems(
    session: Session, candidate: Candidate, when: date, settings: RuleSettings
) -> list[str]:
    """Why the `dossier` stage may not be recorded on `when` (empty when it may)."""
    return admission_state(session, candidate, when, settings).problems()


def introducer_count(
    session: Session, candidate: Candidate, introducers: list[Introducer] | None = None
) -> int | None:
    """Introducers entered as rows (a union resolution counts for one); None for none."""
    if introducers is None:
        introducers = introducers_of(session, candidate) if candidate.id is not None else []
    return len(introducers) or None


def _check_editor(user: User | None) -> None:
    if user is not None and not access.may(user, access.EDIT_CANDIDATES):
        raise DossierRefused("Tài khoản của bạn không được thay đổi hồ sơ.")


def add_item(
    session: Session,
    user: User | None,
    candidate: Candidate,
    data: ItemData,
    settings: RuleSettings,
    today: date | None = None,
) -> DossierItem:
    _check_editor(user)
    votes = (data.votes_for, data.votes_total) if data.kind in rules.VOTED else (None, None)
    item = Item(data.kind, data.day, data.number, *votes)
    try:
        rules.check_item(item, person_of(candidate), today or today_vn(), settings)
    except DossierError as error:
        raise DossierRefused(str(error)) from None
    row = DossierItem(
        candidate_id=candidate.id,
        kind=data.kind,
        day=data.day,
        number=clean_text(data.number) or None,
        checked_by=clean_text(data.checked_by) or None,
        votes_for=votes[0],
        votes_total=votes[1],
        note=clean_text(data.note) or None,
        recorded_by_id=user.id if isinstance(user, User) else None,
    )
    session.add(row)
    session.flush()
    after = audit.snapshot(row, ITEM_FIELDS)
    audit.record(session, user, "create", "dossier_item", row.id, after=after)
    refresh_validity(session, candidate, settings, today)
    if row.kind == RECOGNITION_RESOLUTION:
        refresh_recognition(session, candidate)
    return row


def add_introducer(
    session: Session,
    user: User | None,
    candidate: Candidate,
    data: IntroducerData,
    settings: RuleSettings,
    today: date | None = None,
) -> tuple[Introducer, list[str]]:
    """Add an introducer; returns the row and the warnings (under 12 months together)."""
    _check_editor(user)
    member = data.kind == rules.MEMBER
    intro = Introduction(
        data.kind,
        clean_text(data.name),
        data.day,
        data.full_member_since if member else None,
        data.months_together if member else None,
    )
    try:
        warnings = rules.check_introduction(
            intro, person_of(candidate), today or today_vn(), settings
        )
    except DossierError as error:
        raise DossierRefused(str(error)) from None
    row = Introducer(
        candidate_id=candidate.id,
        kind=intro.kind,
        name=intro.name,
        day=intro.day,
        number=clean_text(data.number) or None,
        full_member_since=intro.full_member_since,
        months_together=intro.months_together,
        checked_by=clean_text(data.checked_by) or None,
        recorded_by_id=user.id if isinstance(user, User) else None,
    )
    session.add(row)
    session.flush()
    after = audit.snapshot(row, INTRODUCER_FIELDS)
    audit.record(session, user, "create", "introducer", row.id, after=after)
    refresh_validity(session, candidate, settings, today)
    return row, warnings


def item_in(session: Session, candidate: Candidate, item_id: int) -> DossierItem | None:
    row = session.get(DossierItem, item_id)
    return row if row is not None and row.candidate_id == candidate.id else None


def introducer_in(session: Session, candidate: Candidate, introducer_id: int) -> Introducer | None:
    row = session.get(Introducer, introducer_id)
    return row if row is not None and row.candidate_id == candidate.id else None


def delete_item(
    session: Session, user: User | None, candidate: Candidate, row: DossierItem, s: RuleSettings
) -> None:
    _check_editor(user)
    kind = row.kind
    audit.delete_recorded(session, user, "dossier_item", row, ITEM_FIELDS)
    refresh_validity(session, candidate, s)
    if kind == RECOGNITION_RESOLUTION:
        refresh_recognition(session, candidate)


def delete_introducer(
    session: Session, user: User | None, candidate: Candidate, row: Introducer, s: RuleSettings
) -> None:
    _check_editor(user)
    audit.delete_recorded(session, user, "introducer", row, INTRODUCER_FIELDS)
    refresh_validity(session, candidate, s)
