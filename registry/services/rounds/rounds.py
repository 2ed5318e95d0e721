"""Opening rounds and reading them: who must report, each reporter's state, who is late.

A reporter's state is that of its latest submission (domain.rounds); "late" counts
working days past the deadline with the calendar's own function and holidays, up to the
first sending (or today, while nothing was sent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry import access
from registry.domain.periods import Period
from registry.domain.report_kinds import SUBMITTABLE
from registry.domain.rounds import NOT_SUBMITTED, ROUND_STATES, TO_DO_STATES, days_late
from registry.domain.textutil import clean_text
from registry.domain.workdays import VN_TZ, working_days_between
from registry.models import (
    Area,
    Organisation,
    ReportingRound,
    RoundReporter,
    Submission,
    User,
)
from registry.scoping import scope_filter
from registry.services import audit
from registry.services.calendar.holidays import holiday_set
from registry.services.reports.headings import root_area
from registry.services.rounds import RoundError

ROUND_FIELDS = ["period_from", "period_to", "period_label", "reports", "deadline", "note"]


def province_level(organisation: Organisation) -> bool:
    """An organisation serving the whole province: no area, or the province itself."""
    return organisation.area is None or organisation.area.level == "province"


def may_open_rounds(organisation: Organisation | None) -> bool:
    """Whether an organisation opens rounds: its setting, else the default that
    province-level organisations do (DECISIONS "Reporting rounds")."""
    if organisation is None or not organisation.active:
        return False
    if organisation.opens_rounds is not None:
        return organisation.opens_rounds
    return province_level(organisation)


def reporter_choices(session: Session, opener: Organisation) -> list[Organisation]:
    """Whom a round of `opener` may ask: every other active organisation, the communes'
    and party committees' bodies (areas) and the province's departments."""
    stmt = (
        select(Organisation)
        .where(Organisation.active.is_(True), Organisation.id != opener.id)
        .order_by(Organisation.name, Organisation.id)
    )
    return list(session.scalars(stmt))


def opener_of(user: User) -> Organisation:
    """The organisation a user opens rounds for; refused when it may not."""
    if not access.may(user, access.OPEN_ROUNDS) or not may_open_rounds(user.organisation):
        raise RoundError(
            "may_not_open",
            "Chỉ cơ quan cấp tỉnh mới mở đợt báo cáo; tài khoản của bạn chưa thuộc cơ quan nào "
            "như vậy.",
        )
    assert user.organisation is not None  # may_open_rounds checked it
    return user.organisation


def open_round(
    session: Session,
    user: User,
    period: Period,
    reports: Sequence[str],
    reporter_ids: Sequence[int],
    deadline: date,
    note: str = "",
) -> ReportingRound:
    """Open a round of the user's organisation; flushes and audits."""
    opener = opener_of(user)
    codes = [code for code in SUBMITTABLE if code in reports]
    if not codes or len(codes) != len(set(reports)):
        raise RoundError("invalid_reports", "Hãy chọn báo cáo trong danh sách.")
    allowed = {o.id: o for o in reporter_choices(session, opener)}
    if not reporter_ids or any(i not in allowed for i in reporter_ids):
        raise RoundError(
            "invalid_reporters", "Hãy chọn cơ quan, tổ chức phải báo cáo trong danh sách."
        )
    if deadline < period.start:
        raise RoundError("deadline_before_period", "Hạn nộp phải sau ngày bắt đầu kỳ báo cáo.")
    round_ = ReportingRound(
        period_from=period.start,
        period_to=period.end,
        period_label=period.label,
        reports=",".join(codes),
        deadline=deadline,
        note=clean_text(note),
        organisation_id=opener.id,
        opened_by_id=user.id,
    )
    for ident in dict.fromkeys(reporter_ids):
        round_.reporters.append(RoundReporter(organisation_id=ident))
    session.add(round_)
    session.flush()
    after = {
        **audit.snapshot(round_, ROUND_FIELDS),
        "organisation_id": opener.id,
        "reporters": list(dict.fromkeys(reporter_ids)),
    }
    audit.record(session, user, "open_round", "reporting_round", round_.id, None, after)
    return round_


def period_of(round_: ReportingRound) -> Period:
    return Period(round_.period_from, round_.period_to, round_.period_label)


def visible_rounds(session: Session, user: User) -> list[ReportingRound]:
    stmt = (
        select(ReportingRound)
        .where(scope_filter(user, ReportingRound))
        .options(selectinload(ReportingRound.organisation))
        .order_by(ReportingRound.deadline.desc(), ReportingRound.id.desc())
    )
    return list(session.scalars(stmt))


