"""The working calendar: kinds of day, the make-up rule, and the shipped data 2020–2030
against the reference (public_holidays.md)."""

import unicodedata
from datetime import date

import pytest

from registry.domain.workdays import (
    ENTERED_KINDS,
    HOLIDAY,
    MAKEUP,
    SWAP_OFF,
    WORKED,
    Holiday,
    WorkCalendar,
    add_working_days,
    default_holidays,
    is_working_day,
    makeup_days,
    shipped_calendar,
    shipped_holidays,
    working_days_between,
)

H = default_holidays()
ROWS = shipped_calendar()

# §2 of the reference: mùng 1 Tết and Giỗ Tổ (10/3 âm lịch), UTC+7.
LUNAR = {
    2020: (date(2020, 1, 25), date(2020, 4, 2)),
    2021: (date(2021, 2, 12), date(2021, 4, 21)),
    2022: (date(2022, 2, 1), date(2022, 4, 10)),
    2023: (date(2023, 1, 22), date(2023, 4, 29)),
    2024: (date(2024, 2, 10), date(2024, 4, 18)),
    2025: (date(2025, 1, 29), date(2025, 4, 7)),
    2026: (date(2026, 2, 17), date(2026, 4, 26)),
    2027: (date(2027, 2, 6), date(2027, 4, 16)),
    2028: (date(2028, 1, 26), date(2028, 4, 4)),
    2029: (date(2029, 2, 13), date(2029, 4, 23)),
    2030: (date(2030, 2, 2), date(2030, 4, 12)),
}
# §4: the decided Tết breaks for public-sector staff (weekends included).
BREAKS = {
    2023: (date(2023, 1, 20), date(2023, 1, 26)),
    2024: (date(2024, 2, 8), date(2024, 2, 14)),
    2025: (date(2025, 1, 25), date(2025, 2, 2)),
    2026: (date(2026, 2, 14), date(2026, 2, 22)),
}
# §4 (second part): the second Quốc khánh day 2021–2025.
SECOND_QK = {2021: 3, 2022: 1, 2023: 1, 2024: 3, 2025: 1}


def of_year(year: int, kind: str | None = None) -> list[Holiday]:
    return [h for h in ROWS if h.day.year == year and (kind is None or h.kind == kind)]


def tet_days(year: int) -> list[date]:
    return [h.day for h in of_year(year, HOLIDAY) if "Tết Âm lịch" in h.name]


# --- the shipped data ---------------------------------------------------------------------


def test_every_row_is_clean_and_has_a_source():
    assert {h.day.year for h in ROWS} == set(range(2020, 2031))
    assert {h.kind for h in shipped_holidays()} <= ENTERED_KINDS.keys()
    assert len({h.day for h in ROWS}) == len(ROWS)  # one row per date
    for h in ROWS:
        assert unicodedata.is_normalized("NFC", h.name) and h.name
        assert h.source, h


@pytest.mark.parametrize("year", range(2020, 2031))
def test_every_year_holds_the_statutory_holidays(year):
    for month, day in ((1, 1), (4, 30), (5, 1), (9, 2)):
        assert date(year, month, day) in H
    assert LUNAR[year][1] in H  # Giỗ Tổ
    assert LUNAR[year][1] in {h.day for h in of_year(year, HOLIDAY)}


@pytest.mark.parametrize("year", range(2020, 2031))
def test_every_tet_break_holds_five_weekdays(year):
    days = tet_days(year)
    assert len(days) == 5 and all(d.weekday() < 5 for d in days)
    mung1 = LUNAR[year][0]
    assert min(days) < mung1 < max(days) or min(days) <= mung1  # around mùng 1
    if year in BREAKS:
        start, end = BREAKS[year]
        assert all(start <= d <= end for d in days)
        assert not any(h.computed for h in of_year(year) if h.day in days)
    else:
        assert all(h.computed for h in of_year(year) if h.day in days)


def test_computed_tet_is_two_weekdays_before_mung_1_and_three_from_it():
    assert tet_days(2027) == [date(2027, 2, d) for d in (4, 5, 8, 9, 10)]  # mùng 1 a Saturday
    assert tet_days(2028) == [date(2028, 1, d) for d in (24, 25, 26, 27, 28)]
    assert date(2030, 2, 1) in tet_days(2030)  # Vietnam's Tết 2030 is 02/02, not 03/02


