"""Shared layout of the reports: styles, header block, column headers, signatures, printing.

Every sheet is written in openpyxl's write-only mode, row after row, so the same code
serves the small statistics reports and the million-row detail list. Write-only mode
fixes the sheet's views and column widths at the first row, which is why `open_sheet`
plans the whole header before writing anything.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from functools import cache
from io import BytesIO
from itertools import zip_longest
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.cells import set_value
from exports.data import ReportMeta
from exports.printing import FONT_NAME, parts, setup_print

BODY_SIZE = 12
TITLE_SIZE = 13
BODY_FONT = Font(name=FONT_NAME, size=BODY_SIZE)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"
LINE_HEIGHT = 16.5  # points per line of 12 pt text


@dataclass(frozen=True)
class Look:
    """How a cell looks; turned into openpyxl style objects once per distinct look."""

    bold: bool = False
    italic: bool = False
    underline: bool = False
    size: int = BODY_SIZE
    horizontal: str = "center"
    wrap: bool = True
    border: bool = False
    number_format: str = "General"
    indent: int = 0


HEADING = Look(bold=True, border=True)
NUMBERS = Look(italic=True, border=True)


@cache
def _style_parts(look: Look) -> tuple[Font, Alignment]:
    font = Font(
        name=FONT_NAME,
        size=look.size,
        bold=look.bold,
        italic=look.italic,
        underline="single" if look.underline else None,
    )
    alignment = Alignment(
        horizontal=look.horizontal, vertical="center", wrap_text=look.wrap, indent=look.indent
    )
    return font, alignment


def styled(ws: WriteOnlyWorksheet, value: object, look: Look) -> Cell:
    """Return a write-only cell holding `value` (text kept as text) with `look`."""
    cell = WriteOnlyCell(ws)
    set_value(cell, value)
    cell.font, cell.alignment = _style_parts(look)
    if look.border:
        cell.border = BOX
    if look.number_format != "General":
        cell.number_format = look.number_format
    return cell


def new_workbook(meta: ReportMeta) -> Workbook:
    """Return a write-only workbook whose default font is Times New Roman 12."""
    wb = Workbook(write_only=True)
    # Unstyled cells use font 0 and the Normal style: making that font Times New Roman
    # keeps a million-row list in the right font without a style on every cell.
    # Both are private to openpyxl (no public way to change the default font).
    wb._fonts = IndexedList([BODY_FONT])  # type: ignore[attr-defined]
    wb._named_styles["Normal"].font = BODY_FONT  # type: ignore[attr-defined]
    wb.properties.title = meta.title
    wb.properties.creator = meta.issuing_body[-1] if meta.issuing_body else ""
    return wb


def write_only_sheet(wb: Workbook, name: str) -> WriteOnlyWorksheet:
    """A new sheet of a write-only workbook (openpyxl types `create_sheet` loosely)."""
    ws = wb.create_sheet(name)
    if not isinstance(ws, WriteOnlyWorksheet):
        raise TypeError("report workbooks are written in write-only mode")
    return ws


def save(wb: Workbook) -> BytesIO:
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def discard(wb: Workbook) -> None:
    """Close and delete the temporary files of a write-only workbook left unsaved."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with suppress(Exception):  # already failing: free what can be freed
            rows = getattr(ws, "_rows", None)  # the row generator, private to openpyxl
            if rows is not None:
                rows.close()
            writer.close()
        with suppress(OSError, ValueError):
            writer.cleanup()


@contextmanager
def workbook(meta: ReportMeta) -> Iterator[Workbook]:
    """A new workbook whose temporary files go away if the build fails half-way."""
    wb = new_workbook(meta)
    try:
        yield wb
    except BaseException:
        discard(wb)
        raise


# --- column headers from a nested spec ------------------------------------------------


@dataclass(frozen=True)
class Col:
    """A column header; with children it spans them, without it is a leaf column.

    A leaf may carry `value`, a function of the line's figures (a mapping of field names),
    `number`, the text of the column-number row when "(n)" is not enough, and `typed`, the
    number format of what users type into the column later.
    """

    label: str
    children: tuple[Col, ...] = ()
    width: float = 11
    number: str | None = None
    value: Callable[[Mapping[str, Any]], Any] | None = None
    percent: bool = False
    typed: str | None = None
    unit: str | None = None  # "người", "doanh nghiệp", "%": where a report's units differ


def leaves(cols: Sequence[Col]) -> list[Col]:
    out: list[Col] = []
    for col in cols:
        out.extend(leaves(col.children) if col.children else [col])
    return out


def _depth(cols: Sequence[Col]) -> int:
    return max((1 + _depth(c.children) if c.children else 1) for c in cols)


