"""The lock an approved submission puts on its period (chốt số liệu).

While a submission is approved, no stage event dated inside its round's period may be
added, changed, undone or imported for a unit the submission covered: a unit in the
submitted area's subtree whose kind one of the submitted reports counts (narrowed by
the submitter's group restriction). `check_unlocked` is the one check; the stage
service (forms, bulk recording, undo), the import and the API call it before they
write. An admin lifts a lock by unlocking the submission (services.rounds.review).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.vocabulary import KINDS_OF_GROUP
from registry.domain.workdays import fmt_date
from registry.models import (
    Area,
    Candidate,
    Organisation,
    ReportingRound,
    StageEvent,
    Submission,
    Unit,
)
from registry.services import ServiceError

LOCKED_PERIOD = "locked_period"


class PeriodLocked(ServiceError):
    """A write inside a period approved in a reporting round; the message says which."""

    code = LOCKED_PERIOD

    def __init__(self, lock: Lock) -> None:
        super().__init__(lock.message)
        self.lock = lock


@dataclass(frozen=True)
class Lock:
    submission_id: int
    start: date
    end: date
    area_path: str  # "" when the submission covered every area
    kinds: frozenset[str]
    organisation: str

    def holds(self, area_path: str | None, kind: str | None, group: str | None, day: date) -> bool:
        if not self.start <= day <= self.end:
            return False
        if self.area_path and not (area_path or "").startswith(self.area_path):
            return False
        if kind == "other" or kind is None:
            # A unit of kind `other` takes the group from the record (DESIGN "Group").
            of_group = set(KINDS_OF_GROUP.get(group or "", ()))
            return "other" in self.kinds or bool(self.kinds & of_group)
        return kind in self.kinds

    @property
    def message(self) -> str:
        return (
            f"Số liệu kỳ {fmt_date(self.start)} – {fmt_date(self.end)} đã được chốt: báo cáo "
            f"của {self.organisation} đã được duyệt. Không thể thêm, sửa, hoàn tác hay nhập sự "
            "kiện có ngày trong kỳ này; hãy đề nghị quản trị viên mở khóa."
        )


class Locks:
    """The approved submissions' locks, read once (a few rows), for checking many events."""

    def __init__(self, locks: list[Lock]) -> None:
        self.locks = locks

    def find(
        self, area_path: str | None, kind: str | None, group: str | None, day: date
    ) -> Lock | None:
        return next((lk for lk in self.locks if lk.holds(area_path, kind, group, day)), None)

    def __bool__(self) -> bool:
        return bool(self.locks)


def active_locks(session: Session) -> Locks:
    """Every lock in force: one per approved submission."""
    stmt = (
        select(
            Submission.id,
            ReportingRound.period_from,
            ReportingRound.period_to,
            Area.path,
            Submission.kinds,
            Organisation.name,
        )
        .join(ReportingRound, ReportingRound.id == Submission.round_id)
        .join(Organisation, Organisation.id == Submission.organisation_id)
        .outerjoin(Area, Area.id == Submission.area_id)
        .where(Submission.state == "approved")
    )
    return Locks(
        [
            Lock(ident, start, end, path or "", frozenset(k for k in kinds.split(",") if k), name)
            for ident, start, end, path, kinds, name in session.execute(stmt).tuples()
        ]
    )


def _unit_of(session: Session, target: Candidate | Unit | StageEvent) -> Unit | None:
    if isinstance(target, Unit):
        return target
    if isinstance(target, StageEvent):
        return session.get(Unit, target.unit_id) if target.unit_id else None
    if target.unit is not None:
        return target.unit
    return session.get(Unit, target.unit_id) if target.unit_id else None


def _group_of(target: Candidate | Unit | StageEvent, group: str | None) -> str | None:
    if group is not None:
        return group
    candidate = target.candidate if isinstance(target, StageEvent) else target
    if isinstance(candidate, Candidate):
        return candidate.subgroup or candidate.group_code
    return None


def check_unlocked(
    session: Session,
    target: Candidate | Unit | StageEvent,
    group: str | None,
    day: date,
    locks: Locks | None = None,
) -> None:
    """Raise PeriodLocked when an event of `target` dated `day` lies in a locked period.

    `target` is the candidate (its current unit: where a new event is recorded), the
    unit, or a stored event (its own unit). `group` is the record's group or subgroup
    (read from the candidate when None), which decides only for a unit of kind `other`.
    Pass `locks` (active_locks) when checking many events at once.
    """
    locks = locks if locks is not None else active_locks(session)
    if not locks:
        return
    unit = _unit_of(session, target)
    area_path = None
    if unit is not None:
        area = unit.area if unit.area is not None else session.get(Area, unit.area_id)
        area_path = area.path if area is not None else None
    found = locks.find(
        area_path, unit.kind if unit is not None else None, _group_of(target, group), day
    )
    if found is not None:
        raise PeriodLocked(found)
