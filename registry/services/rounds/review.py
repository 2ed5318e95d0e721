"""The steps of a submission: send (and send again), return with a reason, approve,
unlock. Each one is a SubmissionStep (the history the pages show) and an audit entry.

What is sent is built from the live data at that moment with the reports service and
kept exactly as built: each report's workbook and figures, the comment, who and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import access
from registry.domain.report_kinds import fillable, report_kinds
from registry.domain.rounds import NOT_SUBMITTED, TO_DO_STATES
from registry.domain.textutil import clean_text
from registry.domain.vocabulary import kinds_of_subgroups
from registry.models import (
    Organisation,
    ReportingRound,
    Submission,
    SubmissionReport,
    SubmissionStep,
    User,
)
from registry.models._types import utcnow
from registry.scoping import restriction_of
from registry.services import audit
from registry.services.reports.workbooks import REPORTS, SLUGS, Export, ReportRequest, make_report
from registry.services.rounds import RoundError
from registry.services.rounds import documents as documents_service
from registry.services.rounds.documents import EditedNarrative, round_narrative
from registry.services.rounds.rounds import period_of, report_area


@dataclass(frozen=True)
class SentWorkbook:
    data: bytes
    ascii_name: str
    display_name: str


def sent_workbook(
    session: Session, user: User, submission: Submission, code: str
) -> SentWorkbook | None:
    """One report of a submission exactly as it was sent (None: it holds no such report);
    the download is audited."""
    kept = session.scalar(
        select(SubmissionReport).where(
            SubmissionReport.submission_id == submission.id, SubmissionReport.report == code
        )
    )
    if kept is None or code not in REPORTS:
        return None
    round_id = submission.round_id
    audit.record(
        session, user, "export", "submission", submission.id, None,
        {"report": code, "round_id": round_id},
    )  # fmt: skip
    return SentWorkbook(
        kept.workbook,
        f"{SLUGS[code]}_dot-{round_id}_lan-nop-{submission.id}.xlsx",
        f"{REPORTS[code]} (đợt {round_id}, lần nộp {submission.id}).xlsx",
    )


def latest_submission(
    session: Session, round_: ReportingRound, organisation_id: int
) -> Submission | None:
    return session.scalar(
        select(Submission)
        .where(Submission.round_id == round_.id, Submission.organisation_id == organisation_id)
        .order_by(Submission.id.desc())
        .limit(1)
    )


def _step(session: Session, user: User, submission: Submission, action: str, reason: str = ""):
    submission.steps.append(
        SubmissionStep(action=action, user_id=user.id, actor=user.username, reason=reason)
    )
    session.flush()


def _reporter(round_: ReportingRound, user: User) -> Organisation:
    organisation = user.organisation
    asked = {r.organisation_id for r in round_.reporters}
    if organisation is None or organisation.id not in asked:
        raise RoundError("not_a_reporter", "Cơ quan của bạn không phải báo cáo trong đợt này.")
    if not access.may(user, access.SUBMIT_TO_ROUND, organisation):
        raise RoundError("may_not_submit", "Tài khoản của bạn không được nộp báo cáo.")
    return organisation


def reports_to_send(round_: ReportingRound, user: User) -> list[str]:
    """The round's reports the user's scope can fill (Sở GD&ĐT sends no workers' one)."""
    restriction = restriction_of(user)
    return [code for code in round_.report_codes if fillable(code, restriction)]


def _sending(session: Session, user: User, round_: ReportingRound):
    """(the reporter, its latest submission, the reports to send, their area), or why the
    user cannot send now."""
    organisation = _reporter(round_, user)
    latest = latest_submission(session, round_, organisation.id)
    state = latest.state if latest is not None else NOT_SUBMITTED
    if state not in TO_DO_STATES:
        if state == "approved":
            raise RoundError("already_approved", "Báo cáo đã được duyệt.")
        raise RoundError(
            "awaiting_review", "Báo cáo đã nộp đang chờ duyệt; chỉ nộp lại khi bị trả lại."
        )
    codes = reports_to_send(round_, user)
    if not codes:
        raise RoundError(
            "nothing_to_send", "Phạm vi của bạn không lập được báo cáo nào của đợt này."
        )
    area = report_area(session, user, organisation)
    if area is None:
        raise RoundError("no_areas", "Chưa có địa bàn nào: hãy nạp danh mục địa bàn trước.")
    return organisation, latest, codes, area


def draft_narrative(session: Session, user: User, round_: ReportingRound) -> Export:
    """The narrative report this user's submission would carry, to edit in Word before
    sending; only a reporter who may send now gets it."""
    _organisation, _latest, _codes, area = _sending(session, user, round_)
    return round_narrative(session, user, round_, area)


def submit(
    session: Session,
    user: User,
    round_: ReportingRound,
    comment: str = "",
    edited: EditedNarrative | None = None,
) -> Submission:
    """Build the round's reports and narrative report from the live data (or take the
    sender's edited narrative) and keep them as sent."""
    organisation, latest, codes, area = _sending(session, user, round_)
    period = period_of(round_)
    restriction = restriction_of(user)
    allowed = set(kinds_of_subgroups(restriction)) if restriction else None
    kinds: list[str] = []
    exports = [make_report(session, user, ReportRequest(code, period, area)) for code in codes]
    documents = documents_service.prepare(session, user, round_, area, edited)
    submission = Submission(
        round_id=round_.id,
        organisation_id=organisation.id,
        state="submitted",
        comment=clean_text(comment),
        area_id=area.id,
        submitted_by_id=user.id,
        submitted_at=utcnow(),
        reason="",
    )
    for code, export in zip(codes, exports, strict=True):
        submission.reports.append(
            SubmissionReport(report=code, workbook=export.data(), figures=export.figures or {})
        )
        kinds += [k for k in report_kinds(code, None) if allowed is None or k in allowed]
    submission.kinds = ",".join(dict.fromkeys(kinds))
    documents_service.attach(submission, documents)
    session.add(submission)
    session.flush()
    _step(session, user, submission, "submit")
    audit.record(
        session, user, "submit", "submission", submission.id, None,
        {"round_id": round_.id, "organisation_id": organisation.id, "reports": codes,
         "area_id": area.id, "comment": submission.comment,
         "resubmission": latest is not None,
         "narrative": edited.filename if edited is not None else "generated",
         "pdf": not documents.pdf_missing},
    )  # fmt: skip
    return submission


def _reviewable(user: User, submission: Submission) -> None:
    if not access.may(user, access.REVIEW_SUBMISSION, submission.round):
        raise RoundError(
            "not_the_reviewer", "Chỉ cơ quan mở đợt báo cáo mới duyệt hoặc trả lại báo cáo."
        )
    if submission.state != "submitted":
        raise RoundError("not_awaiting_review", "Báo cáo này không còn chờ duyệt.")


def _state_change(
    session, user, submission: Submission, state: str, action: str, reason=""
) -> tuple[dict, dict]:
    """Move the submission to `state` with its history step; (before, after) for the audit."""
    before = {"state": submission.state}
    submission.state = state
    submission.reviewed_by_id = user.id
    submission.reviewed_at = utcnow()
    if reason:
        submission.reason = reason
    _step(session, user, submission, action, reason)
    after = {"state": state, "round_id": submission.round_id}
    if reason:
        after["reason"] = reason
    return before, after


def approve(session: Session, user: User, submission: Submission) -> Submission:
    """Approve a submission: its period is locked for what it covered."""
    _reviewable(user, submission)
    before, after = _state_change(session, user, submission, "approved", "approve")
    audit.record(session, user, "approve", "submission", submission.id, before, after)
    return submission


def return_submission(
    session: Session, user: User, submission: Submission, reason: str
) -> Submission:
    """Send a submission back with the reason; the reporter corrects and sends again."""
    _reviewable(user, submission)
    reason = clean_text(reason)
    if not reason:
        raise RoundError("reason_required", "Hãy ghi lý do trả lại.")
    before, after = _state_change(session, user, submission, "returned", "return", reason)
    audit.record(session, user, "return", "submission", submission.id, before, after)
    return submission


def unlock(session: Session, user: User, submission: Submission, reason: str) -> Submission:
    """Lift the lock of an approved submission (admins): it is superseded, and the
    reporter has the round to send again."""
    if not access.may(user, access.UNLOCK_PERIOD):
        raise RoundError("admins_unlock", "Chỉ quản trị viên được mở khóa số liệu.")
    if submission.state != "approved":
        raise RoundError("not_approved", "Chỉ báo cáo đã duyệt mới có số liệu bị khóa.")
    reason = clean_text(reason)
    if not reason:
        raise RoundError("reason_required", "Hãy ghi lý do mở khóa.")
    before, after = _state_change(session, user, submission, "superseded", "unlock", reason)
    audit.record(session, user, "unlock", "submission", submission.id, before, after)
    return submission
