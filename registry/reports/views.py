"""The reports page: choose a report, a period, an area and a group; download or submit it."""

from __future__ import annotations

from io import BytesIO

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from forms.base import add_error
from forms.reports import ReportForm
from registry import access
from registry.domain.periods import PeriodError, make_period
from registry.domain.report_kinds import GROUP_CHOICES, SUBMITTABLE, fillable
from registry.domain.workdays import today_vn
from registry.downloads import download_response
from registry.extensions import db
from registry.models import Area, SubmittedReport
from registry.replica import reports_session
from registry.reports import bp
from registry.reports.choices import area_choices
from registry.reports.views_register import register_page
from registry.scoping import get_in_scope, in_scope, restriction_of
from registry.services import audit
from registry.services.jobs import kinds as job_kinds
from registry.services.jobs import submit as jobs
from registry.services.reports.narrative import TemplateError
from registry.services.reports.pdf import PdfError
from registry.services.reports.pdf import available as pdf_available
from registry.services.reports.submitted import submit_report, submitted_reports
from registry.services.reports.workbooks import (
    REPORTS,
    SLUGS,
    ReportError,
    ReportRequest,
    default_area,
    file_names,
    log_export,
    make_report,
    printed,
)
from registry.transaction import on_refusal


def _posted_area_id() -> int | None:
    """The area id sent with the form; one outside the scope answers 404 (like any id)."""
    raw = (request.form.get("area_id") or "").strip()
    if not raw:
        return None
    try:
        ident = int(raw)
    except ValueError:
        abort(404)
    if not in_scope(db.session(), current_user, Area, ident):
        abort(404)
    return ident


def _prepare(form: ReportForm) -> None:
    form.area_id.choices = area_choices(db.session(), current_user, today_vn())
    restriction = restriction_of(current_user)
    form.report.choices = [
        (code, label) for code, label in REPORTS.items() if fillable(code, restriction)
    ]
    if not form.is_submitted():
        today = today_vn()
        form.year.data = today.year - 1
        area = default_area(db.session(), current_user)
        form.area_id.data = area.id if area is not None else None


def _request_from(form: ReportForm) -> ReportRequest:
    period = make_period(
        form.preset.data,
        form.year.data,
        int(form.quarter.data or 1),
        form.date_from.data,
        form.date_to.data,
    )
    area = db.session.get(Area, form.area_id.data) if form.area_id.data else None
    area = area or default_area(db.session(), current_user)
    if area is None:
        raise ReportError("Chưa có địa bàn nào: hãy nạp danh mục địa bàn trước.")
    return ReportRequest(
        form.report.data,
        period,
        area,
        group=form.group.data or None,
        reached=form.reached.data or None,
    )


def _page(form: ReportForm, status: int = 200):
    return render_template(
        "reports/index.html",
        form=form,
        reports=REPORTS,
        groups=GROUP_CHOICES,
        submittable=SUBMITTABLE,
        submitted=submitted_reports(db.session(), current_user),
        may_submit=access.may(current_user, access.SUBMIT_REPORTS),
        pdf_available=pdf_available(),
    ), status


@bp.route("/", methods=["GET", "POST"])
@access.requires(access.DOWNLOAD_REGISTER)
def index():
    if not access.may(current_user, access.USE_REPORTS):
        # A cell secretary's reports page offers only what they may download: their
        # cell's register (sent to its own route).
        if request.method == "POST":
            abort(403)
        return register_page()
    form = ReportForm()
    if form.is_submitted():
        _posted_area_id()
    _prepare(form)
    if not form.validate_on_submit():
        return _page(form, 422 if form.is_submitted() else 200)
    try:
        report_request = _request_from(form)
        if not form.send.data and report_request.report == "candidates":
            rows = job_kinds.detail_rows(reports_session(), current_user, report_request)
            if rows > current_app.config["BACKGROUND_ROWS"]:
                return _to_job(report_request, rows)
        # Reports only read: on the replica when REPORTS_DATABASE_URL is set.
        export = make_report(reports_session(), current_user, report_request)
        if form.pdf.data and not form.send.data:
            export = printed(export)
    except (PeriodError, ReportError, TemplateError, PdfError) as error:
        add_error(form.report, str(error))
        return _page(form, 422)
    if form.send.data:
        return _submit(form, report_request, export)
    log_export(db.session(), current_user, report_request, export)
    return download_response(export.stream, *file_names(report_request, export.suffix))


def _to_job(report_request: ReportRequest, rows: int):
    """A detail list longer than BACKGROUND_ROWS is built by a background job."""
    report_request.check()
    params = {**job_kinds.request_params(report_request), "rows": rows}
    title = f"{REPORTS[report_request.report]}, {report_request.period.text}"
    job = jobs.submit(db.session(), current_user, "export", title, params=params)
    return redirect(url_for("jobs.detail", job_id=job.id))


def _submit(form: ReportForm, report_request: ReportRequest, export):
    @on_refusal
    def shown_on_form(error: ReportError):
        add_error(form.report, str(error))
        return _page(form, 422)

    submit_report(db.session(), current_user, report_request, export)
    flash(
        f"Đã nộp báo cáo “{REPORTS[report_request.report]}” kỳ {report_request.period.text}.",
        "success",
    )
    return redirect(url_for("reports.index"))


@bp.route("/submitted/<int:report_id>")
@access.requires(access.USE_REPORTS)
def submitted(report_id: int):
    """The workbook of a submitted report, exactly as it was sent."""
    kept = get_in_scope(db.session(), current_user, SubmittedReport, report_id)
    span = f"{kept.period_from.isoformat()}_{kept.period_to.isoformat()}"
    slug = SLUGS.get(kept.report, "bao-cao")
    audit.record(
        db.session(),
        current_user,
        "export",
        "submitted_report",
        kept.id,
        None,
        {"report": kept.report, "period_from": kept.period_from.isoformat(),
         "period_to": kept.period_to.isoformat(), "area_id": kept.area_id,
         "group": kept.group_code},
    )  # fmt: skip
    ascii_name = f"{slug}_{span}_da-nop-{kept.id}.xlsx"
    display = f"{REPORTS.get(kept.report, 'Báo cáo')} {span} (đã nộp số {kept.id}).xlsx"
    return download_response(BytesIO(kept.workbook), ascii_name, display)
