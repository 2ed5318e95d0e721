"""A party cell's register (sổ theo dõi): the only report of a cell secretary, whose
reports page it is; officers choose one of their cells, or every cell in their scope."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from forms.base import add_error
from forms.reports import RegisterForm
from registry import access
from registry.domain.periods import PeriodError, make_period
from registry.domain.textutil import fold
from registry.domain.workdays import today_vn
from registry.downloads import download_response
from registry.extensions import db
from registry.models import PartyCell
from registry.reports import bp
from registry.scoping import get_in_scope, in_scope, scope_filter
from registry.services.reports.workbooks import (
    ReportError,
    ReportRequest,
    default_area,
    file_names,
    log_export,
    make_report,
)

EVERY_CELL = "Mọi chi bộ trong phạm vi (mỗi chi bộ một trang)"


def _posted_cell_id() -> None:
    """A cell id sent with the form that is not the user's to see answers 404."""
    raw = (request.form.get("cell_id") or "").strip()
    if raw and not (raw.isdigit() and in_scope(db.session(), current_user, PartyCell, int(raw))):
        abort(404)


def _prepare(form: RegisterForm) -> None:
    cells = db.session().scalars(select(PartyCell).where(scope_filter(current_user, PartyCell)))
    choices: list[tuple[int | None, str]] = [
        (cell.id, f"{cell.name} ({cell.area.name})")
        for cell in sorted(cells, key=lambda c: (fold(c.name), c.id))
    ]
    if current_user.role != "cell":
        choices.insert(0, (None, EVERY_CELL))
    form.cell_id.choices = choices
    if not form.is_submitted():
        form.year.data = today_vn().year
        if current_user.role == "cell":
            form.cell_id.data = current_user.cell_id


def register_page(form: RegisterForm | None = None, status: int = 200):
    """The register's page (a cell secretary's reports page)."""
    if form is None:
        form = RegisterForm()
        _prepare(form)
    return render_template("reports/register.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
@access.requires(access.DOWNLOAD_REGISTER)
def register():
    form = RegisterForm()
    if form.is_submitted():
        _posted_cell_id()
    _prepare(form)
    if not form.validate_on_submit():
        return register_page(form, 422 if form.is_submitted() else 200)
    cell = (
        get_in_scope(db.session(), current_user, PartyCell, form.cell_id.data)
        if form.cell_id.data
        else None
    )
    area = cell.area if cell is not None else default_area(db.session(), current_user)
    try:
        period = make_period(
            form.preset.data,
            form.year.data,
            int(form.quarter.data or 1),
            form.date_from.data,
            form.date_to.data,
        )
        if area is None:
            raise ReportError("Chưa có địa bàn nào: hãy nạp danh mục địa bàn trước.")
        report_request = ReportRequest("register", period, area, cell=cell)
        export = make_report(db.session(), current_user, report_request)
    except (PeriodError, ReportError) as error:
        add_error(form.cell_id, str(error))
        return register_page(form, 422)
    log_export(db.session(), current_user, report_request, export)
    return download_response(export.stream, *file_names(report_request))
