"""Vietnamese tax codes (mã số thuế, MST).

An enterprise has 10 digits: two for the province where it registered, seven in sequence,
and a check digit over the first nine (weights 31 29 23 19 17 13 7 5 3; the digit is
10 - sum mod 11, so a sum ≡ 0 mod 11 has no valid check digit). A branch adds three digits
(001–999) written after a dash: "0101234567-001", stored that way.
"""

from __future__ import annotations

import re

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_SEPARATORS = re.compile(r"[\s.\-_/]+")


class TaxCodeError(ValueError):
    """A tax code that cannot be right; the message is for the user."""


def check_digit(first_nine: str) -> str | None:
    """The check digit for nine digits, or None when no digit can be right."""
    value = 10 - sum(w * int(d) for w, d in zip(WEIGHTS, first_nine, strict=True)) % 11
    return str(value) if value < 10 else None


def normalise_tax_code(text: str | None) -> str | None:
    """The tax code as stored ("0101234567" or "0101234567-001"); None when blank.

    Spaces, dots and dashes typed between the digits are ignored.
    """
    if text is None or not str(text).strip():
        return None
    raw = str(text).strip()
    digits = _SEPARATORS.sub("", raw)
    if not digits.isdigit() or len(digits) not in (10, 13):
        raise TaxCodeError(
            "Mã số thuế gồm 10 chữ số, hoặc 13 chữ số viết dạng 10 số - 3 số (chi nhánh)."
        )
    main, branch = digits[:10], digits[10:]
    if main[2:9] == "0000000":
        raise TaxCodeError("Mã số thuế không hợp lệ (7 chữ số giữa không thể đều là 0).")
    if branch == "000":
        raise TaxCodeError("Mã chi nhánh (3 số cuối) phải từ 001 đến 999.")
    if check_digit(main[:9]) != main[9]:
        raise TaxCodeError("Mã số thuế sai chữ số kiểm tra (chữ số thứ 10). Hãy soát lại.")
    return f"{main}-{branch}" if branch else main


def with_check_digit(first_nine: str) -> str:
    """A valid 10-digit code from nine digits (for tests and demo data); ValueError if none."""
    digit = check_digit(first_nine)
    if digit is None:
        raise ValueError(f"no check digit exists for {first_nine}")
    return first_nine + digit
