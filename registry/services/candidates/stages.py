"""Recording, correcting and undoing stage events: the only writer of the stage columns.

Every rule comes from registry.domain.rules (check_transition for a new event, check_row for a
corrected set of dates); this module turns a verdict into StageRefused or warnings, keeps
the candidate's stored stage columns in step with its events, and writes the audit log.
Callers check scope first (get_in_scope / scoped queries); these functions flush, never
commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session, object_session

from registry import access
from registry.domain.rules.facts import CandidateFacts, Readmission
from registry.domain.rules.settings import RuleSettings
from registry.domain.rules.transitions import check_row, check_transition
from registry.domain.rules.verdict import Verdict
from registry.domain.stage_columns import STAGE_COLUMNS, EventFact, columns_from_events
from registry.domain.textutil import clean_text
from registry.domain.vocabulary import (
    DOCUMENT_COLUMNS,
    EXIT_REASONS,
    STAGE_DATE_COLUMNS,
    STAGE_LABELS,
    STAGE_RANK,
    Stage,
)
from registry.domain.workdays import Calendar, today_vn
from registry.models import Candidate, Introducer, StageEvent, User
from registry.services import ServiceError, audit
from registry.services.candidates import dossier
from registry.services.rounds.locks import PeriodLocked, check_unlocked
from registry.settings import rule_settings
from registry.signals import stage_events_changed

Issue = tuple[str, str]

_EVENT_FIELDS = ["stage", "event_date", "document_no", "note", "reason", "unit_id", "cell_id"]
_COUNTED = re.compile(r"^\s*(\d+)\b")
_SPLIT = re.compile(r"[;,\n]+")


# Stages whose dates the dossier's validity depends on (the certificate, the dossier's own).
_DOSSIER_STAGES = (Stage.TRAINED.value, Stage.DOSSIER.value)


class StageRefused(ServiceError):
    """The change breaks a rule; `issues` are (code, Vietnamese message) pairs."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(message for _code, message in issues))
        self.issues = issues


@dataclass
class StageResult:
    event: StageEvent
    warnings: list[Issue] = field(default_factory=list)


# --- facts from the events ----------------------------------------------------------------


def ordered_events(events: Iterable[StageEvent]) -> list[StageEvent]:
    return sorted(events, key=lambda e: (e.event_date, e.sequence or 0, e.id or 0))


def latest_by_stage(events: Iterable[StageEvent]) -> dict[str, StageEvent]:
    """The latest event of each stage (a renewed certificate replaces the older one)."""
    return {e.stage: e for e in ordered_events(events)}


def introducers_count(text: str | None) -> int | None:
    """How many introducers a free-text field names; None when it is blank (unknown).

    "2 đảng viên chính thức" counts as 2; otherwise names are separated by commas,
    semicolons or new lines.
    """
    text = (text or "").strip()
    if not text:
        return None
    counted = _COUNTED.match(text)
    if counted:
        return int(counted.group(1))
    return len([part for part in _SPLIT.split(text) if part.strip()])


def committee_required(candidate: Candidate) -> bool:
    return candidate.cell is not None and candidate.cell.needs_committee


def in_disadvantaged_area(candidate: Candidate) -> bool:
    unit = candidate.unit
    return bool(unit is not None and unit.area is not None and unit.area.disadvantaged)


def readmission_of(candidate: Candidate) -> Readmission | None:
    """The readmission facts (rule 16), when the candidate is flagged and the date known."""
    if not candidate.readmission or candidate.left_party_date is None:
        return None
    return Readmission(candidate.left_party_date, candidate.record_expunged_date)


def facts_for(
    candidate: Candidate,
    events: Iterable[StageEvent] | None = None,
    introducers: list[Introducer] | None = None,
) -> CandidateFacts:
    """What the rules need to know about the candidate, read from its events (and its
    introducer rows, read here unless the caller has them)."""
    latest = latest_by_stage(candidate.events if events is None else events)
    session = object_session(candidate)
    entered = (
        dossier.introducer_count(session, candidate, introducers) if session is not None else None
    )
    return CandidateFacts(
        birth_date=candidate.birth_date,
        education=candidate.education,
        introducers_count=entered or introducers_count(candidate.introducers),
        committee_required=committee_required(candidate),
        disadvantaged_area=in_disadvantaged_area(candidate),
        dates={stage: event.event_date for stage, event in latest.items()},
        exited=Stage.EXITED.value in latest,
        readmission=readmission_of(candidate),
        recognition_resolution=candidate.recognition_resolution_date,
    )


def allowed_next_stages(
    candidate: Candidate, today: date | None = None, facts: CandidateFacts | None = None
) -> list[str]:
    """Stages that may be recorded now (ignoring dates): the choices of the stage form."""
    facts = facts or facts_for(candidate)
    if facts.exited:
        return []
    today = today or today_vn()
    # Checking each stage on a date no rule can fault (today is never before a recorded
    # date and never in the future) leaves only the order rules to decide.
    allowed = []
    for stage in (*STAGE_RANK, Stage.EXITED.value):
        verdict = check_transition(facts, stage, today, today, rule_settings())
        if not any(i.code == "stage_order" for i in verdict.errors):
            allowed.append(stage)
    return allowed


