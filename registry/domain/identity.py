"""Personal ID numbers: the 12-digit CCCD and the old 9-digit CMND.

A CCCD is three digits for the province where the birth was registered (the table in
registry/data/cccd_province_codes.csv), one digit for century and sex (0/1 for the 1900s,
2/3 for the 2000s …; even for men, odd for women), two for the last digits of the birth
year and six in sequence. A CMND has no structure to check; it is accepted with a warning
(it lost its validity in 2025) so that old lists still match.

Excel drops the leading zeros of a number cell: 10–11 digits read from a number are padded
back to 12, 8 digits to 9. A text cell was typed as it is and is never padded; text in
scientific notation ("3.40123E+11") has already lost its last digits.

Uniqueness (one number, one candidate, province-wide) needs the stored records: the schema
holds it, and the form and the import check it before writing
(services/candidates/edit.find_duplicate, services/imports/match.Matcher).
"""

from __future__ import annotations

import math
import re
from datetime import date

from registry.domain.refdata import cccd_province_codes

CCCD = "cccd"
CMND = "cmnd"

_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
_GROUPED = re.compile(r"\d{1,3}(?:[.\-]\d{3})+")
_SPACES = re.compile(r"\s+")
_LENGTHS = "cần 12 chữ số (CCCD) hoặc 9 chữ số (CMND)"


class IdNumberError(ValueError):
    """A number that cannot be right: `code` for the program, `detail` for the user."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


def parse_id_number(value: object) -> tuple[str, str]:
    """(digits, kind) for a CCCD (12 digits) or old CMND (9 digits) as typed or read.

    Codes: `invalid_id_number`, `lost_precision` (scientific notation).
    """
    if isinstance(value, bool):
        raise IdNumberError("invalid_id_number", _LENGTHS)
    if isinstance(value, int | float):
        return _from_number(value)
    text = _SPACES.sub("", str(value)).lstrip("'")
    if _SCIENTIFIC.fullmatch(text):
        raise IdNumberError(
            "lost_precision",
            "Excel đã đổi số thành dạng số mũ và làm mất các chữ số cuối; hãy định dạng "
            "cột là Văn bản (Text) rồi nhập lại số",
        )
    if _GROUPED.fullmatch(text):
        text = text.replace(".", "").replace("-", "")
    if not text.isdigit() or not text.isascii():
        raise IdNumberError("invalid_id_number", "chỉ được có chữ số")
    if len(text) == 12:
        return text, CCCD
    if len(text) == 9:
        return text, CMND
    hint = "; ô văn bản không được tự thêm số 0 ở đầu" if len(text) in (10, 11) else ""
    raise IdNumberError(
        "invalid_id_number", f"có {len(text)} chữ số, cần 12 (CCCD) hoặc 9 (CMND){hint}"
    )


def _from_number(value: int | float) -> tuple[str, str]:
    """A number cell: the leading zeros Excel dropped are put back."""
    if not math.isfinite(value) or not float(value).is_integer() or value <= 0:
        raise IdNumberError("invalid_id_number", "không phải một dãy chữ số")
    digits = str(int(value))
    if len(digits) in (10, 11, 12):
        return digits.zfill(12), CCCD
    if len(digits) in (8, 9):
        return digits.zfill(9), CMND
    raise IdNumberError("invalid_id_number", _LENGTHS)


def birth_year(number: str) -> int:
    """The birth year a 12-digit CCCD encodes (digits 4–6)."""
    return 1900 + 100 * (int(number[3]) // 2) + int(number[4:6])


def sex_of(number: str) -> str:
    """ "M" or "F", as the fourth digit of a 12-digit CCCD says."""
    return "F" if int(number[3]) % 2 else "M"


def century_sex_digit(year: int, gender: str) -> int:
    """The fourth digit of the CCCD of someone born in `year` of `gender` ("M"/"F")."""
    return 2 * ((year - 1900) // 100) + (1 if gender == "F" else 0)


def check_cccd(number: str, birth: date | None, gender: str | None) -> None:
    """Check a 12-digit number against the province table, birth year and sex.

    Codes: `invalid_id_number` (unknown province), `id_number_mismatch`.
    """
    place = number[:3]
    if place not in cccd_province_codes():
        raise IdNumberError(
            "invalid_id_number", f"mã nơi đăng ký khai sinh {place} không có trong danh mục"
        )
    year = birth_year(number)
    if birth is not None and birth.year != year:
        raise IdNumberError(
            "id_number_mismatch",
            f"chữ số thứ 4–6 ứng với năm sinh {year}, nhưng ngày sinh ghi năm {birth.year}",
        )
    sex = sex_of(number)
    if gender is not None and gender != sex:
        raise IdNumberError(
            "id_number_mismatch",
            f"chữ số thứ 4 ({number[3]}) là của {'nữ' if sex == 'F' else 'nam'}, "
            f"nhưng giới tính ghi {'Nữ' if gender == 'F' else 'Nam'}",
        )


def read_id_number(value: object, birth: date | None, gender: str | None) -> tuple[str, str]:
    """(digits, kind) of a number that passed every check; a CMND is not checked further."""
    number, kind = parse_id_number(value)
    if kind == CCCD:
        check_cccd(number, birth, gender)
    return number, kind


def mask_id_number(value: str | None) -> str:
    """The number as lists show it: the first four and last two digits ("0010******45")."""
    if not value:
        return ""
    if len(value) <= 6:
        return "*" * (len(value) - 2) + value[-2:]
    return value[:4] + "*" * (len(value) - 6) + value[-2:]
