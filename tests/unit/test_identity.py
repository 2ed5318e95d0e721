"""CCCD and CMND numbers: reading, padding, checks against birth and sex, masking."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.identity import (
    CCCD,
    CMND,
    IdNumberError,
    birth_year,
    century_sex_digit,
    check_cccd,
    mask_id_number,
    parse_id_number,
    read_id_number,
    sex_of,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1205001234, ("001205001234", CCCD)),  # a number cell lost two zeros
        (12050012345, ("012050012345", CCCD)),
        (1.205001234e9, ("001205001234", CCCD)),
        (123456789012, ("123456789012", CCCD)),
        ("001205001234", ("001205001234", CCCD)),
        ("001 205 001 234", ("001205001234", CCCD)),
        ("'001205001234", ("001205001234", CCCD)),
        ("001.205.001.234", ("001205001234", CCCD)),
        (12345678, ("012345678", CMND)),
        ("012345678", ("012345678", CMND)),
        (123456789, ("123456789", CMND)),
        (" 001205001234 ", ("001205001234", CCCD)),
        ("001-205-001-234", ("001205001234", CCCD)),
        ("012.345.678", ("012345678", CMND)),
        (1205001234.0, ("001205001234", CCCD)),  # a float cell of a whole number
        (99999999, ("099999999", CMND)),
        (10000000, ("010000000", CMND)),
    ],
)
def test_id_numbers(value, expected):
    assert parse_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("3.40123E+11", "lost_precision"),
        ("3,40123E+11", "lost_precision"),
        ("1E+11", "lost_precision"),
        ("1205001234", "invalid_id_number"),  # text is never padded
        ("12050012345", "invalid_id_number"),
        (1205001234.5, "invalid_id_number"),
        (1234567, "invalid_id_number"),
        (1234567890123, "invalid_id_number"),
        ("0012050012A4", "invalid_id_number"),
        ("1205001234.0", "invalid_id_number"),
        (True, "invalid_id_number"),
        (-1205001234, "invalid_id_number"),
        ("", "invalid_id_number"),
        ("00120500123", "invalid_id_number"),  # 11 digits of text: not padded
        ("０01205001234", "invalid_id_number"),  # a full-width digit is not ASCII
        (0, "invalid_id_number"),
        (float("nan"), "invalid_id_number"),
        (float("inf"), "invalid_id_number"),
        (1234567.0, "invalid_id_number"),
        ("-3.4E11", "lost_precision"),
        ("3.4e+11", "lost_precision"),
    ],
)
def test_bad_id_numbers(value, code):
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(value)
    assert caught.value.code == code


def test_text_of_ten_digits_hints_at_the_lost_zero():
    with pytest.raises(IdNumberError) as caught:
        parse_id_number("1205001234")
    assert "không được tự thêm số 0" in caught.value.detail


@given(st.integers(min_value=10**9, max_value=10**12 - 1))
def test_number_cells_pad_back_to_the_typed_cccd(n):
    typed = f"{n:012d}"  # 10–12 digits were left in the cell
    assert parse_id_number(float(n)) == (typed, CCCD)
    assert parse_id_number(typed) == (typed, CCCD)


@given(st.integers(min_value=10**7, max_value=10**9 - 1))
def test_number_cells_pad_back_to_the_typed_cmnd(n):
    assert parse_id_number(n) == (f"{n:09d}", CMND)


def test_cccd_structure():
    check_cccd("001205001234", date(2005, 3, 1), "M")
    check_cccd("001305001234", date(2005, 3, 1), "F")
    check_cccd("079099001234", date(1999, 1, 1), "M")
    check_cccd("079199001234", date(1999, 1, 1), None)
    check_cccd("001205001234", None, None)


@pytest.mark.parametrize(
    ("number", "birth", "gender", "code", "detail"),
    [
        (
            "999205001234",
            date(2005, 3, 1),
            "M",
            "invalid_id_number",
            "mã nơi đăng ký khai sinh 999",
        ),
        ("003205001234", date(2005, 3, 1), "M", "invalid_id_number", "003"),
        ("001205001234", date(2004, 3, 1), "M", "id_number_mismatch", "năm sinh 2005"),
        ("001005001234", date(2005, 3, 1), "M", "id_number_mismatch", "năm sinh 1905"),
        ("001205001234", date(2005, 3, 1), "F", "id_number_mismatch", "là của nam"),
        ("001305001234", date(2005, 3, 1), "M", "id_number_mismatch", "là của nữ"),
    ],
)
def test_cccd_mismatches(number, birth, gender, code, detail):
    with pytest.raises(IdNumberError) as caught:
        check_cccd(number, birth, gender)
    assert caught.value.code == code
    assert detail in caught.value.detail


def test_a_number_cell_of_thirteen_digits_asks_for_twelve_or_nine():
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(1234567890123)
    assert caught.value.detail == "cần 12 chữ số (CCCD) hoặc 9 chữ số (CMND)"


def test_the_fourth_digit_gives_century_and_sex():
    assert (birth_year("001205001234"), sex_of("001205001234")) == (2005, "M")
    assert (birth_year("001305001234"), sex_of("001305001234")) == (2005, "F")
    assert (birth_year("079099001234"), sex_of("079099001234")) == (1999, "M")
    assert (birth_year("079199001234"), sex_of("079199001234")) == (1999, "F")
    assert birth_year("001400001234") == 2100


@given(st.integers(min_value=1900, max_value=2299), st.sampled_from(["M", "F"]))
def test_century_sex_digit_is_what_the_number_reads_back(year, sex):
    number = f"001{century_sex_digit(year, sex)}{year % 100:02d}001234"
    assert (birth_year(number), sex_of(number)) == (year, sex)


def test_reading_checks_a_cccd_but_not_a_cmnd():
    assert read_id_number("012345678", date(2005, 3, 1), "F") == ("012345678", CMND)
    assert read_id_number(1205001234, date(2005, 3, 1), "M") == ("001205001234", CCCD)
    with pytest.raises(IdNumberError) as caught:
        read_id_number(1205001234, date(2005, 3, 1), "F")
    assert caught.value.code == "id_number_mismatch"


def test_sex_is_checked_after_the_birth_year():
    with pytest.raises(IdNumberError) as caught:
        check_cccd("001305001234", date(2004, 3, 1), "M")
    assert "năm sinh 2005" in caught.value.detail


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("001306012345", "0013******45"),
        ("123456789", "1234***89"),
        ("1234567", "1234*67"),
        ("123456", "****56"),
        ("12", "12"),
        ("", ""),
        (None, ""),
    ],
)
def test_lists_show_the_first_four_and_last_two_digits(value, masked):
    assert mask_id_number(value) == masked
