"""Property-based tests (Hypothesis) for the normalisers and stage rules: whatever a
spreadsheet or a form sends, they answer with a value or a coded refusal, never a crash,
and the round trips they promise hold."""

from __future__ import annotations

import codecs
import math
import unicodedata
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.identity import IdNumberError, check_cccd, parse_id_number
from registry.domain.refdata import cccd_province_codes
from registry.domain.rules.dates import adult_date
from registry.domain.rules.transitions import check_row
from registry.domain.textutil import clean_text, fold
from registry.domain.vocabulary import STAGE_ORDER
from registry.spreadsheet.csvread import decode_csv
from registry.spreadsheet.errors import ReadError
from registry.spreadsheet.normalise import DateParser, Invalid
from tests.fixtures.sheets import cp1258
from tests.unit.test_import_legacy import texts as vietnamese_texts

TODAY = date(2026, 6, 15)
cells = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.none(),
)


@given(cells)
def test_date_parser_answers_a_past_date_or_a_coded_refusal(value):
    try:
        parsed = DateParser(TODAY)(value)
    except Invalid as refusal:
        assert refusal.code in ("invalid_date", "future_date")
        return
    assert isinstance(parsed, date) and parsed <= TODAY


@given(st.dates(min_value=date(1930, 1, 1), max_value=TODAY), st.booleans())
def test_real_date_cells_come_back_unchanged(day, as_text):
    value = day.strftime("%d/%m/%Y") if as_text else day
    assert DateParser(TODAY)(value) == day


@given(cells)
def test_id_number_parser_answers_digits_or_a_coded_refusal(value):
    try:
        digits, kind = parse_id_number(value)
    except IdNumberError as refusal:
        assert refusal.code in ("invalid_id_number", "lost_precision")
        return
    assert digits.isdigit() and digits.isascii()
    assert (len(digits), kind) in ((12, "cccd"), (9, "cmnd"))


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_a_typed_cccd_is_kept_exactly(number):
    assert parse_id_number(number) == (number, "cccd")
    assert parse_id_number(f" {number[:4]} {number[4:]} ") == (number, "cccd")


@given(
    st.sampled_from(sorted(cccd_province_codes())),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["M", "F"]),
    st.integers(min_value=0, max_value=999_999),
)
def test_cccd_agrees_with_birth_year_and_sex_and_catches_a_wrong_digit(place, born, sex, tail):
    century = (born.year - 1900) // 100
    digit = century * 2 + (1 if sex == "F" else 0)
    number = f"{place}{digit}{born.year % 100:02d}{tail:06d}"
    check_cccd(number, born, sex)
    wrong = f"{place}{digit ^ 1}{number[4:]}"  # the other sex
    try:
        check_cccd(wrong, born, sex)
    except IdNumberError as refusal:
        assert refusal.code == "id_number_mismatch"
    else:
        raise AssertionError("a CCCD of the other sex was accepted")


NAME_WORDS = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Thị",
    "Văn",
    "Hữu",
    "Đức",
    "Minh",
    "Ngọc",
    "Thủy",
    "Thuý",
    "Hòa",
    "Hoà",
    "Hương",
    "Phương",
    "Quỳnh",
    "Tuấn",
    "Dũng",
    "Hải",
    "Yến",
    "Khánh",
    "Thảo",
    "Giàng",
    "Lò",
    "Vàng",
    "Sùng",
    "Hờ",
    "Mùa",
    "Tráng",
    "Hạnh",
    "Lộc",
    "Ánh",
    "Nguyệt",
    "Xuân",
    "Thắng",
    "Trường",
    "Sơn",
    "Cầu",
    "Giấy",
]
names = st.lists(st.sampled_from(NAME_WORDS), min_size=2, max_size=5).map(" ".join)


@given(vietnamese_texts)
def test_vietnamese_csv_text_survives_utf8_and_utf16(text):
    line = f"Họ và tên,Ghi chú\r\n{text},x\r\n"
    for data in (
        line.encode("utf-8"),
        codecs.BOM_UTF8 + line.encode("utf-8"),
        line.encode("utf-16"),
    ):
        decoded, _encoding = decode_csv(data)
        assert decoded == line


@given(st.lists(names, min_size=1, max_size=8))
def test_vietnamese_names_survive_excels_ansi_csv(rows):
    line = "Họ và tên,Ngày sinh\r\n" + "".join(f"{name},01/02/2006\r\n" for name in rows)
    decoded, encoding = decode_csv(cp1258(line))
    assert encoding == "cp1258"
    assert decoded == unicodedata.normalize("NFC", line)


@given(st.binary(max_size=300))
def test_csv_decoding_never_fails_without_a_reason(data):
    try:
        text, _encoding = decode_csv(data)
    except ReadError as refusal:
        assert refusal.code in ("nul_bytes", "bad_encoding") and refusal.message
        return
    assert "\x00" not in text


@given(st.text(max_size=60))
def test_clean_text_and_fold_are_idempotent_and_ignore_normal_form(text):
    assert clean_text(clean_text(text)) == clean_text(text)
    assert fold(fold(text)) == fold(text)
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


# --- stage rules ----------------------------------------------------------------------------

stage_codes = [s.value for s in STAGE_ORDER]
past_days = st.dates(min_value=date(2015, 1, 1), max_value=TODAY)


@st.composite
def stage_date_sets(draw):
    chosen = draw(st.lists(st.sampled_from(stage_codes), unique=True, min_size=1))
    return {s: draw(past_days) for s in chosen}


@settings(max_examples=200)
@given(stage_date_sets(), st.one_of(st.none(), st.dates(date(1960, 1, 1), TODAY)))
def test_any_set_of_stage_dates_gets_a_verdict_not_a_crash(dates, birth):
    verdict = check_row(dates, birth, None, TODAY)
    assert all(issue.message for issue in verdict.errors + verdict.warnings)


@given(stage_date_sets(), st.integers(min_value=1, max_value=3650))
def test_a_date_in_the_future_is_always_refused(dates, days):
    column = sorted(dates)[0]
    dates = {**dates, column: TODAY + timedelta(days=days)}
    assert "future_date" in check_row(dates, None, None, TODAY).codes()


@given(st.lists(past_days, min_size=2, max_size=len(stage_codes) - 1, unique=True))
def test_dates_going_backwards_are_a_stage_order_error(days):
    days = sorted(days)
    stages = stage_codes[: len(days)]  # up to the ceremony (recognition has its own rule)
    forward = {s: d for s, d in zip(stages, days, strict=True)}
    assert "stage_order" not in check_row(forward, None, None, TODAY).codes()
    backward = {s: d for s, d in zip(stages, reversed(days), strict=True)}
    assert "stage_order" in check_row(backward, None, None, TODAY).codes()


@given(
    st.dates(date(1950, 1, 1), date(2020, 12, 31)), st.dates(date(1950, 1, 1), date(2020, 12, 31))
)
def test_adult_date_is_monotone_and_eighteen_years_on(a, b):
    if a <= b:
        assert adult_date(a) <= adult_date(b)
    adult = adult_date(a)
    assert adult.year - a.year == 18 and math.isclose(adult.month, a.month)
