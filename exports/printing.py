"""How a report sheet prints: paper, margins, the page number, the rows repeated on
each page; and the parts of a write-only sheet that hold them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, cast

from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder, RowDimension
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.header_footer import HeaderFooter, HeaderFooterItem
from openpyxl.worksheet.page import PageMargins, PrintOptions, PrintPageSetup
from openpyxl.worksheet.properties import PageSetupProperties, WorksheetProperties
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "Times New Roman"
PAGE_NUMBER_SIZE = 13
MM_PER_INCH = 25.4
# Nghị định 30/2020, Phụ lục I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
# The smallest of each leaves the table the most room; the page number sits in the top
# margin, 10 mm from the edge.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15, "header": 10, "footer": 10}


def decree_margins() -> PageMargins:
    """The page margins of Nghị định 30/2020 (openpyxl takes inches)."""
    return PageMargins(**{side: mm / MM_PER_INCH for side, mm in MARGINS_MM.items()})


class SheetParts(Protocol):
    """What a write-only sheet holds besides its rows.

    openpyxl builds a WriteOnlyWorksheet with Worksheet's own `_setup`, so it carries
    these attributes of a Worksheet; the type stubs declare them on Worksheet only.
    """

    row_dimensions: DimensionHolder[int, RowDimension]
    column_dimensions: DimensionHolder[str, ColumnDimension]
    merged_cells: MultiCellRange
    page_setup: PrintPageSetup
    print_options: PrintOptions
    page_margins: PageMargins
    sheet_properties: WorksheetProperties
    auto_filter: AutoFilter
    conditional_formatting: ConditionalFormattingList
    HeaderFooter: HeaderFooter


def parts(ws: WriteOnlyWorksheet) -> SheetParts:
    """The dimensions, merges and page setup of a write-only sheet."""
    return cast(SheetParts, ws)


# A table at most this wide (in column widths, about 2 mm each on paper) prints upright:
# Nghị định 30 sets A4 portrait, landscape only for a table too wide for it.
PORTRAIT_WIDTH = 100


Orientation = Literal["portrait", "landscape"]


def orientation_for(widths: Sequence[float]) -> Orientation:
    return "portrait" if sum(widths) <= PORTRAIT_WIDTH else "landscape"


def first_page_columns(widths: Sequence[float], pages_wide: int, repeated: int) -> int:
    """How many columns the first of `pages_wide` pages holds, the `repeated` first columns
    being printed again on every page: what a title over the first page may span."""
    if pages_wide <= 1:
        return len(widths)
    shared = sum(widths[:repeated])
    room = shared + (sum(widths) - shared) / pages_wide
    held, count = 0.0, 0
    for width in widths:
        if held + width > room:
            break
        held, count = held + width, count + 1
    return max(count, 1)


def setup_print(
    ws: WriteOnlyWorksheet,
    title_rows: tuple[int, int] | None = None,
    *,
    pages_wide: int = 1,
    title_cols: str | None = None,
    orientation: Orientation = "landscape",
) -> None:
    """A4 (landscape unless told), `pages_wide` pages wide, as long as it takes; the header
    rows (and `title_cols`, "A:B") on every page; the page number from page 2."""
    sheet = parts(ws)
    sheet.page_setup.orientation = orientation
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = pages_wide
    if pages_wide > 1:
        # A row's pages one after the other, so the pages of a list come in reading order.
        sheet.page_setup.pageOrder = "overThenDown"
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = decree_margins()
    sheet.print_options.horizontalCentered = True
    header_footer = sheet.HeaderFooter
    header_footer.differentFirst = True
    page_header = header_footer.oddHeader or HeaderFooterItem()
    page_header.center.text = "&P"
    page_header.center.font = f"{FONT_NAME},Regular"
    page_header.center.size = PAGE_NUMBER_SIZE
    header_footer.oddHeader = page_header
    if title_rows:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    if title_cols:
        ws.print_title_cols = title_cols
