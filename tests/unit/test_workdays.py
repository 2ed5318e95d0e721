"""Working days, holidays and month arithmetic."""

import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.workdays import (
    HOLIDAY_KINDS,
    add_months,
    add_working_days,
    default_holidays,
    fmt_date,
    fmt_local_time,
    full_months_between,
    is_working_day,
    shipped_holidays,
    subtract_working_days,
    today_vn,
    working_days_between,
)

H = default_holidays()
NONE: frozenset[date] = frozenset()
dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2060, 12, 31))


# --- the shipped holiday list -------------------------------------------------------------


def test_holidays_csv_rows_are_clean():
    rows = shipped_holidays()
    assert len(rows) == len(H) == 110
    assert {h.kind for h in rows} <= HOLIDAY_KINDS.keys()
    assert all(unicodedata.is_normalized("NFC", h.name) for h in rows)
    assert {h.day.year for h in rows} == set(range(2020, 2031))


@pytest.mark.parametrize("year", range(2020, 2031))
def test_every_year_has_the_statutory_days(year):
    for month, day in ((1, 1), (4, 30), (5, 1), (9, 2)):
        assert date(year, month, day) in H
    tet = [h for h in shipped_holidays() if h.day.year == year and h.kind in ("tet", "break")]
    assert len(tet) == 5  # five weekdays of a decided break, or the five statutory days
    assert sum(h.kind == "gio_to" for h in shipped_holidays() if h.day.year == year) == 1


def test_days_left_to_admins_are_not_shipped():
    # 24/11 is only proposed; the second Quốc khánh day is fixed yearly by the government.
    for year in range(2020, 2031):
        assert date(year, 11, 24) not in H
        assert date(year, 9, 1) not in H
        assert date(year, 9, 3) not in H


def test_tet_days_follow_the_reference():
    # 2026: decided break 14/02–22/02, weekdays 16–20/02.
    assert {d for d in H if d.year == 2026 and d.month == 2} == {
        date(2026, 2, d) for d in range(16, 21)
    }
    # 2027 has no decided break: 29 tháng Chạp (05/02) + mùng 1–4.
    assert {d for d in H if d.year == 2027 and d.month == 2} == {
        date(2027, 2, d) for d in range(5, 10)
    }
    assert date(2026, 4, 26) in H  # Giỗ Tổ 2026 (a Sunday)
    assert date(2030, 2, 2) in H  # Vietnamese Tết 2030, one day before the Chinese one


# --- working days -------------------------------------------------------------------------


def test_is_working_day():
    assert is_working_day(date(2026, 2, 13), H)  # Friday before Tết
    assert not is_working_day(date(2026, 2, 16), H)  # Tết break
    assert not is_working_day(date(2026, 2, 14), H)  # Saturday
    assert is_working_day(date(2026, 2, 16), NONE)


def test_working_days_over_tet_2026():
    assert add_working_days(date(2026, 2, 13), 1, H) == date(2026, 2, 23)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 23), H) == 1
    assert working_days_between(date(2026, 2, 1), date(2026, 2, 28), H) == 15
    assert working_days_between(date(2026, 2, 1), date(2026, 2, 28), NONE) == 20


def test_working_days_across_30_april_and_1_may():
    # 2026: 30/04 Thursday, 01/05 Friday → the next working day after 29/04 is Monday 04/05.
    assert add_working_days(date(2026, 4, 29), 1, H) == date(2026, 5, 4)
    assert subtract_working_days(date(2026, 5, 4), 1, H) == date(2026, 4, 29)
    # 2025: 30/04 Wednesday, 01/05 Thursday; the 02/05 swap is not shipped …
    assert add_working_days(date(2025, 4, 29), 1, H) == date(2025, 5, 2)
    # … but a DB-backed list holding it is honoured.
    with_swap = H | {date(2025, 5, 2)}
    assert add_working_days(date(2025, 4, 29), 1, with_swap) == date(2025, 5, 5)
    assert working_days_between(date(2025, 4, 28), date(2025, 5, 5), with_swap) == 2


def test_working_day_counts_with_a_custom_holiday_set():
    custom = frozenset({date(2024, 11, 25), date(2024, 11, 26)})
    assert working_days_between(date(2024, 11, 22), date(2024, 11, 29), custom) == 3
    assert working_days_between(date(2024, 11, 22), date(2024, 11, 29), NONE) == 5
    assert add_working_days(date(2024, 11, 22), 1, custom) == date(2024, 11, 27)


def test_add_working_days_edges():
    sat = date(2024, 6, 15)
    assert add_working_days(sat, 0, H) == sat
    assert add_working_days(sat, 1, H) == date(2024, 6, 17)
    assert add_working_days(sat, -1, H) == date(2024, 6, 14)
    assert working_days_between(date(2024, 6, 17), date(2024, 6, 10), H) == -5


@given(dates, st.integers(min_value=0, max_value=300))
def test_working_days_between_inverts_add(a, n):
    b = add_working_days(a, n, H)
    assert working_days_between(a, b, H) == n
    if n:
        assert is_working_day(b, H)
        assert working_days_between(a, b - timedelta(days=1), H) == n - 1  # b is the nth
        if is_working_day(a, H):
            assert subtract_working_days(b, n, H) == a


# --- months -------------------------------------------------------------------------------


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)
    assert add_months(date(2025, 1, 15), -1) == date(2024, 12, 15)


def test_full_months_between():
    assert full_months_between(date(2025, 1, 31), date(2025, 2, 28)) == 1
    assert full_months_between(date(2024, 1, 31), date(2024, 2, 28)) == 0
    assert full_months_between(date(2024, 1, 31), date(2024, 2, 29)) == 1
    assert full_months_between(date(2025, 1, 30), date(2025, 2, 27)) == 0
    assert full_months_between(date(2008, 2, 29), date(2026, 2, 28)) == 216
    assert full_months_between(date(2008, 2, 29), date(2026, 2, 27)) == 215
    assert full_months_between(date(2025, 3, 15), date(2025, 3, 10)) == -1
    assert full_months_between(date(2025, 3, 15), date(2025, 3, 15)) == 0


@given(dates, dates)
def test_full_months_between_brackets_b(a, b):
    m = full_months_between(a, b)
    assert add_months(a, m) <= b < add_months(a, m + 1)


@given(dates, st.integers(min_value=-600, max_value=600))
def test_full_months_between_inverts_add_months(a, n):
    assert full_months_between(a, add_months(a, n)) == n


@given(dates, dates, dates)
def test_full_months_between_is_monotone(a, b, c):
    lo, hi = sorted((b, c))
    assert full_months_between(a, lo) <= full_months_between(a, hi)


# --- today and formatting -----------------------------------------------------------------


def test_today_vn_uses_vietnam_time():
    assert today_vn(datetime(2024, 12, 31, 17, 0, tzinfo=UTC)) == date(2025, 1, 1)
    assert today_vn(datetime(2024, 12, 31, 16, 59, tzinfo=UTC)) == date(2024, 12, 31)
    with pytest.raises(ValueError):
        today_vn(datetime(2024, 12, 31, 17, 0))
    assert isinstance(today_vn(), date)


def test_fmt_date():
    assert fmt_date(date(2024, 9, 3)) == "03/09/2024"


def test_stored_moments_are_shown_in_vietnam_time():
    assert fmt_local_time(datetime(2025, 1, 1, 17, 30)) == "02/01/2025 00:30"
    assert fmt_local_time(datetime(2025, 7, 1, 2, 5)) == "01/07/2025 09:05"
    assert fmt_local_time(None) == ""