def test_the_second_quoc_khanh_day_since_2021():
    assert date(2020, 9, 1) not in H and date(2020, 9, 3) not in H
    for year, day in SECOND_QK.items():
        assert date(year, 9, day) in H
        assert not any(h.computed for h in of_year(year) if h.day == date(year, 9, day))
    # 2025: 01/09 and 02/09 off, so 30 working days from 20/08/2025 end on 03/10/2025.
    assert add_working_days(date(2025, 8, 20), 30, H) == date(2025, 10, 3)
    for year in range(2026, 2031):
        second = [h for h in of_year(year) if h.name == "Quốc khánh (ngày thứ hai)"]
        assert len(second) == 1 and second[0].computed
        assert abs((second[0].day - date(year, 9, 2)).days) == 1


def test_the_2025_swap_moves_friday_02_05_to_saturday_26_04():
    kinds = {h.day: h.kind for h in of_year(2025)}
    assert kinds[date(2025, 5, 2)] == SWAP_OFF and kinds[date(2025, 4, 26)] == WORKED
    assert not is_working_day(date(2025, 5, 2), H)
    assert is_working_day(date(2025, 4, 26), H)  # a Saturday worked
    assert add_working_days(date(2025, 4, 29), 1, H) == date(2025, 5, 5)
    assert add_working_days(date(2025, 4, 25), 1, H) == date(2025, 4, 26)
    assert working_days_between(date(2025, 4, 25), date(2025, 5, 5), H) == 4  # 26, 28, 29, 05


def test_shipped_make_up_days_follow_the_rule():
    made = {h.day: h for h in ROWS if h.kind == MAKEUP}
    assert date(2026, 4, 27) in made  # Giỗ Tổ on Sunday 26/04/2026
    assert {date(2022, 5, 2), date(2022, 5, 3)} <= made.keys()  # 30/04 Sat, 01/05 Sun
    assert date(2023, 9, 4) in made  # 02/09/2023 a Saturday, 01/09 already off
    assert date(2022, 1, 3) in made  # 01/01/2022 a Saturday
    assert all(h.computed and d.weekday() < 5 for d, h in made.items())
    assert not is_working_day(date(2026, 4, 27), H)


# --- the make-up rule on its own ----------------------------------------------------------


def holiday(d: date, name: str = "Lễ") -> Holiday:
    return Holiday(d, name, HOLIDAY, "test")


def test_a_weekday_holiday_gets_no_make_up_day():
    assert makeup_days([holiday(date(2026, 4, 30))]) == []


def test_a_sunday_holiday_moves_to_the_monday():
    (made,) = makeup_days([holiday(date(2026, 4, 26), "Giỗ Tổ Hùng Vương")])
    assert (made.day, made.kind, made.computed) == (date(2026, 4, 27), MAKEUP, True)
    assert "Giỗ Tổ Hùng Vương" in made.name and "26/04/2026" in made.name


def test_two_weekend_holidays_give_two_make_up_days():
    made = makeup_days([holiday(date(2022, 4, 30)), holiday(date(2022, 5, 1))])
    assert [m.day for m in made] == [date(2022, 5, 2), date(2022, 5, 3)]


def test_a_make_up_day_skips_days_already_off():
    days = [
        holiday(date(2023, 4, 29)),  # Saturday
        holiday(date(2023, 4, 30)),  # Sunday
        holiday(date(2023, 5, 1)),  # Monday
        Holiday(date(2023, 5, 2), "Hoán đổi", SWAP_OFF, "test"),
    ]
    assert [m.day for m in makeup_days(days)] == [date(2023, 5, 3), date(2023, 5, 4)]


def test_worked_and_swapped_days_in_a_calendar():
    cal = WorkCalendar.of(
        [
            Holiday(date(2025, 5, 2), "Hoán đổi", SWAP_OFF, "test"),
            Holiday(date(2025, 4, 26), "Làm bù", WORKED, "test"),
        ]
    )
    assert date(2025, 5, 2) in cal and date(2025, 4, 26) not in cal
    assert cal.is_working_day(date(2025, 4, 26)) and not cal.is_working_day(date(2025, 5, 2))
    assert not cal.is_working_day(date(2025, 4, 27))  # an ordinary Sunday