def header_grid(cols: Sequence[Col]) -> tuple[list[list[str | None]], list[tuple[int, ...]]]:
    """Lay out nested headers: a grid of labels and the merges (row1, col1, row2, col2)."""
    depth, width = _depth(cols), len(leaves(cols))
    grid: list[list[str | None]] = [[None] * width for _ in range(depth)]
    merges: list[tuple[int, ...]] = []

    def place(items: Sequence[Col], row: int, col: int) -> None:
        for item in items:
            span = len(leaves([item]))
            grid[row][col] = item.label
            last_row = row if item.children else depth - 1
            if span > 1 or last_row > row:
                merges.append((row, col, last_row, col + span - 1))
            if item.children:
                place(item.children, row + 1, col)
            col += span

    place(cols, 0, 0)
    return grid, merges


def _lines(text: str, width: float) -> int:
    chars_per_line = max(1.0, width * 1.1 - 1)
    return sum(max(1, math.ceil(len(part) / chars_per_line)) for part in text.split("\n"))


def header_heights(cols: Sequence[Col], grid, merges) -> list[float]:
    """Row heights that let each header label wrap inside its (merged) box."""
    widths = [c.width for c in leaves(cols)]
    spans = {(m[0], m[1]): m for m in merges}
    heights = [LINE_HEIGHT] * len(grid)
    for row, labels in enumerate(grid):
        for col, label in enumerate(labels):
            if label is None:
                continue
            r1, c1, r2, c2 = spans.get((row, col), (row, col, row, col))
            need = _lines(label, sum(widths[c1 : c2 + 1])) * LINE_HEIGHT + 4
            have = sum(heights[r1 : r2 + 1])
            if need > have:
                heights[r2] += need - have
    return heights


# --- the sheet ----------------------------------------------------------------------


class SheetWriter:
    """Appends rows to a write-only sheet, keeping count and merging bands of cells."""

    def __init__(self, ws: WriteOnlyWorksheet, width: int) -> None:
        self.ws, self.width, self.row = ws, width, 0

    def write(self, cells: Sequence[object], height: float | None = None) -> int:
        self.row += 1
        if height:
            parts(self.ws).row_dimensions[self.row].height = height
        self.ws.append(list(cells))
        return self.row

    def merge(self, row1: int, col1: int, row2: int, col2: int) -> None:
        ref = f"{get_column_letter(col1)}{row1}:{get_column_letter(col2)}{row2}"
        parts(self.ws).merged_cells.add(ref)

    def band(self, segments: Sequence[Segment], height: float | None = None) -> int:
        """Write one row of segments, each merged over its columns."""
        cells: list[object] = [None] * self.width
        row = self.row + 1
        for first, last, value, look in segments:
            for col in range(first, last + 1):
                cells[col - 1] = styled(self.ws, value if col == first else None, look)
            if last > first:
                self.merge(row, first, row, last)
        return self.write(cells, height)


Segment = tuple[int, int, object, Look]  # first column, last column, value, look
Band = tuple[list[Segment], float | None]  # segments, row height


