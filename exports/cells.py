"""Cell values that Excel reads back exactly as they were written.

openpyxl turns a string that starts with "=" into a formula and "#N/A"-like strings into
error values; spreadsheet users are taught to distrust cells starting with +, -, @, tab or
CR as well. Every value a builder writes goes through `safe_value` (or `text_cell` when
it needs a style), so such text lands in a plain text cell, unchanged.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# First characters that make a spreadsheet read text as something else ("#" for errors).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "#")
# What a cell holds besides text (bool is an int; datetime is a date).
PLAIN_TYPES = (int, float, Decimal, date, time, timedelta)
_SPECIAL = re.compile(ILLEGAL_CHARACTERS_RE.pattern + r"|\r|_x[0-9A-Fa-f]{4}_")
_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # lookahead: such escapes may overlap


def clean_text(value: str) -> str:
    """Return text that Excel (and calamine) read back as `value`.

    XML cannot hold most control characters (one would abort the whole file): they are
    dropped. A raw CR would come back as LF, so it is written as Excel writes it,
    "_x000D_", and text that already looks like such an escape is escaped itself.
    """
    # Fast path for ordinary text (two scans in C); the regex only runs on the rest.
    if ("_x" not in value and value.isprintable()) or not _SPECIAL.search(value):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return _ESCAPE_LIKE.sub("_x005F_", value).replace("\r", "_x000D_")


def text_cell(ws: WriteOnlyWorksheet, value: str) -> Cell:
    """Return a cell that holds `value` as text, whatever its first character."""
    return _as_text(ws, clean_text(str(value)))


def _as_text(ws: WriteOnlyWorksheet, cleaned: str) -> Cell:
    # Cleaned once only: cleaning twice would escape the "_x000D_" of a CR again.
    cell = WriteOnlyCell(ws, cleaned)
    # Assigning the value may have made it a formula or an error; text it is.
    cell.data_type = "s"
    return cell


def safe_value(ws: WriteOnlyWorksheet, value: object) -> object:
    """Return `value` ready for `ws.append`: risky text wrapped in a text cell."""
    if isinstance(value, str):
        value = clean_text(value)
        if value.startswith(FORMULA_TRIGGERS):
            return _as_text(ws, value)
    return value


def set_value(cell: Cell, value: object) -> None:
    """Assign `value` to a styled cell, keeping any text a text cell."""
    if isinstance(value, str):
        cell.value = clean_text(str(value))
        cell.data_type = "s"
    elif value is None or isinstance(value, PLAIN_TYPES):
        cell.value = value
    else:
        raise TypeError(f"a cell cannot hold {type(value).__name__}")
