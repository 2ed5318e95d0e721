"""Report figures as JSON and the report workbooks, for any report, period and area,
through the web's report service (registry.services.reports.workbooks)."""

from __future__ import annotations

from registry import access
from registry.api import errors, schemas
from registry.api.figures import figures_json
from registry.api.frame import ApiBlueprint, caller, require
from registry.domain.periods import PeriodError, custom, parse_day
from registry.downloads import MIMETYPES, download_response
from registry.extensions import db
from registry.models import Area
from registry.scoping import get_in_scope
from registry.services.reports.workbooks import (
    Export,
    ReportError,
    ReportRequest,
    default_area,
    file_names,
    log_export,
    make_report,
)

blp = ApiBlueprint("reports_api", __name__, description="Số liệu báo cáo và tệp Excel")


def _day(args: dict, key: str, label: str):
    try:
        return parse_day(args[key])
    except ValueError:
        message = f"{label} không hợp lệ: ghi dạng YYYY-MM-DD (hoặc dd/mm/yyyy)."
        field = {"field": key.removeprefix("date_"), "code": "invalid_date", "message": message}
        errors.raise_api(422, "invalid_date", message, [field])
        raise


def _made(args: dict) -> tuple[ReportRequest, Export]:
    require(access.USE_REPORTS)
    user = caller()
    start, end = _day(args, "date_from", "Từ ngày"), _day(args, "date_to", "Đến ngày")
    try:
        period = custom(start, end)
    except PeriodError as error:
        errors.raise_api(422, "invalid_period", str(error))
        raise
    area: Area | None
    if "area" in args:
        area = get_in_scope(db.session(), user, Area, args["area"])
    else:
        area = default_area(db.session(), user)
    if area is None:
        raise ReportError("Chưa có địa bàn nào: hãy nạp danh mục địa bàn trước.")
    request = ReportRequest(
        args["report"], period, area, group=args.get("group"), reached=args.get("reached")
    )
    return request, make_report(db.session(), user, request)


@blp.route("/reports/figures")
@blp.arguments(schemas.ReportArgs, location="query", as_kwargs=False)
@blp.response(200, schemas.FiguresSchema)
def figures(args: dict):
    """Số liệu của một báo cáo (trừ danh sách chi tiết), theo kỳ và địa bàn."""
    if args.get("report") in ("candidates", "register", "narrative"):
        raise ReportError("Danh sách, sổ theo dõi không có số liệu tổng hợp: hãy tải tệp Excel.")
    request, export = _made(args)
    log_export(db.session(), caller(), request, export)
    return figures_json(request, export)


@blp.route("/reports/workbook")
@blp.arguments(schemas.ReportArgs, location="query", as_kwargs=False)
@blp.response(200, description="Tệp Excel của báo cáo", content_type=MIMETYPES[".xlsx"])
def workbook(args: dict):
    """Tệp Excel của báo cáo, như tải từ trang Báo cáo."""
    if args.get("report") == "narrative":
        raise ReportError("Báo cáo bằng văn bản tải từ trang Báo cáo (tệp Word).")
    request, export = _made(args)
    log_export(db.session(), caller(), request, export)
    return download_response(export.stream, *file_names(request, export.suffix))
