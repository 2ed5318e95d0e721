"""One person's data: everything the registry holds about them, and erasing it.

Erasing (DESIGN "Personal data") is for a person who has left the list. Their row keeps
what the reports count (group, unit, cell, stage dates, gender, ethnicity and whether
they hold a religion) and loses what identifies them; the audit entries and import
records that name them get the same pseudonym; the stored import files that hold them
are dropped. Events stay (their free-text notes go), so past reports do not change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.domain.refdata import religions
from registry.domain.textutil import fold, name_sort_key
from registry.domain.vocabulary import Stage
from registry.models import AuditLog, Candidate, ImportBatch, ImportChange, User
from registry.services import ServiceError, audit

PSEUDONYM = "Người đã xóa dữ liệu #{id}"
OTHER_RELIGION = "15"  # religions.csv: "Tôn giáo khác"
# Fields that identify the person; each becomes the pseudonym's value.
IDENTIFYING = (
    "full_name",
    "birth_date",
    "id_number",
    "hometown",
    "education",
    "class_or_job",
    "youth_union_date",
    "helpers",
    "introducers",
    "note",
    "certificate_no",
    "decision_no",
    "religion",
)


class ErasureRefused(ServiceError, ValueError):
    """The person can't be erased; the message is for the user."""


def person_filter(candidate: Candidate, event_ids: list[int]):
    """Audit entries about the person: their record and their events."""
    about = (AuditLog.entity == "candidate") & (AuditLog.entity_id == candidate.id)
    if event_ids:
        about = or_(about, (AuditLog.entity == "stage_event") & AuditLog.entity_id.in_(event_ids))
    return about


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def person_data(session: Session, candidate: Candidate) -> dict[str, Any]:
    """Everything held about one person, JSON-ready (their right of access)."""
    events = list(candidate.events)
    entries = session.scalars(
        select(AuditLog)
        .where(person_filter(candidate, [e.id for e in events]))
        .order_by(AuditLog.id)
    )
    changes = session.execute(
        select(
            ImportChange.batch_id,
            ImportChange.action,
            ImportBatch.filename,
            ImportBatch.uploaded_at,
        )
        .join(ImportBatch, ImportBatch.id == ImportChange.batch_id)
        .where(ImportChange.candidate_id == candidate.id)
        .order_by(ImportChange.id)
    ).all()
    return {
        "candidate": audit.snapshot(candidate),
        "unit": {"code": candidate.unit.code, "name": candidate.unit.name},
        "cell": candidate.cell.name if candidate.cell else None,
        "events": [
            {
                key: _plain(getattr(e, key))
                for key in ("id", "stage", "event_date", "document_no", "note", "reason")
            }
            | {"recorded_at": _plain(e.recorded_at)}
            for e in events
        ],
        "audit": [
            {
                "at": entry.at.isoformat(),
                "actor": entry.actor,
                "action": entry.action,
                "entity": entry.entity,
                "entity_id": entry.entity_id,
                "before": entry.before,
                "after": entry.after,
            }
            for entry in entries
        ],
        "imports": [
            {
                "batch": batch_id,
                "action": action,
                "file": filename,
                "uploaded_at": uploaded_at.isoformat(),
            }
            for batch_id, action, filename, uploaded_at in changes
        ],
    }


def _replacements(candidate: Candidate, pseudonym: str) -> dict[str, Any]:
    """Field → value it takes after erasure."""
    known = {r.code for r in religions()}
    religion = candidate.religion
    if religion and religion not in known:
        religion = OTHER_RELIGION  # free text could name a small community: keep only "has one"
    birth = candidate.birth_date
    return {
        "full_name": pseudonym,
        # The year stays (ages in past figures); the day and month identify.
        "birth_date": date(birth.year, 7, 1) if birth else birth,
        "id_number": None,
        "hometown": None,
        "education": None,
        "class_or_job": None,
        "youth_union_date": None,
        "helpers": None,
        "introducers": None,
        "note": None,
        "certificate_no": None,
        "decision_no": None,
        "religion": religion,
    }


def _scrub(value: Any, old: dict[str, str], new: dict[str, Any]) -> Any:
    """A JSON value with the person's old values replaced, at any depth."""
    if isinstance(value, dict):
        return {
            k: (_plain(new[k]) if k in new and k in IDENTIFYING else _scrub(v, old, new))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v, old, new) for v in value]
    if isinstance(value, str):
        for text, replacement in old.items():
            if text and text in value:
                value = value.replace(text, replacement)
    return value


def erase_person(session: Session, user: User, candidate: Candidate) -> dict[str, Any]:
    """Pseudonymise an exited person everywhere; returns what was done (also audited)."""
    if candidate.stage != Stage.EXITED:
        raise ErasureRefused(
            "Chỉ xóa dữ liệu của người đã ra khỏi danh sách: hãy ghi bước «Ra khỏi danh "
            "sách» (với lý do) trước."
        )
    if candidate.erased:
        raise ErasureRefused("Dữ liệu của người này đã được xóa trước đây.")
    pseudonym = PSEUDONYM.format(id=candidate.id)
    new = _replacements(candidate, pseudonym)
    # Strings that may stand in free text (a name in an error message, a CCCD).
    old = {
        v: (pseudonym if k == "full_name" else "***")
        for k in ("full_name", "id_number", "hometown")
        if isinstance(v := getattr(candidate, k), str) and len(v) >= 4
    }
    event_ids = [e.id for e in candidate.events]
    for entry in session.scalars(select(AuditLog).where(person_filter(candidate, event_ids))):
        entry.before = _scrub(entry.before, old, new)
        entry.after = _scrub(entry.after, old, new)
    batch_ids = _scrub_imports(session, candidate, old, new)
    for event in candidate.events:
        event.note = None
    for key, value in new.items():
        setattr(candidate, key, value)
    candidate.name_key = fold(pseudonym)
    candidate.sort_key = name_sort_key(pseudonym)
    candidate.erased = True
    done = {"pseudonym": pseudonym, "fields": sorted(new), "import_files_dropped": batch_ids}
    audit.record(session, user, "erase", "candidate", candidate.id, after=done)
    session.flush()
    return done


def _scrub_imports(session: Session, candidate: Candidate, old, new) -> list[int]:
    """Pseudonymise the import records of the person and drop the files that hold them."""
    changes = session.scalars(select(ImportChange).where(ImportChange.candidate_id == candidate.id))
    batch_ids = set()
    for change in changes:
        change.before = _scrub(change.before, old, new)
        batch_ids.add(change.batch_id)
    if candidate.import_batch_id:
        batch_ids.add(candidate.import_batch_id)
    batches = session.scalars(select(ImportBatch).where(ImportBatch.id.in_(batch_ids)))
    dropped = []
    for batch in batches:
        batch.mapping = _scrub(batch.mapping, old, new)
        batch.errors = _scrub(batch.errors, old, new)
        if batch.content is not None:
            batch.content = None
            dropped.append(batch.id)
    return sorted(dropped)
