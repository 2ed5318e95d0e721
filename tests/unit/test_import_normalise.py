"""Cell readers: dates, gender, vocabularies (ID numbers: test_identity.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from registry.spreadsheet.normalise import (
    DateParser,
    Invalid,
    education_text,
    exit_reason,
    is_marked,
    parse_ethnicity,
    parse_gender,
    parse_group,
    parse_religion,
    parse_yes_no,
    serial_to_date,
)

TODAY = date(2025, 1, 1)


def read_date(value, date1904=False, today=TODAY):
    return DateParser(today, date1904)(value)


def date_error(value, date1904=False):
    with pytest.raises(Invalid) as caught:
        read_date(value, date1904)
    return caught.value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2005, 3, 1), date(2005, 3, 1)),
        (datetime(2005, 3, 1, 10, 30), date(2005, 3, 1)),
        ("05/03/2005", date(2005, 3, 5)),
        ("5/3/2005", date(2005, 3, 5)),
        ("5-3-05", date(2005, 3, 5)),
        ("5-3-99", date(1999, 3, 5)),
        ("1.2.2003", date(2003, 2, 1)),
        ("2003-02-01", date(2003, 2, 1)),
        ("2003-02-01 00:00:00", date(2003, 2, 1)),
        ("05 / 03 / 2005", date(2005, 3, 5)),
        ("05/03/2005 10:20", date(2005, 3, 5)),
        ("'05/03/2005", date(2005, 3, 5)),
        ("01032005", date(2005, 3, 1)),
        (1032005, date(2005, 3, 1)),
        ("ngày 05 tháng 3 năm 2005", date(2005, 3, 5)),
        (38412, date(2005, 3, 1)),
        (38412.75, date(2005, 3, 1)),
        ("38412", date(2005, 3, 1)),
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        # Two-digit years take the latest century that is not in the future.
        ("31/12/24", date(2024, 12, 31)),
        ("01/01/25", date(2025, 1, 1)),
        ("02/01/25", date(1925, 1, 2)),
    ],
)
def test_dates(value, expected):
    assert read_date(value) == expected


def test_1904_serials():
    # The two systems are 1462 days apart.
    assert read_date(38412 - 1462, date1904=True) == date(2005, 3, 1)
    assert read_date(1, date1904=True) == date(1904, 1, 2)
    assert serial_to_date(38412, date1904=False) == date(2005, 3, 1)


@pytest.mark.parametrize(
    ("value", "code", "detail"),
    [
        ("31/02/2005", "invalid_date", "ngày không có thật"),
        ("29/02/2023", "invalid_date", "ngày không có thật"),
        (60, "invalid_date", "29/02/1900"),
        (0, "invalid_date", "không đọc được"),
        (-5, "invalid_date", "không đọc được"),
        ("03/2005", "invalid_date", "thiếu ngày"),
        ("tháng 3 năm 2005", "invalid_date", "thiếu ngày"),
        (2005, "invalid_date", "chỉ có năm"),
        ("2005", "invalid_date", "chỉ có năm"),
        ("abc", "invalid_date", "không đọc được"),
        ("5/3/205", "invalid_date", "không đọc được"),
        (True, "invalid_date", "không đọc được"),
        ("02/01/2025", "future_date", "hôm nay là 01/01/2025"),
        (date(2030, 1, 1), "future_date", "hôm nay là 01/01/2025"),
    ],
)
def test_bad_dates(value, code, detail):
    error = date_error(value)
    assert error.code == code
    assert detail in error.detail


def test_date_parser_caches_errors_too():
    parser = DateParser(TODAY)
    for _ in range(2):
        with pytest.raises(Invalid):
            parser("31/02/2005")


dates = st.dates(min_value=date(1900, 3, 1), max_value=TODAY)


@given(dates, st.sampled_from(["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%-d/%-m/%Y"]))
def test_formatted_dates_round_trip(day, fmt):
    assert read_date(day.strftime(fmt)) == day


@given(dates, st.sampled_from(["%d/%m/%y", "%-d-%-m-%y", "%d.%m.%y"]))
def test_two_digit_years_round_trip_within_a_century(day, fmt):
    assume(day > date(TODAY.year - 100, TODAY.month, TODAY.day))
    assert read_date(day.strftime(fmt)) == day


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2099, 12, 31)), st.booleans())
def test_excel_serials_round_trip(day, date1904):
    assume(not date1904 or day >= date(1904, 1, 2))
    epoch = date(1904, 1, 1) if date1904 else date(1899, 12, 30)
    serial = (day - epoch).days
    assert serial_to_date(serial, date1904) == day
    assert serial_to_date(serial + 0.99, date1904) == day


# --- vocabularies -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Nam", "M"), ("nam", "M"), ("NỮ", "F"), ("Nữ", "F"), ("nu", "F"), ("F", "F"), ("M", "M")],
)
def test_gender(value, expected):
    assert parse_gender(value) == expected


@pytest.mark.parametrize("value", ["0", "1", 1.0, "x", "Khác", "Nam Nữ"])
def test_gender_refuses_codes_and_other_words(value):
    with pytest.raises(Invalid) as caught:
        parse_gender(value)
    assert caught.value.code == "invalid_gender"


def test_tick_marks():
    assert all(is_marked(v) for v in ("x", "X", "v", "1", 1.0, True, "✓", "Nữ"))
    assert not any(is_marked(v) for v in ("", " ", None, 0, False, "0", "không", "-"))


def test_trade_union():
    assert [
        parse_yes_no(v) for v in ("x", "Có", "CĐV", "công đoàn viên", True, date(2020, 1, 1))
    ] == [True] * 6
    assert [parse_yes_no(v) for v in ("Không", "0", "chưa", False)] == [False] * 4
    assert parse_yes_no("") is None
    with pytest.raises(Invalid):
        parse_yes_no("đang làm thủ tục")


def test_ethnicity_by_name_not_by_number():
    assert parse_ethnicity("Kinh") == "01"
    assert parse_ethnicity("Dân tộc Tày") == "02"
    assert parse_ethnicity("H'Mông") == "08"
    for value in ("4", 4.0, "04"):
        with pytest.raises(Invalid) as caught:
            parse_ethnicity(value)
        assert caught.value.code == "unknown_ethnicity"
        assert "1979" in caught.value.detail
    with pytest.raises(Invalid) as caught:
        parse_ethnicity("Người sao Hỏa")
    assert caught.value.code == "unknown_ethnicity"


def test_religion_unknown_is_kept_as_text():
    assert parse_religion("Không") == ("99", "Không")
    assert parse_religion("Thiên Chúa giáo") == ("02", "Thiên Chúa giáo")
    assert parse_religion("Đạo Ông Bà") == (None, "Đạo Ông Bà")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Học sinh THPT", ("student", "thpt", True)),
        ("HS THPT", ("student", "thpt", True)),
        ("Học sinh", ("student", "thpt", False)),
        ("Học viên GDNN-GDTX", ("student", "gdnn_gdtx", True)),
        ("Sinh viên", ("student", "sinh_vien", True)),
        ("SV", ("student", "sinh_vien", True)),
        ("Công nhân", ("worker", "cong_nhan", True)),
        ("Người lao động", ("worker", "cong_nhan", True)),
        ("CN", ("worker", "cong_nhan", True)),
        ("Công nhân may", ("worker", "cong_nhan", True)),
    ],
)
def test_group(value, expected):
    assert parse_group(value) == expected


def test_unknown_group():
    with pytest.raises(Invalid) as caught:
        parse_group("Bộ đội")
    assert caught.value.code == "invalid_group"


def test_education_that_excel_made_a_date():
    assert education_text(date(2024, 12, 9)) == "9/12"  # Vietnamese Excel: 9 December
    assert education_text(date(2024, 9, 12)) == "9/12"  # English Excel: September 12
    assert education_text(date(2024, 10, 7)) == "7/10"
    assert education_text(12.0) == "12"
    assert education_text("12/12") == "12/12"


def test_exit_reasons():
    assert exit_reason("Chuyển công tác") == "moved"
    assert exit_reason("Không đạt thẩm tra lý lịch") == "failed_verification"
    assert exit_reason("Chi bộ đưa ra khỏi danh sách") == "removed"
    assert exit_reason("Không được công nhận đảng viên chính thức") == "probation_failed"
    assert exit_reason("Đi du học") == "other"
    assert exit_reason("moved") == "moved"


def test_serial_after_a_day_offset():
    base = date(1899, 12, 30)
    assert read_date(45000) == base + timedelta(days=45000)
