"""Reporting rounds and their submissions: the rounds in the caller's scope, sending a
round's reports, the opener's approval or return with a reason, a report as it was sent;
through the web's round services (registry.services.rounds), with its forms, permissions
and audit entries."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import url_for
from flask.views import MethodView
from sqlalchemy import select

from forms.rounds import ReturnForm, SendForm
from registry import access
from registry.api import errors, schemas
from registry.api.frame import ApiBlueprint, caller, require
from registry.api.webforms import checked
from registry.domain.rounds import report_totals
from registry.domain.workdays import today_vn
from registry.downloads import MIMETYPES, download_response
from registry.extensions import db
from registry.models import ReportingRound, Submission
from registry.scoping import get_in_scope, scope_filter
from registry.services.rounds.review import (
    approve,
    reports_to_send,
    return_submission,
    sent_workbook,
    submit,
)
from registry.services.rounds.rounds import reporter_statuses, round_state_code, visible_rounds

blp = ApiBlueprint("rounds_api", __name__, description="Đợt báo cáo và báo cáo đã nộp")


def _ref(organisation: Any) -> dict[str, Any] | None:
    return {"id": organisation.id, "name": organisation.name} if organisation else None


def _shown_round(round_: ReportingRound) -> dict[str, Any]:
    """A round as its page shows it to the caller: each reporter the caller may see."""
    user, today = caller(), today_vn()
    statuses = reporter_statuses(db.session(), user, round_, today)
    own = next((s for s in statuses if s.organisation.id == user.organisation_id), None)
    sending = (
        own is not None and own.to_do and access.may(user, access.SUBMIT_TO_ROUND, own.organisation)
    )
    return {
        "id": round_.id,
        "period": {
            "date_from": round_.period_from,
            "date_to": round_.period_to,
            "label": round_.period_label,
        },
        "report_codes": round_.report_codes,
        "deadline": round_.deadline,
        "note": round_.note,
        "organisation": _ref(round_.organisation),
        "opened_at": round_.opened_at,
        "state": round_state_code(statuses, round_, today),
        "reporters": [
            {
                "organisation": _ref(s.organisation),
                "state": s.state,
                "latest_submission_id": s.latest.id if s.latest else None,
                "first_sent": s.first_sent,
                "late_days": s.late_days,
            }
            for s in statuses
        ],
        "to_send": reports_to_send(round_, user) if sending else [],
    }


def _shown_submission(submission: Submission) -> dict[str, Any]:
    reports = [
        {"report": kept.report, "totals": report_totals(kept.report, kept.figures)}
        for kept in submission.reports
    ]
    return {
        "id": submission.id,
        "round_id": submission.round_id,
        "organisation": _ref(submission.organisation),
        "state": submission.state,
        "comment": submission.comment,
        "area": _ref(submission.area),
        "submitted_at": submission.submitted_at,
        "reviewed_at": submission.reviewed_at,
        "reason": submission.reason,
        "reports": reports,
        "steps": submission.steps,
    }


def _round(round_id: int) -> ReportingRound:
    """The round in scope (the frame answered 404 otherwise), for a user of the rounds."""
    round_ = get_in_scope(db.session(), caller(), ReportingRound, round_id)
    require(access.USE_ROUNDS)
    return round_


def _submission(round_id: int, submission_id: int) -> Submission:
    """The submission in scope and of this round; 404 otherwise, as on the web."""
    round_ = _round(round_id)
    submission = get_in_scope(db.session(), caller(), Submission, submission_id)
    if submission.round_id != round_.id:
        errors.raise_api(404, "not_found", errors.HTTP_ERRORS[404][1])
    return submission


def _reviewed(round_id: int, submission_id: int) -> Submission:
    submission = _submission(round_id, submission_id)
    require(access.REVIEW_SUBMISSION, submission.round)
    return submission


@blp.route("/rounds")
@blp.response(200, schemas.RoundList)
def list_rounds():
    """Các đợt báo cáo bạn mở hoặc phải báo cáo, hạn nộp muộn nhất trước."""
    require(access.USE_ROUNDS)
    return {"items": [_shown_round(r) for r in visible_rounds(db.session(), caller())]}


@blp.route("/rounds/<int:round_id>")
@blp.response(200, schemas.RoundSchema)
def read_round(round_id: int):
    """Một đợt: kỳ, báo cáo yêu cầu, hạn nộp, tình trạng từng cơ quan bạn được xem."""
    return _shown_round(_round(round_id))


# One rule for both methods: with a GET rule and a POST rule on one path, a POST whose id
# is too large for the database would answer 405 (the GET rule's path matched) for 404.
@blp.route("/rounds/<int:round_id>/submissions")
class Submissions(MethodView):
    @blp.response(200, schemas.SubmissionList)
    def get(self, round_id: int):
        """Các lần nộp của đợt: mọi cơ quan với cơ quan mở đợt, của mình với cơ quan báo cáo."""
        round_ = _round(round_id)
        stmt = (
            select(Submission)
            .where(Submission.round_id == round_.id, scope_filter(caller(), Submission))
            .order_by(Submission.id)
        )
        return {"items": [_shown_submission(s) for s in db.session().scalars(stmt)]}

    @blp.arguments(schemas.SubmitIn)
    @blp.response(201, schemas.SubmissionSchema)
    def post(self, data: dict, round_id: int):
        """Nộp báo cáo của đợt: lập từ số liệu hiện tại và lưu đúng như đã nộp."""
        round_ = _round(round_id)
        require(access.SUBMIT_TO_ROUND)
        form = checked(SendForm, data)
        submission = submit(db.session(), caller(), round_, form.comment.data or "")
        location = url_for(
            "rounds_api.read_submission", round_id=round_.id, submission_id=submission.id
        )
        return _shown_submission(submission), 201, {"Location": location}


@blp.route("/rounds/<int:round_id>/submissions/<int:submission_id>")
@blp.response(200, schemas.SubmissionSchema)
def read_submission(round_id: int, submission_id: int):
    """Một lần nộp: tình trạng, lý do trả lại, tổng số liệu đã nộp, các bước."""
    return _shown_submission(_submission(round_id, submission_id))


@blp.route("/rounds/<int:round_id>/submissions/<int:submission_id>/approve", methods=["POST"])
@blp.response(200, schemas.SubmissionSchema)
def approve_submission(round_id: int, submission_id: int):
    """Duyệt (cơ quan mở đợt): số liệu trong kỳ của phạm vi đã nộp được chốt."""
    submission = _reviewed(round_id, submission_id)
    return _shown_submission(approve(db.session(), caller(), submission))


@blp.route("/rounds/<int:round_id>/submissions/<int:submission_id>/return", methods=["POST"])
@blp.arguments(schemas.ReturnIn)
@blp.response(200, schemas.SubmissionSchema)
def return_(data: dict, round_id: int, submission_id: int):
    """Trả lại kèm lý do (cơ quan mở đợt); cơ quan báo cáo sửa rồi nộp lại."""
    submission = _reviewed(round_id, submission_id)
    form = checked(ReturnForm, data)
    returned = return_submission(db.session(), caller(), submission, form.reason.data or "")
    return _shown_submission(returned)


@blp.route("/rounds/<int:round_id>/submissions/<int:submission_id>/workbook")
@blp.arguments(schemas.SubmissionWorkbookArgs, location="query", as_kwargs=False)
@blp.response(200, description="Tệp Excel đúng như đã nộp", content_type=MIMETYPES[".xlsx"])
def workbook(args: dict, round_id: int, submission_id: int):
    """Một báo cáo của lần nộp, đúng như đã nộp (report=students…)."""
    submission = _submission(round_id, submission_id)
    sent = sent_workbook(db.session(), caller(), submission, args["report"])
    if sent is None:
        errors.raise_api(404, "not_found", "Lần nộp này không có báo cáo đó.")
        raise AssertionError  # raise_api does not return
    return download_response(BytesIO(sent.data), sent.ascii_name, sent.display_name)
