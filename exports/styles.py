"""How report cells look: the fonts, borders and number formats, one `Look` per kind of cell."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.cells import set_value
from exports.fit import BODY_SIZE
from exports.printing import FONT_NAME

TITLE_SIZE = 13
BODY_FONT = Font(name=FONT_NAME, size=BODY_SIZE)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"


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
UNITS = Look(italic=True, border=True)

Segment = tuple[int, int, object, Look]  # first column, last column, value, look
Band = tuple[list[Segment], float | None]  # segments, row height (None: fitted to the text)


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


# Each look's style ids in a sheet's workbook, found once per sheet: assigning the font,
# alignment, border and format of every cell looks each of them up in the workbook's
# style lists (two thirds of the time of building a report's workbook).
_styles: WeakKeyDictionary[WriteOnlyWorksheet, dict[Look, StyleArray]] = WeakKeyDictionary()


def styled(ws: WriteOnlyWorksheet, value: object, look: Look) -> Cell:
    """Return a write-only cell holding `value` (text kept as text) with `look`."""
    cell: Any = WriteOnlyCell(ws)  # Any: the stubs do not declare a cell's style ids
    set_value(cell, value)
    # A date or time takes a number format of its own from openpyxl: styled in full.
    plain = not cell.has_style
    known = _styles.setdefault(ws, {})
    if plain and look in known:
        cell._style = StyleArray(known[look])
        return cell
    cell.font, cell.alignment = _style_parts(look)
    if look.border:
        cell.border = BOX
    if look.number_format != "General":
        cell.number_format = look.number_format
    if plain:
        known[look] = StyleArray(cell._style)
    return cell
