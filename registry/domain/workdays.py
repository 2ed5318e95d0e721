"""Calendar arithmetic for the stage rules and deadline alerts: working days and months.

Working days ("ngày làm việc") are Monday to Friday minus the days off, plus the weekend
days worked in exchange for a swap. A ``WorkCalendar`` holds both sets; it is built from
the admin-editable Holiday table (``services/calendar``), which the shipped
``registry/data/calendar.csv`` seeds. A bare ``frozenset[date]`` of days off is accepted
wherever a calendar is, for callers (and tests) with no worked weekend days.

The kinds of calendar day (DESIGN "Holiday"):

- ``holiday``: a public holiday (BLLĐ 2019 Điều 112 khoản 1) or a day of a Tết break;
- ``makeup``: the make-up day off for a holiday falling on the weekly rest day (Điều 111
  khoản 3), never entered by hand: ``makeup_days`` derives them from the holidays;
- ``swap_off``: a working day moved off by the yearly swap the Government announces;
- ``worked``: the weekend day worked in exchange (a Saturday), a working day.

How calendar.csv was made (reference public_holidays.md, 2020–2030), each row with its
source and a ``computed`` mark where no decision was seen:

- the fixed holidays 01/01, 30/04, 01/05, 02/09; since 2021 the second Quốc khánh day:
  2021–2025 as the reference lists them, later years computed (03/09 when 02/09 is a
  Monday or Thursday, so the break touches the weekend; else 01/09);
- Giỗ Tổ Hùng Vương from the lunar table (UTC+7), computed from 2027;
- Tết: the weekdays of the decided break for public-sector staff (2023–2026); other
  years computed as five weekdays around mùng 1: the two before it and three from it on
  (the split of 2024 and 2025);
- the 2025 swap (Friday 02/05 off, Saturday 26/04 worked).

24/11 "Ngày Văn hóa Việt Nam" is proposed, not yet law, so it is not shipped; an admin
adds it (and each year's swaps and decided breaks) on the holidays page.

Months are calendar months with an end-of-month clamp: one month after 31/01 is 28/02
(29/02 in a leap year), and a month counts as complete on that clamped day.
"""

from __future__ import annotations

import calendar
import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ONE_DAY = timedelta(days=1)

HOLIDAY = "holiday"
MAKEUP = "makeup"
SWAP_OFF = "swap_off"
WORKED = "worked"
HOLIDAY_KINDS: dict[str, str] = {
    HOLIDAY: "Ngày lễ, Tết",
    MAKEUP: "Nghỉ bù (ngày lễ trùng ngày nghỉ hằng tuần)",
    SWAP_OFF: "Nghỉ hoán đổi",
    WORKED: "Làm bù vào ngày nghỉ cuối tuần",
}
# What an admin enters; make-up days follow from the holidays by the rule.
ENTERED_KINDS = {k: v for k, v in HOLIDAY_KINDS.items() if k != MAKEUP}
DAYS_OFF = (HOLIDAY, MAKEUP, SWAP_OFF)
MAKEUP_SOURCE = "BLLĐ 2019 Điều 111 khoản 3: ngày làm việc kế tiếp (tính theo quy tắc)"


@dataclass(frozen=True)
class Holiday:
    """One calendar day that is not an ordinary one."""

    day: date
    name: str
    kind: str = HOLIDAY
    source: str = ""
    computed: bool = False


@dataclass(frozen=True)
class WorkCalendar:
    """Days off (holidays, make-up and swapped days) and weekend days worked."""

    off: frozenset[date] = frozenset()
    worked: frozenset[date] = frozenset()

    @classmethod
    def of(cls, days: Iterable[Holiday]) -> WorkCalendar:
        rows = list(days)
        return cls(
            off=frozenset(h.day for h in rows if h.kind in DAYS_OFF),
            worked=frozenset(h.day for h in rows if h.kind == WORKED),
        )

    def __contains__(self, d: object) -> bool:
        """Whether d is a day off (the question callers of a set of holidays ask)."""
        return d in self.off

    def is_working_day(self, d: date) -> bool:
        return d in self.worked or (d.weekday() < 5 and d not in self.off)


Calendar = WorkCalendar | frozenset[date]


def as_calendar(days: Calendar) -> WorkCalendar:
    return days if isinstance(days, WorkCalendar) else WorkCalendar(off=frozenset(days))


def makeup_days(days: Iterable[Holiday]) -> list[Holiday]:
    """The make-up days off for the holidays that fall on a Saturday or Sunday.

    Điều 111 khoản 3: the next working day, skipping days already off, so two weekend
    holidays in a row (30/04 and 01/05/2022) give two make-up days (02/05 and 03/05).
    """
    rows = [h for h in days if h.kind != MAKEUP]
    taken = {h.day for h in rows if h.kind in DAYS_OFF}
    out = []
    for h in sorted((h for h in rows if h.kind == HOLIDAY), key=lambda h: h.day):
        if h.day.weekday() < 5:
            continue
        d = h.day + ONE_DAY
        while d.weekday() >= 5 or d in taken:
            d += ONE_DAY
        taken.add(d)
        name = f"Nghỉ bù {h.name} ({fmt_date(h.day)})"
        out.append(Holiday(d, name, MAKEUP, MAKEUP_SOURCE, computed=True))
    return out