def sent_on(submission: Submission) -> date:
    """The day (Vietnam time) a submission was sent."""
    return submission.submitted_at.replace(tzinfo=UTC).astimezone(VN_TZ).date()


@dataclass
class ReporterStatus:
    organisation: Organisation
    state: str  # NOT_SUBMITTED or a Submission state
    latest: Submission | None
    first_sent: date | None
    late_days: int  # working days past the deadline (so far, while nothing was sent)

    @property
    def to_do(self) -> bool:
        return self.state in TO_DO_STATES


def _submissions(session: Session, round_: ReportingRound, user: User) -> list[Submission]:
    stmt = (
        select(Submission)
        .where(Submission.round_id == round_.id, scope_filter(user, Submission))
        .order_by(Submission.id)
    )
    return list(session.scalars(stmt))


def reporter_statuses(
    session: Session, user: User, round_: ReportingRound, today: date
) -> list[ReporterStatus]:
    """Each reporter the user may see (all, for the opener; its own, for a reporter)."""
    holidays = holiday_set(session)
    sent = _submissions(session, round_, user)
    visible = {s.organisation_id for s in sent}
    if user.role == "admin" or access.may(user, access.REVIEW_SUBMISSION, round_):
        reporters = [r.organisation for r in round_.reporters]
    else:
        reporters = [
            r.organisation
            for r in round_.reporters
            if r.organisation_id == user.organisation_id or r.organisation_id in visible
        ]
    statuses = []
    for organisation in reporters:
        own = [s for s in sent if s.organisation_id == organisation.id]
        latest = own[-1] if own else None
        first = sent_on(own[0]) if own else None
        late = days_late(
            round_.deadline,
            first or today,
            lambda a, b: working_days_between(a, b, holidays),
        )
        state = latest.state if latest is not None else NOT_SUBMITTED
        statuses.append(ReporterStatus(organisation, state, latest, first, late))
    return statuses


def round_state_code(
    statuses: Sequence[ReporterStatus], round_: ReportingRound, today: date
) -> str:
    """The round's state (ROUND_STATES): all approved, past its deadline, or open."""
    if statuses and all(s.state == "approved" for s in statuses):
        return "approved"
    if today > round_.deadline:
        return "late"
    return "open"


def round_state(statuses: Sequence[ReporterStatus], round_: ReportingRound, today: date) -> str:
    """The round as listed: "Đã duyệt đủ", "Quá hạn" or "Đang mở"."""
    return ROUND_STATES[round_state_code(statuses, round_, today)]


def to_do_rounds(session: Session, user: User) -> list[tuple[ReportingRound, str]]:
    """The rounds the user's organisation must still report in: nothing sent, returned,
    or unlocked; with that state."""
    if user.organisation_id is None or not access.may(user, access.SUBMIT_TO_ROUND):
        return []
    latest = (
        select(Submission.round_id, func.max(Submission.id).label("last"))
        .where(Submission.organisation_id == user.organisation_id)
        .group_by(Submission.round_id)
        .subquery()
    )
    stmt = (
        select(ReportingRound, Submission.state)
        .join(RoundReporter, RoundReporter.round_id == ReportingRound.id)
        .outerjoin(latest, latest.c.round_id == ReportingRound.id)
        .outerjoin(Submission, Submission.id == latest.c.last)
        .where(RoundReporter.organisation_id == user.organisation_id)
        .order_by(ReportingRound.deadline, ReportingRound.id)
    )
    return [
        (round_, state or NOT_SUBMITTED)
        for round_, state in session.execute(stmt).tuples()
        if (state or NOT_SUBMITTED) in TO_DO_STATES
    ]


def late_reporters(
    session: Session, user: User, today: date
) -> list[tuple[ReportingRound, ReporterStatus]]:
    """Reporters past the deadline who have not sent anything, in the rounds the user's
    organisation opened (every round, for an admin)."""
    rows = []
    for round_ in visible_rounds(session, user):
        if today <= round_.deadline or not access.may(user, access.REVIEW_SUBMISSION, round_):
            continue
        for status in reporter_statuses(session, user, round_, today):
            if status.state == NOT_SUBMITTED and status.late_days > 0:
                rows.append((round_, status))
    return rows


def report_area(session: Session, user: User, organisation: Organisation) -> Area | None:
    """The area a reporter's reports cover: its organisation's, else the user's own, else
    the province."""
    if organisation.area is not None:
        return organisation.area
    if user.area is not None:
        return user.area
    return root_area(session)
