"""Calendar arithmetic for the stage rules and deadline alerts: working days and months.

Working days ("ngày làm việc") are Monday to Friday minus public holidays. The holidays
are passed in as a ``frozenset[date]`` so callers can use the admin-editable Holiday
table; ``default_holidays()`` is the shipped list in ``registry/data/holidays.csv``,
which seeds that table.

How holidays.csv was made (from the reference page on public holidays, 2020–2030):

- ``fixed``: Tết Dương lịch 01/01, Ngày Chiến thắng 30/04, Ngày Quốc tế lao động 01/05,
  Quốc khánh 02/09 (BLLĐ 2019 Điều 112). The second Quốc khánh day (01/09 or 03/09) is
  fixed each year by the Prime Minister and is not in the reference, so it is left out;
  so are make-up days for holidays falling on a weekend and yearly swaps (kind
  ``swap``): admins add them each year.
- ``gio_to``: Giỗ Tổ Hùng Vương, 10/3 âm lịch, from the computed lunar table (UTC+7).
- ``break``: years with a decided Tết break for public-sector staff (2023–2026): every
  weekday of that break.
- ``tet``: other years: the five statutory days taken as the last day of the old lunar
  year plus mùng 1 to mùng 4. The real split is decided yearly (often 1–2 days before
  mùng 1); an admin corrects it once it is announced.
- 24/11 "Ngày Văn hóa Việt Nam" is proposed but not yet law in the sources, so it is
  left out; an admin (or a setting) adds it.

Months are calendar months with an end-of-month clamp: one month after 31/01 is 28/02
(29/02 in a leap year), and a month counts as complete on that clamped day.
"""

from __future__ import annotations

import calendar
import csv
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ONE_DAY = timedelta(days=1)

HOLIDAY_KINDS: dict[str, str] = {
    "fixed": "Ngày lễ theo dương lịch",
    "tet": "Tết Âm lịch",
    "gio_to": "Giỗ Tổ Hùng Vương",
    "break": "Nghỉ Tết theo quyết định hằng năm",
    "swap": "Ngày nghỉ bù, hoán đổi",
}


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    kind: str


@cache
def shipped_holidays() -> tuple[Holiday, ...]:
    """Rows of the shipped holidays.csv, in date order (used to seed the Holiday table)."""
    path = resources.files("registry").joinpath("data", "holidays.csv")
    with path.open(encoding="utf-8") as fh:
        rows = [
            Holiday(date.fromisoformat(row["date"]), row["name"], row["kind"])
            for row in csv.DictReader(fh)
        ]
    unknown = {h.kind for h in rows} - HOLIDAY_KINDS.keys()
    if unknown:
        raise ValueError(f"holidays.csv: unknown kind(s) {sorted(unknown)}")
    return tuple(sorted(rows, key=lambda h: h.day))


@cache
def default_holidays() -> frozenset[date]:
    """Dates of the shipped holidays."""
    return frozenset(h.day for h in shipped_holidays())


def today_vn(now: datetime | None = None) -> date:
    """Today's date in Vietnam (the server may run in another zone)."""
    moment = now if now is not None else datetime.now(VN_TZ)
    if moment.tzinfo is None:
        raise ValueError("today_vn needs an aware datetime")
    return moment.astimezone(VN_TZ).date()


def is_working_day(d: date, holidays: frozenset[date]) -> bool:
    """Whether d is Monday–Friday and not a holiday."""
    return d.weekday() < 5 and d not in holidays


def add_working_days(start: date, n: int, holidays: frozenset[date]) -> date:
    """The date n working days after start (before it when n < 0); start itself when n == 0.

    start need not be a working day: one working day after a Saturday is the Monday.
    """
    step = ONE_DAY if n >= 0 else -ONE_DAY
    remaining = abs(n)
    d = start
    while remaining:
        d += step
        if is_working_day(d, holidays):
            remaining -= 1
    return d


def subtract_working_days(end: date, n: int, holidays: frozenset[date]) -> date:
    """The date n working days before end."""
    return add_working_days(end, -n, holidays)


def working_days_between(a: date, b: date, holidays: frozenset[date]) -> int:
    """Working days d with a < d <= b (negated when b < a).

    Counting from the day after a matches add_working_days:
    working_days_between(a, add_working_days(a, n)) == n.
    """
    if b < a:
        return -working_days_between(b, a, holidays)
    count = 0
    d = a + ONE_DAY
    while d <= b:
        count += is_working_day(d, holidays)
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
