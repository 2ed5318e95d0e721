"""E-mail reminders of reporting rounds, sent only when a mail server is configured.

Each organisation with an address that must still send in a round (nothing sent,
returned, or unlocked) gets one message per round once the deadline is near or past.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.domain.rounds import NOT_SUBMITTED, REPORTER_STATES, TO_DO_STATES
from registry.domain.workdays import fmt_date
from registry.models import Organisation, ReportingRound, RoundReporter, Submission
from registry.services import audit
from registry.services.reports.workbooks import REPORTS

DAYS_BEFORE = 3  # calendar days before the deadline when reminders start


@dataclass(frozen=True)
class MailSettings:
    server: str | None
    port: int = 25
    sender: str = "bao-cao@localhost"


def due(session: Session, today: date) -> list[tuple[ReportingRound, Organisation, str]]:
    """(round, organisation, state) for each reporter with an address still to send."""
    latest = (
        select(
            Submission.round_id,
            Submission.organisation_id,
            func.max(Submission.id).label("last"),
        )
        .group_by(Submission.round_id, Submission.organisation_id)
        .subquery()
    )
    stmt = (
        select(ReportingRound, Organisation, Submission.state)
        .join(RoundReporter, RoundReporter.round_id == ReportingRound.id)
        .join(Organisation, Organisation.id == RoundReporter.organisation_id)
        .outerjoin(
            latest,
            (latest.c.round_id == ReportingRound.id)
            & (latest.c.organisation_id == Organisation.id),
        )
        .outerjoin(Submission, Submission.id == latest.c.last)
        .where(
            ReportingRound.deadline <= today + timedelta(days=DAYS_BEFORE),
            Organisation.email != "",
            Organisation.active.is_(True),
        )
        .order_by(ReportingRound.id, Organisation.id)
    )
    return [
        (round_, organisation, state or NOT_SUBMITTED)
        for round_, organisation, state in session.execute(stmt).tuples()
        if (state or NOT_SUBMITTED) in TO_DO_STATES
    ]


def message(round_: ReportingRound, organisation: Organisation, state: str, sender: str):
    mail = EmailMessage()
    period = f"{fmt_date(round_.period_from)} – {fmt_date(round_.period_to)}"
    mail["Subject"] = f"Nhắc nộp báo cáo kỳ {period}, hạn {fmt_date(round_.deadline)}"
    mail["From"] = sender
    mail["To"] = organisation.email
    reports = "; ".join(REPORTS[code] for code in round_.report_codes)
    mail.set_content(
        f"Kính gửi {organisation.name},\n\n"
        f"{round_.organisation.name} đề nghị nộp báo cáo kỳ {period}: {reports}.\n"
        f"Hạn nộp: {fmt_date(round_.deadline)}. Tình trạng: {REPORTER_STATES[state]}.\n\n"
        "Vui lòng đăng nhập Sổ theo dõi phát triển đảng viên, mục Đợt báo cáo, để nộp.\n"
    )
    return mail


def send_reminders(session: Session, settings: MailSettings, today: date) -> int | None:
    """Send the due reminders; None when no mail server is configured (nothing sent)."""
    if not settings.server:
        return None
    pending = due(session, today)
    if not pending:
        return 0
    with smtplib.SMTP(settings.server, settings.port, timeout=30) as smtp:
        for round_, organisation, state in pending:
            smtp.send_message(message(round_, organisation, state, settings.sender))
            audit.record(
                session,
                audit.COMMAND_LINE,
                "remind",
                "reporting_round",
                round_.id,
                None,
                {"organisation_id": organisation.id, "email": organisation.email},
            )
    return len(pending)
