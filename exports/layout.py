"""Shared layout of the reports: the workbook, nested column headers, the sheet writer.

Every sheet is written in openpyxl's write-only mode, row after row, so the same code
serves the small statistics reports and the million-row detail list. Write-only mode
fixes the sheet's views and column widths at the first row, which is why `open_sheet`
plans the whole header before writing anything. What surrounds the table is in
`exports.heading`, how cells look in `exports.styles`, how the sheet prints in
`exports.printing`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.data import ReportMeta
from exports.fit import BODY_SIZE, LINE_HEIGHT, row_height, text_lines
from exports.heading import UNITS_LABEL, date_line, footer_bands, header_bands, period_line
from exports.printing import (
    FONT_NAME,
    first_page_columns,
    orientation_for,
    parts,
    setup_print,
)
from exports.styles import (
    BODY_FONT,
    BOX,
    COUNT_FORMAT,
    DATE_FORMAT,
    HEADING,
    NUMBERS,
    PERCENT_FORMAT,
    TITLE_SIZE,
    UNITS,
    Band,
    Look,
    Segment,
    styled,
)

__all__ = [
    "BODY_SIZE",
    "BOX",
    "COUNT_FORMAT",
    "DATE_FORMAT",
    "FONT_NAME",
    "HEADING",
    "LINE_HEIGHT",
    "PERCENT_FORMAT",
    "TITLE_SIZE",
    "Band",
    "Col",
    "Look",
    "Segment",
    "SheetWriter",
    "close_sheet",
    "date_line",
    "header_grid",
    "leaves",
    "open_sheet",
    "period_line",
    "save",
    "styled",
    "workbook",
    "write_only_sheet",
]


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


def header_heights(cols: Sequence[Col], grid, merges) -> list[float]:
    """Row heights that let each (bold) header label wrap inside its (merged) box."""
    widths = [c.width for c in leaves(cols)]
    spans = {(m[0], m[1]): m for m in merges}
    heights = [LINE_HEIGHT] * len(grid)
    for row, labels in enumerate(grid):
        for col, label in enumerate(labels):
            if label is None:
                continue
            r1, c1, r2, c2 = spans.get((row, col), (row, col, row, col))
            need = row_height(text_lines(label, sum(widths[c1 : c2 + 1]), bold=True)) + 1
            have = sum(heights[r1 : r2 + 1])
            if need > have:
                heights[r2] += need - have
    return heights


def unit_row(columns: Sequence[Col]) -> list[Segment]:
    """A row naming the unit over each run of columns counting in the same unit, when the
    columns count in more than one ("Đơn vị tính" over the leading columns without one)."""
    units = [col.unit for col in columns]
    if len({unit for unit in units if unit}) < 2:
        return []
    segments: list[Segment] = []
    start = 0
    for i in range(1, len(units) + 1):
        if i < len(units) and units[i] == units[start]:
            continue
        unit = units[start]
        label = unit[0].upper() + unit[1:] if unit else (UNITS_LABEL if start == 0 else None)
        segments.append((start + 1, i, label, UNITS))
        start = i
    return segments


def unit_text(columns: Sequence[Col], meta: ReportMeta) -> str:
    """The one unit of measure over a table whose columns all count the same thing."""
    units = {col.unit for col in columns if col.unit}
    return f"{UNITS_LABEL}: {units.pop()}" if len(units) == 1 else meta.unit_of_measure


# --- the sheet ----------------------------------------------------------------------


class SheetWriter:
    """Appends rows to a write-only sheet, keeping count, merging bands of cells and giving
    rows of wrapped text the height they need."""

    def __init__(self, ws: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
        self.ws, self.widths, self.width, self.row = ws, list(widths), len(widths), 0
        # Where the header and signatures go (first, last column); None: every column.
        self.span: tuple[int, int] | None = None

    def write(self, cells: Sequence[object], height: float | None = None) -> int:
        self.row += 1
        if height:
            parts(self.ws).row_dimensions[self.row].height = height
        self.ws.append(list(cells))
        return self.row

    def merge(self, row1: int, col1: int, row2: int, col2: int) -> None:
        ref = f"{get_column_letter(col1)}{row1}:{get_column_letter(col2)}{row2}"
        parts(self.ws).merged_cells.add(ref)

    def fitted(self, segments: Sequence[Segment]) -> float | None:
        """The height a row of these segments needs; None when one plain line will do."""
        need = None
        for first, last, value, look in segments:
            if not isinstance(value, str) or not value or not look.wrap:
                continue
            width = sum(self.widths[first - 1 : last])
            lines = text_lines(value, width, size=look.size, bold=look.bold, indent=look.indent)
            if lines > 1 or look.size > BODY_SIZE:
                need = max(need or 0.0, row_height(lines, look.size))
        return need

    def band(self, segments: Sequence[Segment], height: float | None = None) -> int:
        """Write one row of segments, each merged over its columns; without a `height`, as
        tall as its wrapped text needs."""
        cells: list[object] = [None] * self.width
        row = self.row + 1
        for first, last, value, look in segments:
            for col in range(first, last + 1):
                cells[col - 1] = styled(self.ws, value if col == first else None, look)
            if last > first:
                self.merge(row, first, row, last)
        return self.write(cells, height or self.fitted(segments))

    def line(self, items: Sequence[tuple[object, Look]]) -> int:
        """Write one row, a value and its look per column, as tall as its text needs."""
        return self.band([(i, i, value, look) for i, (value, look) in enumerate(items, 1)])


def _first_page(
    widths: Sequence[float], pages_wide: int, freeze_col: int
) -> tuple[int, int] | None:
    """Where the header block, title and signatures go on a sheet printed several pages
    wide: over the first page's columns after those repeated on every page (which would
    print pieces of them again)."""
    if pages_wide <= 1:
        return None
    last = first_page_columns(widths, pages_wide, freeze_col - 1)
    return (min(freeze_col, last), last)


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
    pages_wide: int = 1,
) -> SheetWriter:
    """Create a sheet and write everything down to the first data row."""
    ws = write_only_sheet(wb, name)
    columns = leaves(cols)
    widths = [col.width for col in columns]
    sw = SheetWriter(ws, widths)
    sw.span = _first_page(widths, pages_wide, freeze_col)
    for i, col in enumerate(columns, 1):
        dimension = parts(ws).column_dimensions[get_column_letter(i)]
        dimension.width = col.width
        if col.typed:
            dimension.number_format = col.typed
    units = unit_row(columns) if full else []
    top = header_bands(
        meta,
        widths,
        full=full,
        note=note,
        unit_text=None if units else unit_text(columns, meta),
        span=sw.span,
    )
    grid, merges = header_grid(cols)
    first = len(top) + 1
    last = first + len(grid) - 1 + (1 if units else 0) + (1 if numbers else 0)
    # Views and sheet properties are written with the first row: set them now.
    ws.freeze_panes = f"{get_column_letter(freeze_col)}{last + 1}"
    title_cols = f"A:{get_column_letter(freeze_col - 1)}" if pages_wide > 1 else None
    setup_print(
        ws,
        (first, last),
        pages_wide=pages_wide,
        title_cols=title_cols,
        orientation=orientation_for(widths),
    )
    for segments, height in top:
        sw.band(segments, height)
    for labels, height in zip(grid, header_heights(cols, grid, merges), strict=True):
        sw.write([styled(ws, label, HEADING) for label in labels], height)
    for r1, c1, r2, c2 in merges:
        sw.merge(first + r1, c1 + 1, first + r2, c2 + 1)
    if units:
        sw.band(units)
    if numbers:
        sw.line([(col.number or f"({i})", NUMBERS) for i, col in enumerate(columns, 1)])
    return sw


def close_sheet(sw: SheetWriter, meta: ReportMeta) -> None:
    for segments, height in footer_bands(meta, sw.widths, sw.span):
        sw.band(segments, height)
