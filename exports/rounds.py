"""The consolidated workbook of a reporting round: the approved submissions as sent, the
live figures beside them (every difference highlighted), and who has not reported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from exports.cells import set_value
from exports.layout import FONT_NAME

TOTAL_LABEL = "Tổng cộng (các báo cáo đã duyệt)"
MISSING_SHEET = "Chưa báo cáo"
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_DIFF = PatternFill("solid", fgColor="FFF2CC")
_HEAD = PatternFill("solid", fgColor="D9E1F2")


@dataclass(frozen=True)
class ConsolidatedLine:
    organisation: str
    sent: dict[str, int]
    live: dict[str, int] | None  # None when the live figures could not be made


@dataclass(frozen=True)
class ConsolidatedReport:
    sheet: str
    title: str
    fields: Sequence[tuple[str, str]]  # (key, label) in column order
    lines: Sequence[ConsolidatedLine] = ()


@dataclass(frozen=True)
class MissingReporter:
    organisation: str
    state: str
    late_days: int


@dataclass(frozen=True)
class ConsolidatedRound:
    title: str
    period: str
    opener: str
    reports: Sequence[ConsolidatedReport]
    missing: Sequence[MissingReporter] = field(default_factory=tuple)


def _font(bold: bool = False, size: int = 12) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold)


def _cell(ws, row: int, col: int, value: object, *, bold=False, fill=None, wrap=False):
    cell = ws.cell(row=row, column=col)
    set_value(cell, value)
    cell.font = _font(bold)
    cell.border = _BORDER
    cell.alignment = Alignment(wrap_text=wrap, vertical="center")
    if fill is not None:
        cell.fill = fill
    return cell


def _heading(ws, data: ConsolidatedRound, title: str, width: int) -> int:
    for row, (text, bold) in enumerate(
        ((data.opener.upper(), True), (title.upper(), True), (data.period, False)), 1
    ):
        cell = ws.cell(row=row, column=1)
        set_value(cell, text)
        cell.font = _font(bold, 13 if row == 2 else 12)
        cell.alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 2))
    return 5


def _setup(ws, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row + 1}"
    ws.freeze_panes = ws.cell(row=header_row + 2, column=3)


def _report_sheet(wb: Workbook, data: ConsolidatedRound, report: ConsolidatedReport) -> None:
    ws = wb.create_sheet(report.sheet[:31])
    width = 2 + 2 * len(report.fields)
    top = _heading(ws, data, report.title, width)
    _cell(ws, top, 1, "STT", bold=True, fill=_HEAD)
    _cell(ws, top, 2, "Cơ quan, tổ chức báo cáo", bold=True, fill=_HEAD, wrap=True)
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    ws.merge_cells(start_row=top, start_column=2, end_row=top + 1, end_column=2)
    for index, (_key, label) in enumerate(report.fields):
        col = 3 + 2 * index
        _cell(ws, top, col, label, bold=True, fill=_HEAD, wrap=True)
        _cell(ws, top, col + 1, None, fill=_HEAD)
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + 1)
        _cell(ws, top + 1, col, "Đã nộp", bold=True, fill=_HEAD)
        _cell(ws, top + 1, col + 1, "Hiện tại", bold=True, fill=_HEAD)
        ws.column_dimensions[get_column_letter(col)].width = 11
        ws.column_dimensions[get_column_letter(col + 1)].width = 11
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 34
    ws.row_dimensions[top].height = 60
    row = top + 2
    sent_total = {key: 0 for key, _label in report.fields}
    live_total: dict[str, int] = {key: 0 for key, _label in report.fields}
    for number, line in enumerate(report.lines, 1):
        _cell(ws, row, 1, number)
        _cell(ws, row, 2, line.organisation, wrap=True)
        for index, (key, _label) in enumerate(report.fields):
            col = 3 + 2 * index
            sent = line.sent.get(key, 0)
            live = None if line.live is None else line.live.get(key, 0)
            sent_total[key] += sent
            live_total[key] += live or 0
            differs = live is not None and live != sent
            _cell(ws, row, col, sent, fill=_DIFF if differs else None)
            live_cell = _cell(ws, row, col + 1, live, fill=_DIFF if differs else None)
            if differs:
                live_cell.comment = Comment(f"Khác số đã nộp ({sent}).", "Hệ thống")
        row += 1
    _cell(ws, row, 1, None, bold=True)
    _cell(ws, row, 2, TOTAL_LABEL, bold=True, wrap=True)
    for index, (key, _label) in enumerate(report.fields):
        col = 3 + 2 * index
        differs = live_total[key] != sent_total[key]
        _cell(ws, row, col, sent_total[key], bold=True, fill=_DIFF if differs else None)
        _cell(ws, row, col + 1, live_total[key], bold=True, fill=_DIFF if differs else None)
    _setup(ws, top)


def _missing_sheet(wb: Workbook, data: ConsolidatedRound) -> None:
    ws = wb.create_sheet(MISSING_SHEET)
    top = _heading(ws, data, "Danh sách cơ quan, tổ chức chưa có báo cáo được duyệt", 4)
    for col, label in enumerate(
        ("STT", "Cơ quan, tổ chức", "Tình trạng", "Số ngày làm việc quá hạn"), 1
    ):
        _cell(ws, top, col, label, bold=True, fill=_HEAD, wrap=True)
    for number, missing in enumerate(data.missing, 1):
        row = top + number
        _cell(ws, row, 1, number)
        _cell(ws, row, 2, missing.organisation, wrap=True)
        _cell(ws, row, 3, missing.state)
        _cell(ws, row, 4, missing.late_days)
    for letter, width in zip("ABCD", (6, 40, 30, 16), strict=True):
        ws.column_dimensions[letter].width = width


def build_round(data: ConsolidatedRound) -> BytesIO:
    """One sheet per report asked, then the sheet of those who have not reported."""
    wb = Workbook()
    default = wb.active
    for report in data.reports:
        _report_sheet(wb, data, report)
    _missing_sheet(wb, data)
    if default is not None:
        wb.remove(default)
    stream = BytesIO()
    wb.save(stream)
    stream.seek(0)
    return stream
