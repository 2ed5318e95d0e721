"""Working days, holidays and month arithmetic."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.workdays import (
    add_months,
    add_working_days,
    default_holidays,
    fmt_date,
    fmt_local_time,
    full_months_between,
    is_working_day,
    subtract_working_days,
    today_vn,
    working_days_between,
)

H = default_holidays()
NONE: frozenset[date] = frozenset()
dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2060, 12, 31))


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
