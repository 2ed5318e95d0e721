"""CLI `export REPORT --from D --to D [--area CODE] [--group G] --out FILE`.

Report, group and stage names are read in any case; dates that make a preset (a year,
a quarter, a school year…) give the workbook that preset's label, as on the web.

Without --user the command has the full scope and is logged as the command line; with
--user it has that account's scope (an area outside it is an error, as on the web).
"""

from __future__ import annotations

import errno
from pathlib import Path

import click
from sqlalchemy import select

from registry.cli.actor import command_line_user, named_user
from registry.domain.periods import PeriodError, parse_day, recognised
from registry.domain.report_kinds import GROUP_CHOICES
from registry.domain.vocabulary import STAGE_LABELS
from registry.extensions import db
from registry.models import Area, User
from registry.replica import reports_session
from registry.scoping import in_scope
from registry.services.audit import COMMAND_LINE
from registry.services.reports.headings import root_area
from registry.services.reports.workbooks import (
    REPORTS,
    ReportError,
    ReportRequest,
    log_export,
    make_report,
)


def _area(code: str | None, user: User) -> Area:
    if code is None:
        if user.role == "area" and user.area is not None:
            return user.area
        area = root_area(db.session)
        if area is None:
            raise click.ClickException("Chưa có địa bàn nào: hãy chạy load-areas trước.")
        return area
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None or not in_scope(db.session, user, Area, area.id):
        raise click.BadParameter(f"không có địa bàn mã «{code}» trong phạm vi", param_hint="--area")
    return area


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
@click.option("--user", "username", help="Lập với phạm vi của tài khoản này.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
def export_command(report, date_from, date_to, area_code, group, reached, username, out) -> None:
    """Write a report (students, workers, ct33, summary, candidates, breakdown) to an xlsx file."""
    user = named_user(username) or command_line_user()
    start, end = _day(date_from, "--from"), _day(date_to, "--to")
    try:
        # Labelled like the reports page when the dates are a preset's ("Năm 2025").
        period = recognised(start, end)
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--to") from None
    request = ReportRequest(report, period, _area(area_code, user), group=group, reached=reached)
    try:
        export = make_report(reports_session(), user, request)  # the replica, if set
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    path = Path(out)
    _write(path, export.data())
    log_export(db.session, user if username else COMMAND_LINE, request, export)
    rows = f", {export.rows} dòng" if export.rows is not None else ""
    click.echo(f"Đã ghi {REPORTS[report].lower()} ({period.text}{rows}) vào {path}.")


COMMANDS = (export_command,)
