"""Rolling a committed candidate batch back: remove what it added, restore what it changed.

Refused when anything touched its records after the commit (a stage recorded, a
correction, an edit, a later import), since undoing the batch would undo that too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, delete, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.models import Candidate, ImportBatch, ImportChange, StageEvent, Unit, User
from registry.models._types import table_of, utcnow
from registry.services import ServiceError, audit
from registry.services.imports import dossier_rows
from registry.services.imports.writer import lock_imports, update_columns
from registry.services.rounds.locks import PeriodLocked, active_locks, check_unlocked

_SHOWN = 10  # names listed in a refusal
_TABLE = table_of(Candidate)


class RollbackRefused(ServiceError):
    """The batch can't be rolled back; the message (Vietnamese) says why."""


def _touched_later(session: Session, batch: ImportBatch) -> list[str]:
    """Names of the batch's candidates changed, or given an event, after its commit."""
    mine = select(ImportChange.candidate_id).where(ImportChange.batch_id == batch.id)
    edited = select(Candidate.id, Candidate.full_name).where(
        Candidate.id.in_(mine), Candidate.updated_at > batch.committed_at
    )
    events = (
        select(Candidate.id, Candidate.full_name)
        .join(StageEvent, StageEvent.candidate_id == Candidate.id)
        .where(
            Candidate.id.in_(mine),
            StageEvent.recorded_at > batch.committed_at,
            or_(StageEvent.import_batch_id.is_(None), StageEvent.import_batch_id != batch.id),
        )
    )
    found = dict(session.execute(edited).tuples().all())
    found.update(session.execute(events).tuples().all())
    for later in dossier_rows.changed_after(mine, batch.committed_at):
        named = select(Candidate.id, Candidate.full_name).where(Candidate.id.in_(later))
        found.update(session.execute(named).tuples().all())
    return [found[k] for k in sorted(found)]


def _refusal(batch: ImportBatch, names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    more = f" và {len(names) - _SHOWN} người khác" if len(names) > _SHOWN else ""
    return (
        f"Không thể hoàn tác lần nhập «{batch.filename}»: hồ sơ của {shown}{more} đã được "
        "thay đổi sau khi nhập (ghi nhận bước mới, sửa thông tin hoặc một lần nhập sau). "
        "Hoàn tác sẽ xóa cả các thay đổi đó; hãy hoàn tác lần nhập sau trước hoặc sửa trực "
        "tiếp trên hồ sơ."
    )


def _restored(before: dict[str, Any]) -> dict[str, Any]:
    """A before snapshot back in column types (the JSON holds dates as ISO text)."""
    out: dict[str, Any] = {}
    for name, value in before.items():
        kind = _TABLE.c[name].type
        if value is not None and isinstance(kind, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = date.fromisoformat(value)
        out[name] = value
    return out


def _check_unlocked(session: Session, batch: ImportBatch) -> None:
    """Removing the batch's events is undoing them: none may lie in a locked period."""
    locks = active_locks(session)
    if not locks:
        return
    events = session.execute(
        select(StageEvent.unit_id, StageEvent.event_date, Candidate.subgroup, Candidate.group_code)
        .join(Candidate, Candidate.id == StageEvent.candidate_id)
        .where(StageEvent.import_batch_id == batch.id)
    ).tuples()
    rows = list(events)
    ids = list({unit_id for unit_id, *_rest in rows if unit_id is not None})
    units = {
        u.id: u
        for u in session.scalars(
            select(Unit).where(Unit.id.in_(ids)).options(selectinload(Unit.area))
        )
    }
    for unit_id, day, subgroup, group in rows:
        unit = units.get(unit_id)
        if unit is None:
            continue
        try:
            check_unlocked(session, unit, subgroup or group, day, locks=locks)
        except PeriodLocked as locked:
            raise RollbackRefused(
                f"Không thể hoàn tác lần nhập «{batch.filename}»: {locked}"
            ) from None


def rollback_batch(session: Session, user: User | None, batch: ImportBatch) -> dict[str, int]:
    """Undo a committed batch in the current transaction; RollbackRefused when it can't
    be. Returns how many records were removed and restored."""
    if batch.kind != "candidates" or batch.status != "committed":
        raise RollbackRefused("Chỉ hoàn tác được một lần nhập danh sách quần chúng đã ghi.")
    lock_imports(session.connection())
    names = _touched_later(session, batch)
    if names:
        raise RollbackRefused(_refusal(batch, names))
    _check_unlocked(session, batch)
    changes = session.execute(
        select(ImportChange.candidate_id, ImportChange.action, ImportChange.before).where(
            ImportChange.batch_id == batch.id
        )
    ).all()
    added = select(ImportChange.candidate_id).where(
        ImportChange.batch_id == batch.id, ImportChange.action == "new"
    )
    conn = session.connection()
    conn.execute(delete(StageEvent).where(StageEvent.import_batch_id == batch.id))
    conn.execute(delete(Candidate).where(Candidate.id.in_(added)))
    updated = select(ImportChange.candidate_id).where(
        ImportChange.batch_id == batch.id, ImportChange.action == "updated"
    )
    dossier_rows.remove_added(conn, updated, batch.committed_at)
    restore = [
        {**_restored(before or {}), "cid": ident}
        for ident, action, before in changes
        if action == "updated"
    ]
    update_columns(conn, restore)
    counts = {"removed": len(changes) - len(restore), "restored": len(restore)}
    batch.status, batch.rolled_back_at = "rolled_back", utcnow()
    audit.record(
        session,
        user if user is not None else audit.COMMAND_LINE,
        "rollback",
        "import_batch",
        batch.id,
        {"status": "committed"},
        {"status": "rolled_back", **counts},
    )
    session.flush()
    return counts
