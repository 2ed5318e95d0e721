"""The consolidated workbook of a round: each approved submission's totals as sent,
the live totals of the same reports beside them, and who has no approved report."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from exports import build
from exports.rounds import ConsolidatedLine, ConsolidatedReport, ConsolidatedRound, MissingReporter
from registry.domain.rounds import REPORTER_STATES, TOTAL_FIELDS, report_totals
from registry.models import ReportingRound, Submission, User
from registry.services.reports.workbooks import REPORTS, ReportError, ReportRequest, make_report
from registry.services.rounds.rounds import period_of, reporter_statuses

SHEETS = {
    "students": "Học sinh, sinh viên",
    "workers": "Công nhân",
    "ct33": "Chỉ thị 33",
    "summary": "Tổng hợp",
}


def _live(session: Session, round_: ReportingRound, submission: Submission, report: str):
    """The same report made now, as its sender would make it; None if it can't be."""
    sender = submission.submitted_by
    if sender is None or not sender.active or submission.area is None:
        return None
    try:
        export = make_report(
            session, sender, ReportRequest(report, period_of(round_), submission.area)
        )
    except ReportError:
        return None
    return report_totals(report, export.figures or {})


def consolidated(session: Session, user: User, round_: ReportingRound, today: date):
    """The round's workbook (BytesIO) built from the approved submissions."""
    statuses = reporter_statuses(session, user, round_, today)
    approved = [s for s in statuses if s.state == "approved" and s.latest is not None]
    reports = []
    for code in round_.report_codes:
        lines = []
        for status in approved:
            assert status.latest is not None
            sent = next((r for r in status.latest.reports if r.report == code), None)
            if sent is None:
                continue  # not one this reporter's scope could fill
            lines.append(
                ConsolidatedLine(
                    status.organisation.name,
                    report_totals(code, sent.figures),
                    _live(session, round_, status.latest, code),
                )
            )
        reports.append(
            ConsolidatedReport(SHEETS[code], REPORTS[code], list(TOTAL_FIELDS[code].items()), lines)
        )
    missing = [
        MissingReporter(s.organisation.name, REPORTER_STATES[s.state], s.late_days)
        for s in statuses
        if s.state != "approved"
    ]
    period = period_of(round_)
    data = ConsolidatedRound(
        title="Tổng hợp báo cáo theo đợt",
        period=f"Kỳ báo cáo: {period.text}",
        opener=round_.organisation.name,
        reports=reports,
        missing=missing,
    )
    return build("round", data)
