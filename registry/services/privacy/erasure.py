"""One person's data: everything the registry holds about them, and erasing it.

Erasing (DESIGN "Personal data") is for a person who has left the list. Their row keeps
what the reports count (group, unit, cell, stage dates, gender, ethnicity and whether
they hold a religion) and loses what identifies them; the audit entries and import
records that name them get the same pseudonym; the stored import files that hold them
are dropped. Events stay (their free-text notes go), so past reports do not change; the
helpers' notes on them are deleted.

Nothing links a person to a file they were merely listed in (a later batch where they
were "unchanged", a preview never committed), so every stored file is read again to
find them (traces.file_holds), and every kept preview, error list, saved mapping and
audit value is searched for their strings.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from registry.domain.refdata import religions
from registry.domain.textutil import fold
from registry.domain.textutil import sort_key as name_order
from registry.domain.vocabulary import Stage
from registry.models import AuditLog, Candidate, ImportBatch, ImportChange, ImportMapping, User
from registry.services import ServiceError, audit
from registry.services.candidates import helper_notes
from registry.services.privacy.traces import Probe, TextScrubber, file_holds
from registry.spreadsheet import Limits

PSEUDONYM = "Người đã xóa dữ liệu #{id}"
OTHER_RELIGION = "15"  # religions.csv: "Tôn giáo khác"


class ErasureRefused(ServiceError, ValueError):
    """The person can't be erased; the message is for the user."""


def person_filter(candidate: Candidate, event_ids: list[int]):
    """Audit entries about the person: their record and their events."""
    about: ColumnElement[bool] = (AuditLog.entity == "candidate") & (
        AuditLog.entity_id == candidate.id
    )
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
        "helper_notes": [
            {"day": n.day.isoformat(), "helper": n.helper, "text": n.text}
            for n in helper_notes.notes_of(session, candidate)
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
        # The readmission flag stays (it is counted); when and why they left go.
        "left_party_date": None,
        "left_party_reason": None,
        "record_expunged_date": None,
    }


def _old_strings(candidate: Candidate, pseudonym: str) -> dict[str, str]:
    """Strings that name the person in free text anywhere (a message quoting a cell).

    Other fields (a hometown) name many people: they are replaced only in the records
    about the person, where the whole value goes."""
    old = {
        candidate.full_name: pseudonym,
        fold(candidate.full_name): fold(pseudonym),
        candidate.id_number or "": "***",
    }
    return {text: new for text, new in old.items() if text}


def erase_person(
    session: Session, user: User, candidate: Candidate, limits: Limits | None = None
) -> dict[str, Any]:
    """Pseudonymise an exited person everywhere; returns what was done (also audited).

    `limits` are the import reader's, for reading the stored files again.
    """
    if candidate.stage != Stage.EXITED:
        raise ErasureRefused(
            "Chỉ xóa dữ liệu của người đã ra khỏi danh sách: hãy ghi bước «Ra khỏi danh "
            "sách» (với lý do) trước."
        )
    if candidate.erased:
        raise ErasureRefused("Dữ liệu của người này đã được xóa trước đây.")
    pseudonym = PSEUDONYM.format(id=candidate.id)
    new = _replacements(candidate, pseudonym)
    probe = Probe.of(candidate)
    scrubber = TextScrubber(_old_strings(candidate, pseudonym))
    # In the records about the person, the identifying fields take their new value whole.
    fields = {k: _plain(v) for k, v in new.items()} | {
        "name_key": fold(pseudonym),
        "sort_key": name_order(pseudonym),
        # A helper's note in the person's audit entries goes whole.
        helper_notes.AUDIT_KEY: None,
    }
    event_ids = [e.id for e in candidate.events]
    done: dict[str, Any] = {"pseudonym": pseudonym, "fields": sorted(new)}
    done["audit_entries_rewritten"] = _scrub_audit(session, candidate, event_ids, scrubber, fields)
    done |= _scrub_imports(session, candidate, probe, scrubber, fields, limits or Limits())
    done["event_notes_cleared"] = sum(1 for e in candidate.events if e.note)
    done["helper_notes_deleted"] = helper_notes.erase_notes(session, candidate)
    for event in candidate.events:
        event.note = None
    for key, value in new.items():
        setattr(candidate, key, value)
    candidate.name_key = fold(pseudonym)
    candidate.sort_key = name_order(pseudonym)
    candidate.erased = True
    audit.record(session, user, "erase", "candidate", candidate.id, after=done)
    session.flush()
    return done