def date_line(place: str, day: date) -> str:
    """Place and date as Nghị định 30/2020 writes them: 0 before days < 10 and months 1-2."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def period_line(meta: ReportMeta) -> str:
    span = f"từ ngày {meta.period_from:%d/%m/%Y} đến ngày {meta.period_to:%d/%m/%Y}"
    return f"{meta.period_label} ({span})" if meta.period_label else span[0].upper() + span[1:]


def sides(width: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Columns of the left and right blocks of the header and of the signatures."""
    left = max(2, width * 2 // 5)
    right = min(width, max(left + 1, width - width // 2 + 1))
    return (1, left), (right, width)


SideLine = tuple[str, Look] | None  # text and look of one side of a header row; None: nothing


def _side_lines(meta: ReportMeta) -> tuple[list[SideLine], list[SideLine]]:
    """Left (issuing body) and right (national or party name, date) lines of the header."""
    body = list(meta.issuing_body)
    plain, strong = Look(), Look(bold=True)
    left: list[SideLine] = [(line, plain) for line in body[:-1]]
    # The issuing body is bold with a rule under it (underline stands in for the rule).
    left += [(line, Look(bold=True, underline=meta.style == "state")) for line in body[-1:]]
    dated = (date_line(meta.place, meta.report_date), Look(italic=True, size=TITLE_SIZE))
    if meta.style == "party":
        left.append(("*", plain))
        right: list[SideLine] = [("ĐẢNG CỘNG SẢN VIỆT NAM", Look(bold=True, underline=True)), None]
    else:
        right = [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", strong),
            ("Độc lập - Tự do - Hạnh phúc", Look(bold=True, underline=True, size=TITLE_SIZE)),
            None,
        ]
    return left, [*right, dated]


def unit_segments(columns: Sequence[Col]) -> list[Segment]:
    """ "Đơn vị tính" over each run of leaf columns counting in the same unit."""
    segments: list[Segment] = []
    look = Look(italic=True)
    start = 0
    for i in range(1, len(columns) + 1):
        if i < len(columns) and columns[i].unit == columns[start].unit:
            continue
        if columns[start].unit:
            segments.append((start + 1, i, f"Đơn vị tính: {columns[start].unit}", look))
        start = i
    return segments


def header_bands(
    meta: ReportMeta,
    width: int,
    *,
    full: bool = True,
    note: str = "",
    units: Sequence[Segment] = (),
) -> list[Band]:
    """The rows above the column headers: header block, title, period, area and unit (one
    for the table, or `units` over the column groups when they count different things)."""
    (l1, l2), (r1, r2) = sides(width)
    bands: list[Band] = []
    if full:
        if meta.form_code:
            bands.append(([(r1, r2, meta.form_code, Look(bold=True, horizontal="right"))], None))
        left, right = _side_lines(meta)
        for lhs, rhs in zip_longest(left, right):
            segments = [(l1, l2, *lhs)] if lhs else []
            segments += [(r1, r2, *rhs)] if rhs else []
            bands.append((segments, LINE_HEIGHT + 1))
        bands.append(([], None))
    title = meta.title.upper()
    title_height = _lines(title, width * 10) * (LINE_HEIGHT + 2)
    bands.append(([(1, width, title, Look(bold=True, size=TITLE_SIZE))], title_height))
    bands.append(([(1, width, period_line(meta), Look(italic=True))], None))
    if note:
        bands.append(([(1, width, note, Look(italic=True))], None))
    area = (l1, l2, f"Địa bàn: {meta.area_name}", Look(horizontal="left", wrap=False))
    unit = (r1, r2, meta.unit_of_measure, Look(italic=True, horizontal="right", wrap=False))
    bands.append(([area, unit] if full and not units else [area], None))
    if units:
        bands.append((list(units), 2 * (LINE_HEIGHT + 1)))
    return bands


def footer_bands(meta: ReportMeta, width: int) -> list[Band]:
    """The signatures under the table: the preparer left, the signer right."""
    (l1, l2), (r1, r2) = sides(width)
    bold, italic = Look(bold=True), Look(italic=True)
    left = [(meta.preparer_title, bold), ("(Ký, ghi rõ họ tên)", italic)]
    titles = [line.strip() for line in meta.signer_title.split("\n") if line.strip()]
    right = [(line, bold) for line in titles] + [("(Ký, đóng dấu, ghi rõ họ tên)", italic)]
    bands: list[Band] = [([], None)]
    for lhs, rhs in zip_longest(left, right):
        segments = [(l1, l2, *lhs)] if lhs else []
        bands.append((segments + ([(r1, r2, *rhs)] if rhs else []), None))
    bands += [([], None)] * 3
    bands.append(([(l1, l2, meta.preparer_name, bold), (r1, r2, meta.signer_name, bold)], None))
    return bands


def open_sheet(
    wb: Workbook,
    name: str,
    meta: ReportMeta,
    cols: Sequence[Col],
    *,
    full: bool = True,
    numbers: bool = True,
    note: str = "",
    freeze_col: int = 3,
) -> SheetWriter:
    """Create a sheet and write everything down to the first data row."""
    ws = write_only_sheet(wb, name)
    columns = leaves(cols)
    sw = SheetWriter(ws, len(columns))
    for i, col in enumerate(columns, 1):
        dimension = parts(ws).column_dimensions[get_column_letter(i)]
        dimension.width = col.width
        if col.typed:
            dimension.number_format = col.typed
    units = unit_segments(columns) if full else []
    top = header_bands(meta, len(columns), full=full, note=note, units=units)
    grid, merges = header_grid(cols)
    first = len(top) + 1
    last = first + len(grid) - (0 if numbers else 1)
    # Views and sheet properties are written with the first row: set them now.
    ws.freeze_panes = f"{get_column_letter(freeze_col)}{last + 1}"
    setup_print(ws, (first, last))
    for segments, height in top:
        sw.band(segments, height)
    for labels, height in zip(grid, header_heights(cols, grid, merges), strict=True):
        sw.write([styled(ws, label, HEADING) for label in labels], height)
    for r1, c1, r2, c2 in merges:
        sw.merge(first + r1, c1 + 1, first + r2, c2 + 1)
    if numbers:
        labels = [col.number or f"({i})" for i, col in enumerate(columns, 1)]
        sw.write([styled(ws, label, NUMBERS) for label in labels])
    return sw


def close_sheet(sw: SheetWriter, meta: ReportMeta) -> None:
    for segments, height in footer_bands(meta, sw.width):
        sw.band(segments, height)