@cache
def shipped_holidays() -> tuple[Holiday, ...]:
    """Rows of the shipped calendar.csv, in date order (they seed the Holiday table)."""
    path = resources.files("registry").joinpath("data", "calendar.csv")
    with path.open(encoding="utf-8") as fh:
        rows = [
            Holiday(
                date.fromisoformat(row["date"]),
                row["name"],
                row["kind"],
                row["source"],
                row["computed"] == "1",
            )
            for row in csv.DictReader(fh)
        ]
    unknown = {h.kind for h in rows} - ENTERED_KINDS.keys()
    if unknown:
        raise ValueError(f"calendar.csv: unknown kind(s) {sorted(unknown)}")
    return tuple(sorted(rows, key=lambda h: h.day))


@cache
def shipped_calendar() -> tuple[Holiday, ...]:
    """The shipped rows with their make-up days, in date order."""
    rows = shipped_holidays()
    return tuple(sorted((*rows, *makeup_days(rows)), key=lambda h: h.day))


@cache
def default_holidays() -> WorkCalendar:
    """The working calendar of the shipped data (make-up days included)."""
    return WorkCalendar.of(shipped_calendar())


def today_vn(now: datetime | None = None) -> date:
    """Today's date in Vietnam (the server may run in another zone)."""
    moment = now if now is not None else datetime.now(VN_TZ)
    if moment.tzinfo is None:
        raise ValueError("today_vn needs an aware datetime")
    return moment.astimezone(VN_TZ).date()


def is_working_day(d: date, holidays: Calendar) -> bool:
    """Whether d is Monday–Friday and not a day off, or a weekend day worked."""
    return as_calendar(holidays).is_working_day(d)


def add_working_days(start: date, n: int, holidays: Calendar) -> date:
    """The date n working days after start (before it when n < 0); start itself when n == 0.

    start need not be a working day: one working day after a Saturday is the Monday.
    """
    cal = as_calendar(holidays)
    step = ONE_DAY if n >= 0 else -ONE_DAY
    remaining = abs(n)
    d = start
    while remaining:
        d += step
        if cal.is_working_day(d):
            remaining -= 1
    return d


def subtract_working_days(end: date, n: int, holidays: Calendar) -> date:
    """The date n working days before end."""
    return add_working_days(end, -n, holidays)


def working_days_between(a: date, b: date, holidays: Calendar) -> int:
    """Working days d with a < d <= b (negated when b < a).

    Counting from the day after a matches add_working_days:
    working_days_between(a, add_working_days(a, n)) == n.
    """
    if b < a:
        return -working_days_between(b, a, holidays)
    cal = as_calendar(holidays)
    count = 0
    d = a + ONE_DAY
    while d <= b:
        count += cal.is_working_day(d)
        d += ONE_DAY
    return count


def add_months(d: date, n: int) -> date:
    """The same day number n calendar months later (earlier when n < 0), clamped to the
    month's last day."""
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def full_months_between(a: date, b: date) -> int:
    """Whole months from a to b: the largest m with add_months(a, m) <= b.

    A month is complete on the same day number (clamped), so from 31/01 one month is
    complete on 28/02, and someone born on 29/02 completes 18 years on 28/02 of a
    common year. Negative when b is before a.
    """
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if add_months(a, months) > b:
        months -= 1
    return months


_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_day(text: str) -> date:
    """A date typed day first, as users write it (dd/mm/yyyy, d/m/yyyy, with / - or .),
    or ISO yyyy-mm-dd. ValueError for anything else or a day that does not exist."""
    text = (text or "").strip()
    found = _DMY.fullmatch(text)
    if found:
        return date(int(found[3]), int(found[2]), int(found[1]))
    found = _ISO.fullmatch(text)
    if found:
        return date(int(found[1]), int(found[2]), int(found[3]))
    raise ValueError(text)


def typed_day(value: str | None, label: str, problems: list[str]) -> date | None:
    """A date filter as typed (parse_day); blank is None, and one that can't be read is
    None too, with the reason added to `problems` in the user's words."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError:
        problems.append(f"{label} không hợp lệ: “{text}” (ghi ngày/tháng/năm, ví dụ 05/09/2024).")
        return None


def fmt_date(d: date) -> str:
    """dd/mm/yyyy, the way users write dates."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def fmt_local_time(at: datetime | None) -> str:
    """A stored moment (naive UTC) as Vietnam reads it: "dd/mm/yyyy HH:MM"; "" for none."""
    if at is None:
        return ""
    return at.replace(tzinfo=UTC).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