def _scrub_audit(session: Session, candidate, event_ids, scrubber, fields) -> list[int]:
    """Rewrite the audit entries about the person, and those whose values name them."""
    about = person_filter(candidate, event_ids)
    own = set(session.scalars(select(AuditLog.id).where(about)))
    mentions = [
        sa.cast(column, sa.Text).contains(text, autoescape=True)
        for column in (AuditLog.before, AuditLog.after)
        for raw in scrubber.strings
        # JSON may be stored with non-ASCII letters escaped (\u1ec5): both spellings.
        for text in {raw, json.dumps(raw)[1:-1]}
    ]
    rewritten = []
    for entry in session.scalars(select(AuditLog).where(or_(about, *mentions))):
        whole = fields if entry.id in own else None
        before, after = scrubber.json(entry.before, whole), scrubber.json(entry.after, whole)
        if (before, after) != (entry.before, entry.after):
            entry.before, entry.after = before, after
            rewritten.append(entry.id)
    return sorted(rewritten)


def _scrub_imports(
    session: Session, candidate: Candidate, probe: Probe, scrubber: TextScrubber, fields, limits
) -> dict[str, list[int]]:
    """Pseudonymise every import record that names the person and drop every stored file
    that holds them, whichever batch it belongs to."""
    for change in session.scalars(
        select(ImportChange).where(ImportChange.candidate_id == candidate.id)
    ):
        change.before = scrubber.json(change.before, fields)
    with_file = set(session.scalars(select(ImportBatch.id).where(ImportBatch.content.is_not(None))))
    dropped, rewritten = [], []
    for batch in session.scalars(select(ImportBatch).order_by(ImportBatch.id)):
        mapping = _scrub_summary(batch.mapping, probe, scrubber, fields["full_name"])
        errors = scrubber.json(batch.errors)
        filename = scrubber.text(batch.filename)  # "ds_<the person's name>.xlsx"
        if (mapping, errors, filename) != (batch.mapping, batch.errors, batch.filename):
            batch.mapping, batch.errors, batch.filename = mapping, errors, filename
            rewritten.append(batch.id)
        if batch.id in with_file:
            # Read without keeping it on the batch: many files are read, few dropped.
            data = session.scalar(select(ImportBatch.content).where(ImportBatch.id == batch.id))
            if data and file_holds(probe, data, batch.filename, limits):
                batch.content = None
                dropped.append(batch.id)
    mappings = []
    for saved in session.scalars(select(ImportMapping).order_by(ImportMapping.id)):
        value = _scrub_summary(saved.mapping, probe, scrubber, fields["full_name"])
        if value != saved.mapping:
            saved.mapping = value
            mappings.append(saved.id)
    return {
        "import_files_dropped": dropped,
        "import_records_rewritten": rewritten,
        "mappings_rewritten": mappings,
    }


def _scrub_summary(summary: Any, probe: Probe, scrubber: TextScrubber, pseudonym: str) -> Any:
    """A batch's or a saved mapping's JSON: the person's preview rows lose their identity
    and their strings are replaced everywhere else."""
    if not isinstance(summary, dict):
        return scrubber.json(summary)
    return {
        key: (
            scrubber.samples(value, probe, pseudonym)
            if key == "sample" and isinstance(value, list)
            else scrubber.json(value)
        )
        for key, value in summary.items()
    }
