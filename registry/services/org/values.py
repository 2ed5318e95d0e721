"""Cell values of the reference-data sheets turned into typed values, with row errors.

Pure: no database. The import services look the codes up and write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from registry.domain.taxcode import TaxCodeError, normalise_tax_code
from registry.domain.textutil import fold_key
from registry.services import ServiceError
from registry.spreadsheet.normalise import DateParser, Invalid, cell_text, is_blank, number_text


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Dòng {self.row}" if self.row else "Tệp"
        column = f", cột «{self.column}»" if self.column else ""
        return f"{where}{column}: {self.message}"


class CellError(ServiceError, ValueError):
    """A cell that can't be used; the message is for the user."""


_YES = {"x", "co", "c", "yes", "y", "1", "true", "dung", "v"}
_NO = {"khong", "k", "no", "n", "0", "false", "chua", "sai"}


def text(value: object) -> str:
    """Cell as cleaned text; a whole number cell reads without ".0"."""
    if isinstance(value, float):
        return number_text(value)
    return cell_text(value)


def code_text(value: object) -> str:
    """A code typed in a cell ("080", "DN001"); number cells lose no digits they had."""
    return text(value).strip()


def integer(value: object, *, blank: int | None = 0) -> int:
    """A non-negative whole number; blank gives `blank` (None: required)."""
    if is_blank(value):
        if blank is None:
            raise CellError("cần nhập số")
        return blank
    if isinstance(value, bool):
        raise CellError("cần một số nguyên")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(".", "").replace(",", "").replace(" ", "")
        if not cleaned.lstrip("-").isdigit():
            raise CellError(f"«{value.strip()}» không phải là số")
        value = int(cleaned)
    if not isinstance(value, int):
        raise CellError("cần một số nguyên")
    if value < 0:
        raise CellError("không được là số âm")
    return value


def yes_no(value: object) -> bool:
    """ "x", "Có", 1 → True; blank, "Không", 0 → False."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    key = fold_key(str(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(f"«{text(value)}»: ghi Có/x hoặc Không")


def day(value: object, parser: DateParser, *, required: bool = True) -> date | None:
    if is_blank(value):
        if required:
            raise CellError("cần nhập ngày (dd/mm/yyyy)")
        return None
    try:
        return parser(value)
    except Invalid as error:
        detail = f" ({error.detail})" if error.detail else ""
        raise CellError(f"«{text(value)}» không phải ngày hợp lệ{detail}") from error


def vocabulary_code(value: object, vocabulary: Mapping[str, str], extra: Mapping[str, str] = {}):
    """The code named by a cell: the code itself, its label, or an extra alias."""
    key = fold_key(text(value))
    for code, label in vocabulary.items():
        if key in (fold_key(code), fold_key(label)):
            return code
    if key in extra:
        return extra[key]
    raise CellError(f"«{text(value)}» không có trong danh mục")


def tax_code(value: object) -> str | None:
    if is_blank(value):
        return None
    raw = value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel drops the leading zero of a number cell (Hà Nội codes start with 01).
        raw = number_text(value)
        if len(raw) in (9, 12):
            raw = "0" + raw
    try:
        return normalise_tax_code(str(raw))
    except TaxCodeError as error:
        raise CellError(str(error)) from error
