"""Reviewing a submission: approve, return with a reason; an admin's unlock."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from forms.base import add_error
from forms.rounds import ApproveForm, ReturnForm, UnlockForm
from registry import access
from registry.extensions import db
from registry.rounds import bp
from registry.rounds.views import round_page, submission_in
from registry.services.rounds import RoundError
from registry.services.rounds.review import approve, return_submission, unlock
from registry.transaction import on_refusal, refusal_returns_to


def _back(submission) -> str:
    return url_for("rounds.show", round_id=submission.round_id)


@bp.route("/<int:round_id>/submissions/<int:submission_id>/approve", methods=["POST"])
@access.requires(access.REVIEW_SUBMISSION)
def approve_submission(round_id: int, submission_id: int):
    submission = submission_in(round_id, submission_id)
    access.require(access.REVIEW_SUBMISSION, submission.round)
    form = ApproveForm()
    if not form.validate_on_submit():
        return redirect(_back(submission))
    refusal_returns_to(_back(submission))
    approve(db.session(), current_user, submission)
    flash(
        f"Đã duyệt báo cáo của {submission.organisation.name}; số liệu trong kỳ đã được chốt.",
        "success",
    )
    return redirect(_back(submission))


@bp.route("/<int:round_id>/submissions/<int:submission_id>/return", methods=["POST"])
@access.requires(access.REVIEW_SUBMISSION)
def return_(round_id: int, submission_id: int):
    submission = submission_in(round_id, submission_id)
    access.require(access.REVIEW_SUBMISSION, submission.round)
    form = ReturnForm()
    if not form.validate_on_submit():
        return round_page(submission.round, 422, return_form=form, failed=submission.id)

    @on_refusal
    def shown_on_page(error: RoundError):
        add_error(form.reason, str(error))
        return round_page(submission.round, 422, return_form=form, failed=submission.id)

    return_submission(db.session(), current_user, submission, form.reason.data or "")
    flash(f"Đã trả lại báo cáo của {submission.organisation.name}.", "success")
    return redirect(_back(submission))


@bp.route("/<int:round_id>/submissions/<int:submission_id>/unlock", methods=["POST"])
@access.requires(access.UNLOCK_PERIOD)
def unlock_submission(round_id: int, submission_id: int):
    submission = submission_in(round_id, submission_id)
    form = UnlockForm()
    if not form.validate_on_submit():
        return round_page(submission.round, 422, unlock_form=form, failed=submission.id)

    @on_refusal
    def shown_on_page(error: RoundError):
        add_error(form.reason, str(error))
        return round_page(submission.round, 422, unlock_form=form, failed=submission.id)

    unlock(db.session(), current_user, submission, form.reason.data or "")
    flash(
        f"Đã mở khóa số liệu của {submission.organisation.name}; báo cáo đã duyệt được đánh "
        "dấu là đã thay thế.",
        "success",
    )
    return redirect(_back(submission))