# --- keeping the stored columns in step ---------------------------------------------------


def sync_stage_columns(candidate: Candidate, events: Iterable[StageEvent] | None = None) -> None:
    """Recompute stage, the <stage>_date columns, numbers, exit reason and last_event_date."""
    ordered = ordered_events(candidate.events if events is None else events)
    facts = [EventFact(e.stage, e.event_date, e.document_no, e.reason) for e in ordered]
    for column, value in columns_from_events(facts).items():
        setattr(candidate, column, value)


def _stage_snapshot(candidate: Candidate) -> dict:
    return audit.snapshot(candidate, list(STAGE_COLUMNS))


# --- checks -------------------------------------------------------------------------------


def _issues(items) -> list[Issue]:
    return [(i.code, i.message) for i in items]


def _check_editor(user: User | None) -> None:
    if user is not None and not access.may(user, access.EDIT_CANDIDATES):
        raise StageRefused([("forbidden", "Tài khoản của bạn không được thay đổi hồ sơ.")])


def _check_reason(stage: str, reason: str | None) -> str | None:
    if stage != Stage.EXITED.value:
        return None
    if reason not in EXIT_REASONS:
        raise StageRefused([("exit_reason", "Hãy chọn lý do ra khỏi danh sách.")])
    return reason


def _document_warning(stage: str, document_no: str | None) -> list[Issue]:
    if stage in DOCUMENT_COLUMNS and not document_no:
        what = "số giấy chứng nhận" if stage == Stage.TRAINED.value else "số quyết định kết nạp"
        return [("missing_document", f"Chưa ghi {what}; có thể bổ sung bằng cách sửa sự kiện.")]
    return []


def _check_dossier_complete(
    session: Session, candidate: Candidate, when: date, settings: RuleSettings
) -> None:
    """The `dossier` stage is reached only with every required item present and valid."""
    problems = dossier.dossier_problems(session, candidate, when, settings)
    if problems:
        listed = " ".join(problems)
        raise StageRefused(
            [("dossier_incomplete", f"Hồ sơ chưa đủ để ghi nhận bước này. {listed}")]
        )


def _check_unlocked(session: Session, target: Candidate | StageEvent, day: date) -> None:
    """A date inside a period approved in a reporting round is refused like a rule."""
    try:
        check_unlocked(session, target, None, day)
    except PeriodLocked as locked:
        raise StageRefused([(locked.code, str(locked))]) from None


def _raise_if_refused(verdict: Verdict) -> None:
    if verdict.errors:
        raise StageRefused(_issues(verdict.errors))


# --- the operations -----------------------------------------------------------------------


def record_stage(
    session: Session,
    user: User | None,
    candidate: Candidate,
    stage: str,
    when: date,
    document_no: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    today: date | None = None,
    holidays: Calendar | None = None,
) -> StageResult:
    """Record `stage` on `when` for a candidate the caller has already scoped.

    Raises StageRefused when a rule forbids it; returns the new event and the warnings.
    `holidays` is accepted so that callers recording many candidates pass the set once;
    the admission rules themselves count calendar months, not working days.
    """
    del holidays
    _check_editor(user)
    stage = Stage(stage).value
    reason = _check_reason(stage, reason)
    today = today or today_vn()
    # A locked period is the first answer: no rule makes a date inside it acceptable.
    _check_unlocked(session, candidate, when)
    settings = rule_settings()
    verdict = check_transition(facts_for(candidate), stage, when, today, settings)
    _raise_if_refused(verdict)
    if stage == Stage.DOSSIER.value:
        _check_dossier_complete(session, candidate, when, settings)

    before = _stage_snapshot(candidate)
    event = _new_event(user, candidate, stage, when, document_no, note, reason)
    # The backref put the event in candidate.events; the session needs telling (SA 2.0).
    session.add(event)
    sync_stage_columns(candidate)
    session.flush()
    if stage in _DOSSIER_STAGES:
        dossier.refresh_validity(session, candidate, settings, today)
    stage_events_changed.send(session, dates=[when], unit_ids=(event.unit_id, candidate.unit_id))
    audit.record(
        session,
        user,
        "stage",
        "candidate",
        candidate.id,
        before,
        {**_stage_snapshot(candidate), "event": audit.snapshot(event, ["id", *_EVENT_FIELDS])},
    )
    warnings = _issues(verdict.warnings) + _document_warning(stage, event.document_no)
    return StageResult(event, warnings)


