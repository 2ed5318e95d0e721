"""`candidates`: the detail list in the canonical import layout, streamed row by row.

A list can hold a million rows, so the loop below is the only place where the
per-cell cost matters: plain values go to openpyxl untouched and a cell object is made
only for risky text; dates reuse one styled cell per column (openpyxl writes a cell
before the next row is built, and replaces styled cells instead of recycling them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from io import BytesIO

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.cells import FORMULA_TRIGGERS, safe_value
from exports.data import CANDIDATE_HEADERS, CANDIDATE_ROW_LENGTH, CandidateList
from exports.layout import BOX, DATE_FORMAT, Col, open_sheet, save, workbook
from exports.printing import parts

MAX_ROW = 1_048_576  # Excel's last row
_WIDTHS = {
    "STT": 8,
    "Họ và tên": 24,
    "Số CCCD": 15,
    "Quê quán": 20,
    "Đơn vị": 26,
    "Chi bộ": 22,
    "Ghi chú": 22,
    "Lớp / Công việc": 14,
    "Đảng viên giúp đỡ": 22,
    "Người giới thiệu": 24,
    "Lý do": 20,
    "Người giới thiệu 1: họ tên": 22,
    "Người giới thiệu 2: họ tên": 22,
    "Biểu quyết của chi bộ (tán thành/chính thức)": 12,
}
_CCCD = CANDIDATE_HEADERS.index("Số CCCD")
_LAST = get_column_letter(len(CANDIDATE_HEADERS))


def _column(header: str) -> Col:
    # Column formats only guide what users type later; written cells carry their own.
    if header.startswith("Ngày") or ": ngày" in header:
        return Col(header, width=12, typed=DATE_FORMAT)
    # The vote "18/20" stays text: Excel would turn "7/9" typed later into a date.
    text = header in ("Số CCCD", "Biểu quyết của chi bộ (tán thành/chính thức)")
    return Col(header, width=_WIDTHS.get(header, 11), typed="@" if text else None)


CANDIDATE_COLUMNS = tuple(_column(h) for h in CANDIDATE_HEADERS)


def _date_cell(ws: WriteOnlyWorksheet) -> Cell:
    cell = WriteOnlyCell(ws)
    cell.number_format = DATE_FORMAT
    return cell


class _Serials(dict):
    """Excel day numbers of dates, worked out once per distinct date (a few thousand)."""

    def __missing__(self, day: date) -> float:
        self[day] = serial = to_excel(day)
        return serial


def write_rows(ws: WriteOnlyWorksheet, rows: Iterable[Sequence[object]], first: int) -> int:
    """Append the rows from sheet row `first` on, numbered from 1; return how many."""
    dates = [_date_cell(ws) for _ in CANDIDATE_HEADERS]
    serials = _Serials()
    room = MAX_ROW - first + 1
    append = ws.append
    n = 0
    for row in rows:
        n += 1
        if len(row) != CANDIDATE_ROW_LENGTH:
            raise ValueError(f"row {n}: {len(row)} values, expected {CANDIDATE_ROW_LENGTH}")
        if n > room:
            raise ValueError(f"more than {room} rows do not fit on one sheet")
        out: list[object] = [n]
        for i, value in enumerate(row, 1):
            kind = type(value)
            if type(value) is str:
                # Ordinary text needs nothing; safe_value decides for the rest.
                if value.startswith(FORMULA_TRIGGERS) or "_x" in value or not value.isprintable():
                    value = safe_value(ws, value)
            elif kind is date or kind is datetime:
                cell = dates[i]
                # A day number in a date-formatted cell is how Excel stores a date.
                cell.value = serials[value] if kind is date else to_excel(value)
                value = cell
            elif kind is bool:
                value = "x" if value else None
            elif kind is int and i == _CCCD:
                value = str(value)  # never padded: the number already lost any leading zero
            elif isinstance(value, str):  # a StrEnum or another subclass of str
                value = safe_value(ws, str(value))
            out.append(value)
        append(out)
    return n


def build_candidates(data: CandidateList) -> BytesIO:
    """Detail list: title, period, the canonical header row, then one row per candidate."""
    if not isinstance(data, CandidateList):
        raise TypeError(f"expected CandidateList, got {type(data).__name__}")
    with workbook(data.meta) as wb:
        sw = open_sheet(
            wb,
            "Danh sách",
            data.meta,
            CANDIDATE_COLUMNS,
            full=False,
            numbers=False,
            note=data.filter_note,
            # 40 columns do not print readably on one page: three pages across, each
            # repeating the number and the name.
            pages_wide=3,
        )
        ws, header = sw.ws, sw.row
        n = write_rows(ws, data.rows, header + 1)
        last = header + max(n, 1)
        parts(ws).auto_filter.ref = f"A{header}:{_LAST}{last}"
        if n:
            # Borders from one rule instead of a style on each of millions of cells.
            rule = FormulaRule(formula=["TRUE"], border=BOX)
            parts(ws).conditional_formatting.add(f"A{header + 1}:{_LAST}{last}", rule)
        return save(wb)
