"""Reporting periods: presets, their Vietnamese labels, typed dates."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain import periods
from registry.domain.periods import Period, PeriodError, make_period, parse_day


@pytest.mark.parametrize(
    ("number", "start", "end", "label"),
    [
        (1, date(2025, 1, 1), date(2025, 3, 31), "Quý I năm 2025"),
        (2, date(2025, 4, 1), date(2025, 6, 30), "Quý II năm 2025"),
        (3, date(2025, 7, 1), date(2025, 9, 30), "Quý III năm 2025"),
        (4, date(2025, 10, 1), date(2025, 12, 31), "Quý IV năm 2025"),
    ],
)
def test_quarters_cover_the_year_with_roman_labels(number, start, end, label):
    assert periods.quarter(2025, number) == Period(start, end, label)


def test_year_and_first_half():
    assert periods.whole_year(2025) == Period(date(2025, 1, 1), date(2025, 12, 31), "Năm 2025")
    assert periods.first_half(2024) == Period(
        date(2024, 1, 1), date(2024, 6, 30), "6 tháng đầu năm 2024"
    )


def test_school_year_runs_from_september_to_august():
    period = periods.school_year(2024)
    assert (period.start, period.end) == (date(2024, 9, 1), date(2025, 8, 31))
    assert period.label == "Năm học 2024 - 2025"
    assert periods.school_year_of(date(2025, 3, 5)) == 2024
    assert periods.school_year_of(date(2025, 9, 1)) == 2025


def test_decree_09_periods_start_on_15_december_of_the_year_before():
    half = periods.nd09_half(2025)
    year = periods.nd09_year(2025)
    assert (half.start, half.end) == (date(2024, 12, 15), date(2025, 6, 14))
    assert (year.start, year.end) == (date(2024, 12, 15), date(2025, 12, 14))
    assert half.label.startswith("6 tháng đầu năm 2025")
    assert "09/2019/NĐ-CP" in year.label


def test_make_period_dispatches_on_the_preset():
    assert make_period("quarter", 2025, 3) == periods.quarter(2025, 3)
    assert make_period("school_year", 2023) == periods.school_year(2023)
    free = make_period("custom", start=date(2025, 2, 1), end=date(2025, 2, 1))
    assert (free.start, free.end, free.label) == (date(2025, 2, 1), date(2025, 2, 1), "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("custom",), "Từ ngày"),
        (("year",), "năm"),
        (("quarter", 2025), "quý"),
        (("quarter", 2025, 5), "Quý"),
        (("year", 1800), "Năm phải"),
        (("weekly", 2025), "Không có kỳ"),
    ],
)
def test_make_period_refuses_what_it_cannot_make(args, message):
    with pytest.raises(PeriodError, match=message):
        make_period(*args)


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(PeriodError):
        periods.custom(date(2025, 2, 2), date(2025, 2, 1))


def test_both_ends_are_inclusive():
    period = periods.whole_year(2025)
    assert period.contains(date(2025, 1, 1)) and period.contains(date(2025, 12, 31))
    assert not period.contains(date(2024, 12, 31)) and not period.contains(date(2026, 1, 1))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-01-31", date(2025, 1, 31)),
        ("31/01/2025", date(2025, 1, 31)),
        ("1/2/2025", date(2025, 2, 1)),
        ("01.02.2025", date(2025, 2, 1)),
        (" 1-2-2025 ", date(2025, 2, 1)),
    ],
)
def test_dates_are_iso_or_day_first(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["", "2025/01/31", "31/02/2025", "hôm nay"])
def test_bad_dates_say_so_in_vietnamese(text):
    with pytest.raises(PeriodError, match="Ngày"):
        parse_day(text)


def test_the_same_period_a_year_earlier_keeps_leap_days_in_february():
    period = periods.custom(date(2024, 2, 29), date(2024, 12, 31))
    before = periods.period_year_before(period)
    assert (before.start, before.end) == (date(2023, 2, 28), date(2023, 12, 31))


def test_text_shows_the_label_and_the_dates():
    assert periods.quarter(2025, 1).text == "Quý I năm 2025 (01/01/2025 – 31/03/2025)"
    assert periods.custom(date(2025, 1, 2), date(2025, 1, 3)).text == "02/01/2025 – 03/01/2025"
