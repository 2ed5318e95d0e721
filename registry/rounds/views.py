"""The rounds list, opening a round, a round's page, sending its reports, downloads."""

from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.base import add_error
from forms.rounds import ApproveForm, ReturnForm, RoundForm, SendForm, UnlockForm
from registry import access
from registry.domain.periods import PeriodError, make_period
from registry.domain.rounds import DOCUMENT_KINDS, REPORTER_STATES, STEP_ACTIONS
from registry.domain.workdays import today_vn
from registry.downloads import download_response
from registry.extensions import db
from registry.models import ReportingRound, Submission
from registry.rounds import bp
from registry.scoping import get_in_scope
from registry.services import audit
from registry.services.reports.pdf import available as pdf_available
from registry.services.reports.workbooks import REPORTS
from registry.services.rounds import RoundError
from registry.services.rounds.consolidate import consolidated
from registry.services.rounds.documents import checked_upload
from registry.services.rounds.review import reports_to_send, sent_workbook, submit
from registry.services.rounds.rounds import (
    may_open_rounds,
    open_round,
    reporter_choices,
    reporter_statuses,
    round_state,
    to_do_rounds,
    visible_rounds,
)
from registry.transaction import on_refusal, refusal_returns_to


@bp.route("/")
@access.requires(access.USE_ROUNDS)
def index():
    today = today_vn()
    rows = []
    for round_ in visible_rounds(db.session(), current_user):
        statuses = reporter_statuses(db.session(), current_user, round_, today)
        rows.append((round_, statuses, round_state(statuses, round_, today)))
    return render_template(
        "rounds/index.html",
        rows=rows,
        to_do=to_do_rounds(db.session(), current_user),
        may_open=access.may(current_user, access.OPEN_ROUNDS)
        and may_open_rounds(current_user.organisation),
        reports=REPORTS,
        states=REPORTER_STATES,
    )


def _round_form() -> RoundForm:
    form = RoundForm()
    organisation = current_user.organisation
    choices = reporter_choices(db.session(), organisation) if organisation else []
    form.reporters.choices = [(o.id, o.name) for o in choices]
    if not form.is_submitted():
        form.year.data = today_vn().year
    return form


@bp.route("/new", methods=["GET", "POST"])
@access.requires(access.OPEN_ROUNDS)
def new():
    if not may_open_rounds(current_user.organisation):
        # An admin, or a province account of no province-level organisation: told why.
        status = 403 if request.method == "POST" else 200
        return render_template("rounds/new.html", form=None), status
    form = _round_form()

    def page(status: int):
        return render_template("rounds/new.html", form=form), status

    if not form.validate_on_submit():
        return page(422 if form.is_submitted() else 200)
    try:
        period = make_period(
            form.preset.data,
            form.year.data,
            int(form.quarter.data or 1),
            form.date_from.data,
            form.date_to.data,
        )
    except PeriodError as error:
        add_error(form.preset, str(error))
        return page(422)

    @on_refusal
    def shown_on_form(error: RoundError):
        add_error(form.deadline, str(error))
        return page(422)

    round_ = open_round(
        db.session(),
        current_user,
        period,
        form.reports.data,
        form.reporters.data,
        form.deadline.data,
        form.note.data or "",
    )
    flash(f"Đã mở đợt báo cáo kỳ {period.text}.", "success")
    return redirect(url_for("rounds.show", round_id=round_.id))


