"""Notes by the helper members (đảng viên giúp đỡ) on a candidate during their training.

Optional and dated: a helper's observation of the person they follow, entered from the
candidate page by whoever may edit the candidate (callers scope the candidate first).
Each note added or removed is audited as a change of the candidate's record, so the
person's audit trail holds it and erasure rewrites it with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import access
from registry.domain.textutil import clean_text
from registry.domain.workdays import fmt_date, today_vn
from registry.models import Candidate, HelperNote, User
from registry.services import ServiceError, audit

NOTE_FIELDS = ["id", "day", "helper", "text"]
# The key of a note inside the candidate's audit entries (erasure replaces it whole).
AUDIT_KEY = "helper_note"


class NoteRefused(ServiceError):
    """A note the registry refuses; the message is for the user."""


@dataclass(frozen=True)
class NoteData:
    day: date
    helper: str
    text: str


def notes_of(session: Session, candidate: Candidate) -> list[HelperNote]:
    """The candidate's notes in date order (the order they were entered within a day)."""
    return list(
        session.scalars(
            select(HelperNote)
            .where(HelperNote.candidate_id == candidate.id)
            .order_by(HelperNote.day, HelperNote.id)
        )
    )


def note_in(session: Session, candidate: Candidate, note_id: int) -> HelperNote | None:
    row = session.get(HelperNote, note_id)
    return row if row is not None and row.candidate_id == candidate.id else None


def _check_editor(user: User | None) -> None:
    if user is not None and not access.may(user, access.EDIT_CANDIDATES):
        raise NoteRefused("Tài khoản của bạn không được thay đổi hồ sơ.")


def _check_day(candidate: Candidate, day: date, today: date) -> None:
    if day > today:
        raise NoteRefused(
            f"Ngày nhận xét {fmt_date(day)} ở tương lai (hôm nay là {fmt_date(today)})."
        )
    if candidate.source_date is not None and day < candidate.source_date:
        raise NoteRefused(
            f"Ngày nhận xét {fmt_date(day)} sớm hơn ngày vào danh sách nguồn "
            f"({fmt_date(candidate.source_date)}): đảng viên giúp đỡ chỉ nhận xét từ khi "
            "người này được đưa vào nguồn."
        )


def add_note(
    session: Session,
    user: User | None,
    candidate: Candidate,
    data: NoteData,
    today: date | None = None,
) -> HelperNote:
    """Add a helper's note; refused for a day in the future or before the source list."""
    _check_editor(user)
    helper, text = clean_text(data.helper), (data.text or "").strip()
    if not helper or not text:
        raise NoteRefused("Hãy ghi tên đảng viên giúp đỡ và nội dung nhận xét.")
    _check_day(candidate, data.day, today or today_vn())
    row = HelperNote(
        candidate_id=candidate.id,
        day=data.day,
        helper=helper,
        text=text,
        recorded_by_id=user.id if isinstance(user, User) else None,
    )
    session.add(row)
    session.flush()
    after = {AUDIT_KEY: audit.snapshot(row, NOTE_FIELDS)}
    audit.record(session, user, "helper_note", "candidate", candidate.id, after=after)
    return row


def delete_note(session: Session, user: User | None, candidate: Candidate, row: HelperNote) -> None:
    _check_editor(user)
    before = {AUDIT_KEY: audit.snapshot(row, NOTE_FIELDS)}
    session.delete(row)
    session.flush()
    audit.record(session, user, "helper_note_delete", "candidate", candidate.id, before=before)


def erase_notes(session: Session, candidate: Candidate) -> int:
    """Delete every note of the candidate (erasure); returns how many there were."""
    rows = notes_of(session, candidate)
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)
