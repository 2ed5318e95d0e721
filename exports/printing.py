"""How a report sheet prints: paper, margins, the page number, the rows repeated on
each page; and the parts of a write-only sheet that hold them.
"""

from __future__ import annotations

from typing import Protocol, cast

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


def setup_print(ws: WriteOnlyWorksheet, title_rows: tuple[int, int] | None = None) -> None:
    """A4 landscape, one page wide, header rows on every page, page number from page 2."""
    sheet = parts(ws)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.6, right=0.4, top=0.7, bottom=0.6)
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
