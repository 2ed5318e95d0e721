"""The error workbook: the sheet as it came, an error column, bad cells marked.

Row numbers stay those of the original sheet, so "Dòng 12" in a message is row 12 here
too; the user fixes the cells and uploads this same file again (the "Lỗi" column is
ignored on import).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from exports.cells import clean_text, safe_value, text_cell

ERROR_HEADER = "Lỗi"
_RED = PatternFill("solid", fgColor="FFC7CE")
_BOLD = Font(bold=True, color="9C0006")
# Characters an Excel sheet name cannot hold (an .ods or .xls sheet may).
_TITLE_FORBIDDEN = str.maketrans({ch: "_" for ch in "\\/?*[]:"})


def error_filename(original: str) -> str:
    """loi_<name of the original without its extension>.xlsx"""
    stem = original.rsplit(".", 1)[0] if "." in original else original
    return f"loi_{stem or 'danh_sach'}.xlsx"


def _value(value: Any) -> Any:
    if isinstance(value, time | timedelta):
        return str(value)
    if isinstance(value, str):
        # Control characters (which a CSV or an .xls can carry) have no place in xlsx XML.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def sheet_title(name: str | None) -> str:
    """A name Excel accepts for the sheet: no / \\ ? * [ ] :, no control characters, 31 long."""
    title = ILLEGAL_CHARACTERS_RE.sub("", name or "").translate(_TITLE_FORBIDDEN)
    title = title.strip("' ")[:31]
    return title or "Danh sách"


def _cell(ws, value: Any, message: str | None = None) -> Cell:
    value = _value(value)
    # Text stays text, whatever it starts with: a cell "=HYPERLINK(…)" comes back as typed.
    cell = text_cell(ws, value) if isinstance(value, str) else WriteOnlyCell(ws, value=value)
    if isinstance(value, date | datetime):
        cell.number_format = "dd/mm/yyyy"
    if message:
        cell.fill = _RED
        cell.comment = Comment(clean_text(message), "Sổ theo dõi", width=300, height=120)
    return cell


def _plain(ws, cells: Sequence[Any], index: int, marked: Mapping[int, str]) -> Any:
    """A cell as a bare value when it needs no style (cheap on long sheets)."""
    value = cells[index] if index < len(cells) else None
    if index in marked or isinstance(value, date | datetime):
        return _cell(ws, value, marked.get(index))
    return safe_value(ws, _value(value))


def _used(cells: Sequence[Any]) -> int:
    """How many cells up to the last one holding something."""
    end = len(cells)
    while end and (cells[end - 1] is None or cells[end - 1] == ""):
        end -= 1
    return end


@dataclass
class ErrorSheet:
    """One sheet of the error workbook: its name and rows as read (row number, cells),
    its header row, the column index → field map used, and its issues (row, column =
    field, code, message)."""

    name: str
    rows: Sequence[tuple[int, Sequence[Any]]]
    header_row: int
    columns: Mapping[int, str]
    errors: list[Mapping[str, Any]]


def build_error_workbook(
    sheet_name: str,
    rows: Iterable[tuple[int, Sequence[Any]]],
    header_row: int,
    columns: Mapping[int, str],
    errors: Iterable[Mapping[str, Any]],
) -> BytesIO:
    """`rows` as read (row number, cells); `columns` the column index → field map used;
    `errors` the issues (row, column = field, code, message). Returns the xlsx."""
    return build_error_sheets([ErrorSheet(sheet_name, list(rows), header_row, columns,
                                          list(errors))])  # fmt: skip


def build_error_sheets(sheets: Sequence[ErrorSheet]) -> BytesIO:
    """The sheets as read with their errors marked, each under its own name (several
    when several sheets were imported in one batch)."""
    wb = Workbook(write_only=True)
    for part in sheets:
        _error_sheet(wb, part.name, part.rows, part.header_row, part.columns, part.errors)
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _error_sheet(
    wb: Workbook,
    sheet_name: str,
    rows: Iterable[tuple[int, Sequence[Any]]],
    header_row: int,
    columns: Mapping[int, str],
    errors: Iterable[Mapping[str, Any]],
) -> None:
    col_of = {name: index for index, name in columns.items()}
    by_row: dict[int, list[Mapping[str, Any]]] = {}
    for issue in errors:
        if issue.get("row") is not None:
            by_row.setdefault(int(issue["row"]), []).append(issue)
    rows = list(rows)
    width = max((len(cells) for _n, cells in rows), default=0)
    ws = wb.create_sheet(sheet_title(sheet_name))
    ws.freeze_panes = f"A{header_row + 1}"
    written = 0
    for number, cells in rows:
        while written < number - 1:
            ws.append([])
            written += 1
        issues = by_row.get(number, [])
        marked: dict[int, str] = {}
        for issue in issues:
            index = col_of.get(str(issue.get("column")))
            if index is not None:
                shown = marked.get(index)
                marked[index] = f"{shown}\n{issue['message']}" if shown else issue["message"]
        # Every cell up to the row's last value; the header and the rows with an error
        # run to the "Lỗi" column. The work follows the data, not the sheet's width.
        last = width if number == header_row or issues else _used(cells)
        line = [_plain(ws, cells, i, marked) for i in range(last)]
        if number == header_row:
            line.append(WriteOnlyCell(ws, value=ERROR_HEADER))
            line[-1].font = _BOLD
        elif issues:
            text = text_cell(ws, "\n".join(i["message"] for i in issues))
            text.font = _BOLD
            line.append(text)
        ws.append(line)
        written = number
