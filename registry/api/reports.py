"""Report figures as JSON and the report workbooks, for any report, period and area,
through the web's report service (registry.services.reports.workbooks)."""

from __future__ import annotations

from datetime import date

from forms.base import REQUIRED
from registry import access
from registry.api import errors, schemas
from registry.api.figures import figures_json
from registry.api.frame import ApiBlueprint, caller, require
from registry.domain.periods import Period, PeriodError, make_period, parse_day, recognised
from registry.downloads import MIMETYPES, download_response
from registry.extensions import db
from registry.models import Area
from registry.scoping import get_in_scope
from registry.services.reports.workbooks import (
    ReportError,
    ReportRequest,
    default_area,
    file_names,
    log_export,
    make_report,
    report_data,
)

blp = ApiBlueprint("reports_api", __name__, description="Số liệu báo cáo và tệp Excel")


def _day(args: dict, key: str, label: str) -> date:
    if key not in args:
        errors.raise_api(422, "validation", errors.HTTP_ERRORS[422][1], [_required(key)])
    try:
        return parse_day(args[key])
    except ValueError:
        message = f"{label} không hợp lệ: ghi dạng YYYY-MM-DD (hoặc dd/mm/yyyy)."
        field = {"field": key.removeprefix("date_"), "code": "invalid_date", "message": message}
        errors.raise_api(422, "invalid_date", message, [field])
        raise


def _required(key: str) -> dict[str, str]:
    return {"field": key.removeprefix("date_"), "code": "required", "message": REQUIRED}


def period_of(args: dict) -> Period:
    """A preset by the reports page's own fields (`preset`, `year`, `quarter`), made by the
    page's `make_period`; else `from`–`to`, labelled as the command line labels it when the
    dates make a preset."""
    preset = args.get("preset", "custom")
    try:
        if preset != "custom":
            return make_period(preset, args.get("year"), args.get("quarter"))
        start, end = _day(args, "date_from", "Từ ngày"), _day(args, "date_to", "Đến ngày")
        return recognised(start, end)
    except PeriodError as error:
        errors.raise_api(422, "invalid_period", str(error))
        raise


def _request(args: dict) -> ReportRequest:
    require(access.USE_REPORTS)
    user = caller()
    period = period_of(args)
    area: Area | None
    if "area" in args:
        area = get_in_scope(db.session(), user, Area, args["area"])
    else:
        area = default_area(db.session(), user)
    if area is None:
        raise ReportError("Chưa có địa bàn nào: hãy nạp danh mục địa bàn trước.")
    return ReportRequest(
        args["report"], period, area, group=args.get("group"), reached=args.get("reached")
    )


@blp.route("/reports/figures")
@blp.arguments(schemas.ReportArgs, location="query", as_kwargs=False)
@blp.response(200, schemas.FiguresSchema)
def figures(args: dict):
    """Số liệu của một báo cáo (trừ danh sách chi tiết), theo kỳ và địa bàn."""
    request = _request(args)
    data = report_data(db.session(), caller(), request)
    log_export(db.session(), caller(), request)
    return figures_json(request, data)


@blp.route("/reports/workbook")
@blp.arguments(schemas.ReportArgs, location="query", as_kwargs=False)
@blp.response(200, description="Tệp Excel của báo cáo", content_type=MIMETYPES[".xlsx"])
def workbook(args: dict):
    """Tệp Excel của báo cáo, như tải từ trang Báo cáo."""
    if args.get("report") == "narrative":
        raise ReportError("Báo cáo bằng văn bản tải từ trang Báo cáo (tệp Word).")
    request = _request(args)
    export = make_report(db.session(), caller(), request)
    log_export(db.session(), caller(), request, export)
    return download_response(export.stream, *file_names(request, export.suffix))