def _new_event(
    user: User | None,
    candidate: Candidate,
    stage: str,
    when: date,
    document_no: str | None,
    note: str | None,
    reason: str | None,
) -> StageEvent:
    """The candidate's next event, in its unit and cell of today, numbered after its last."""
    return StageEvent(
        candidate=candidate,
        stage=stage,
        event_date=when,
        document_no=clean_text(document_no) or None,
        note=clean_text(note) or None,
        reason=reason,
        unit_id=candidate.unit_id if candidate.unit_id else candidate.unit.id,
        cell_id=candidate.cell.id if candidate.cell is not None else candidate.cell_id,
        recorded_by_id=user.id if isinstance(user, User) else None,
        sequence=max((e.sequence or 0 for e in candidate.events if e is not None), default=0) + 1,
    )


def correct_event(
    session: Session,
    user: User,
    event: StageEvent,
    when: date,
    document_no: str | None,
    note: str | None = None,
    today: date | None = None,
) -> StageResult:
    """Change an event's date and number (and note) within the rules."""
    if not access.may(user, access.CORRECT_EVENT, event):
        raise StageRefused(
            [("forbidden", "Chỉ người đã ghi nhận sự kiện này hoặc quản trị viên được sửa.")]
        )
    candidate = event.candidate
    today = today or today_vn()
    others = [e for e in candidate.events if e is not event]
    _check_unlocked(session, event, event.event_date)
    _check_unlocked(session, event, when)
    verdict = _check_corrected(candidate, others, event.stage, when, today)
    _raise_if_refused(verdict)

    before = audit.snapshot(event, _EVENT_FIELDS)
    stage_events_changed.send(
        session, dates=[event.event_date, when], unit_ids=(event.unit_id, candidate.unit_id)
    )
    event.event_date = when
    event.document_no = clean_text(document_no) or None
    if note is not None:
        event.note = clean_text(note) or None
    sync_stage_columns(candidate)
    session.flush()
    if event.stage in _DOSSIER_STAGES:
        dossier.refresh_validity(session, candidate, rule_settings(), today)
    changed_before, changed_after = audit.changed(before, audit.snapshot(event, _EVENT_FIELDS))
    audit.record(
        session,
        user,
        "correct",
        "stage_event",
        event.id,
        {**changed_before, "candidate_id": candidate.id},
        {**changed_after, "candidate_id": candidate.id},
    )
    return StageResult(event, _document_warning(event.stage, event.document_no))


def _check_corrected(
    candidate: Candidate, others: list[StageEvent], stage: str, when: date, today: date
) -> Verdict:
    """check_row over the candidate's dates with the corrected one in place."""
    dates = {s: e.event_date for s, e in latest_by_stage(others).items()}
    same_stage = [e.event_date for e in others if e.stage == stage]
    if same_stage and max(same_stage) > when:
        # A corrected certificate stays the latest one only if it is not older than the rest.
        dates[stage] = max(same_stage)
    else:
        dates[stage] = when
    verdict = check_row(
        dates,
        candidate.birth_date,
        candidate.education,
        today,
        rule_settings(),
        committee_required=committee_required(candidate),
        introducers_count=introducers_count(candidate.introducers),
        disadvantaged_area=in_disadvantaged_area(candidate),
        readmission=readmission_of(candidate),
    )
    if when > today and not any(i.code == "future_date" for i in verdict.errors):
        verdict.error(
            "future_date",
            f"Ngày của bước “{STAGE_LABELS[stage]}” ở tương lai.",
            STAGE_DATE_COLUMNS[stage],
        )
    return verdict


def last_event(candidate: Candidate) -> StageEvent | None:
    ordered = ordered_events(candidate.events)
    return ordered[-1] if ordered else None


def undo_last_event(session: Session, user: User, candidate: Candidate) -> StageEvent:
    """Remove the candidate's last event (admins only); the columns follow what remains."""
    if not access.may(user, access.UNDO_EVENT):
        raise StageRefused([("forbidden", "Chỉ quản trị viên được hoàn tác sự kiện.")])
    event = last_event(candidate)
    if event is None or len(candidate.events) < 2:
        raise StageRefused(
            [("last_event", "Không thể hoàn tác sự kiện duy nhất của hồ sơ (ngày vào nguồn).")]
        )
    _check_unlocked(session, event, event.event_date)
    before = _stage_snapshot(candidate)
    removed = {"id": event.id, **audit.snapshot(event, _EVENT_FIELDS)}
    stage_events_changed.send(
        session, dates=[event.event_date], unit_ids=(event.unit_id, candidate.unit_id)
    )
    candidate.events.remove(event)  # delete-orphan removes the row at flush
    sync_stage_columns(candidate)
    session.flush()
    if event.stage in _DOSSIER_STAGES:
        dossier.refresh_validity(session, candidate, rule_settings())
    audit.record(
        session,
        user,
        "undo",
        "candidate",
        candidate.id,
        {**before, "event": removed},
        _stage_snapshot(candidate),
    )
    return event
