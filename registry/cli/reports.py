"""CLI `export REPORT --from D --to D [--area CODE] [--group G] [--cell NAME] --out FILE`.

Report, group and stage names are read in any case; dates that make a preset (a year,
a quarter, a school year…) give the workbook that preset's label, as on the web.

Without --user the command has the full scope and is logged as the command line; with
--user it has that account's scope (an area outside it is an error, as on the web).

`export register` writes a party cell's register: with --cell (a name, in any case, or an
id) that cell's, without it every cell of the area, a sheet each.
"""

from __future__ import annotations

import errno
from datetime import date
from pathlib import Path

import click
from sqlalchemy import select

from registry.cli.actor import command_line_user, named_user
from registry.domain.periods import PeriodError, parse_day, recognised
from registry.domain.report_kinds import GROUP_CHOICES
from registry.domain.textutil import fold
from registry.domain.vocabulary import STAGE_LABELS
from registry.extensions import db
from registry.models import Area, PartyCell, User
from registry.replica import reports_session
from registry.scoping import in_scope, scope_filter
from registry.services.audit import COMMAND_LINE
from registry.services.org.areas import by_code
from registry.services.reports.headings import root_area
from registry.services.reports.narrative import TemplateError
from registry.services.reports.pdf import PdfError
from registry.services.reports.workbooks import (
    REPORTS,
    ReportError,
    ReportRequest,
    log_export,
    make_report,
    printed,
)


def _area(code: str | None, user: User, end: date) -> Area:
    """The report's area: by code, the area that held it at the period end (else today)."""
    if code is None:
        if user.role == "area" and user.area is not None:
            return user.area
        area = root_area(db.session())
        if area is None:
            raise click.ClickException("Chưa có địa bàn nào: hãy chạy load-areas trước.")
        return area
    area = by_code(db.session(), code, end)
    if area is None or not in_scope(db.session(), user, Area, area.id):
        raise click.BadParameter(f"không có địa bàn mã «{code}» trong phạm vi", param_hint="--area")
    return area


def _cell(name: str | None, area_code: str | None, user: User, end: date) -> PartyCell | None:
    """The cell named by --cell, in scope (and within --area when given)."""
    if name is None:
        return None
    query = select(PartyCell).where(scope_filter(user, PartyCell))
    if name.strip().isdigit():
        query = query.where(PartyCell.id == int(name.strip()))
    else:
        query = query.where(PartyCell.name_key == fold(name))
    if area_code is not None:
        area = _area(area_code, user, end)
        query = query.where(
            PartyCell.area_id.in_(select(Area.id).where(Area.path.startswith(area.path)))
        )
    found = list(db.session().scalars(query))
    if not found:
        raise click.BadParameter(f"không có chi bộ «{name}» trong phạm vi", param_hint="--cell")
    if len(found) > 1:
        places = ", ".join(sorted(f"{c.area.name} (mã {c.area.code})" for c in found))
        raise click.BadParameter(
            f"có {len(found)} chi bộ tên «{name}»: ở {places}; thêm --area để chọn",
            param_hint="--cell",
        )
    return found[0]


def _day(value: str, hint: str):
    try:
        return parse_day(value)
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint=hint) from None


def _write(path: Path, data: bytes) -> None:
    """Write the workbook; a failed write leaves no half file behind (nor an audit entry)."""
    try:
        path.write_bytes(data)
    except OSError as error:
        path.unlink(missing_ok=True)
        reason = (
            "ổ đĩa đã đầy, không đủ dung lượng"
            if error.errno == errno.ENOSPC
            else (error.strerror or str(error))
        )
        raise click.ClickException(f"Không ghi được tệp {path}: {reason}.") from None


@click.command("export")
@click.argument("report", type=click.Choice(list(REPORTS), case_sensitive=False))
@click.option(
    "--from", "date_from", required=True, help="Ngày đầu kỳ (2025-01-01 hoặc 01/01/2025)."
)
@click.option("--to", "date_to", required=True, help="Ngày cuối kỳ (tính cả ngày này).")
@click.option("--area", "area_code", help="Mã địa bàn (mặc định: cả tỉnh).")
@click.option(
    "--group", type=click.Choice(list(GROUP_CHOICES), case_sensitive=False), help="Đối tượng."
)
@click.option(
    "--reached",
    type=click.Choice(list(STAGE_LABELS), case_sensitive=False),
    help="Danh sách chi tiết: chỉ người đạt bước này trong kỳ.",
)
@click.option(
    "--cell",
    "cell_name",
    help="Sổ theo dõi: tên (hoặc mã số) chi bộ; bỏ trống: mọi chi bộ của địa bàn, "
    "mỗi chi bộ một trang.",
)
@click.option("--user", "username", help="Lập với phạm vi của tài khoản này.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "pdf"], case_sensitive=False),
    default="xlsx",
    show_default=True,
    help="pdf: bản in A4 (cần LibreOffice); narrative: .docx, hoặc PDF của nó.",
)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
def export_command(
    report, date_from, date_to, area_code, group, reached, cell_name, username, fmt, out
) -> None:
    """Write a report (students, workers, ct33, summary, candidates, breakdown, register;
    narrative as .docx) to a file, or its PDF with --format pdf."""
    user = named_user(username) or command_line_user()
    report = report.lower()
    if cell_name is not None and report != "register":
        raise click.BadParameter("chỉ dùng với báo cáo register (sổ theo dõi)", param_hint="--cell")
    start, end = _day(date_from, "--from"), _day(date_to, "--to")
    try:
        # Labelled like the reports page when the dates are a preset's ("Năm 2025").
        period = recognised(start, end)
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--to") from None
    cell = _cell(cell_name, area_code, user, period.end)
    if cell is not None and area_code is None:
        area = cell.area
    else:
        area = _area(area_code, user, period.end)
    request = ReportRequest(report, period, area, group=group, reached=reached, cell=cell)
    try:
        export = make_report(reports_session(), user, request)  # the replica, if set
        if fmt.lower() == "pdf":
            export = printed(export)
    except (ReportError, TemplateError, PdfError) as error:
        raise click.ClickException(str(error)) from None
    path = Path(out)
    _write(path, export.data())
    log_export(db.session(), user if username else COMMAND_LINE, request, export)
    rows = f", {export.rows} dòng" if export.rows is not None else ""
    name = REPORTS[report]
    # Lower-cased as a sentence's object, its abbreviations ("Chỉ thị 33-CT/TW") kept.
    click.echo(f"Đã ghi {name[0].lower()}{name[1:]} ({period.text}{rows}) vào {path}.")


COMMANDS = (export_command,)