def round_page(round_: ReportingRound, status: int = 200, **forms):
    today = today_vn()
    statuses = reporter_statuses(db.session(), current_user, round_, today)
    reviewer = access.may(current_user, access.REVIEW_SUBMISSION, round_)
    own = next((s for s in statuses if s.organisation.id == current_user.organisation_id), None)
    reporter = own is not None and access.may(
        current_user, access.SUBMIT_TO_ROUND, own.organisation
    )
    history = {
        s.organisation.id: [
            sub
            for sub in db.session.scalars(
                db.select(Submission)
                .where(
                    Submission.round_id == round_.id,
                    Submission.organisation_id == s.organisation.id,
                )
                .order_by(Submission.id)
            )
        ]
        for s in statuses
    }
    return render_template(
        "rounds/show.html",
        round=round_,
        statuses=statuses,
        state=round_state(statuses, round_, today),
        history=history,
        reviewer=reviewer,
        own=own if reporter else None,
        sendable=reports_to_send(round_, current_user) if reporter else [],
        send_form=forms.get("send_form") or SendForm(),
        return_form=forms.get("return_form") or ReturnForm(),
        approve_form=ApproveForm(),
        unlock_form=forms.get("unlock_form") or UnlockForm(),
        failed=forms.get("failed"),
        reports=REPORTS,
        states=REPORTER_STATES,
        steps=STEP_ACTIONS,
        documents=DOCUMENT_KINDS,
        pdf_available=pdf_available(),
        today=today,
    ), status


@bp.route("/<int:round_id>")
@access.requires(access.USE_ROUNDS)
def show(round_id: int):
    round_ = get_in_scope(db.session(), current_user, ReportingRound, round_id)
    return round_page(round_)


@bp.route("/<int:round_id>/send", methods=["POST"])
@access.requires(access.SUBMIT_TO_ROUND)
def send(round_id: int):
    round_ = get_in_scope(db.session(), current_user, ReportingRound, round_id)
    form = SendForm()
    if not form.validate_on_submit():
        return round_page(round_, 422, send_form=form)

    @on_refusal
    def shown_on_page(error: RoundError):
        add_error(form.comment, str(error))
        return round_page(round_, 422, send_form=form)

    upload, edited = form.narrative.data, None
    if upload:
        try:
            edited = checked_upload(upload.filename or "", upload.read())
        except RoundError as error:  # nothing written yet: the form again, on its field
            add_error(form.narrative, str(error))
            return round_page(round_, 422, send_form=form)
    submit(db.session(), current_user, round_, form.comment.data or "", edited)
    flash("Đã nộp báo cáo của đợt này; đang chờ cơ quan mở đợt duyệt.", "success")
    return redirect(url_for("rounds.show", round_id=round_.id))


def submission_in(round_id: int, submission_id: int) -> Submission:
    """The submission, in scope and of this round; 404 otherwise."""
    round_ = get_in_scope(db.session(), current_user, ReportingRound, round_id)
    submission = get_in_scope(db.session(), current_user, Submission, submission_id)
    if submission.round_id != round_.id:
        abort(404)
    return submission


@bp.route("/<int:round_id>/submissions/<int:submission_id>/workbook")
@access.requires(access.USE_ROUNDS)
def workbook(round_id: int, submission_id: int):
    """One report of a submission, exactly as it was sent (?report=students)."""
    submission = submission_in(round_id, submission_id)
    sent = sent_workbook(db.session(), current_user, submission, request.args.get("report", ""))
    if sent is None:
        abort(404)
    return download_response(BytesIO(sent.data), sent.ascii_name, sent.display_name)


@bp.route("/<int:round_id>/consolidated")
@access.requires(access.REVIEW_SUBMISSION)
def consolidated_workbook(round_id: int):
    round_ = get_in_scope(db.session(), current_user, ReportingRound, round_id)
    access.require(access.REVIEW_SUBMISSION, round_)
    refusal_returns_to(url_for("rounds.show", round_id=round_.id))
    stream = consolidated(db.session(), current_user, round_, today_vn())
    audit.record(
        db.session(), current_user, "export", "reporting_round", round_.id, None,
        {"consolidated": True},
    )  # fmt: skip
    span = f"{round_.period_from.isoformat()}_{round_.period_to.isoformat()}"
    return download_response(
        stream, f"tong-hop-dot-{round_.id}_{span}.xlsx", f"Tổng hợp đợt báo cáo {span}.xlsx"
    )


@bp.route("/late")
@access.requires(access.REVIEW_SUBMISSION)
def late():
    from registry.services.rounds.rounds import late_reporters

    rows = late_reporters(db.session(), current_user, today_vn())
    return render_template("rounds/late.html", rows=rows)
