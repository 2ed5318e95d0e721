"""Reporting periods: presets with their Vietnamese labels, and typed dates (pure).

Both ends of a period are inclusive. Presets (DESIGN "Export contract"): a quarter, the
first six months, a year, a school year (1 September – 31 August), and the state
reporting periods of Nghị định 09/2019/NĐ-CP: six months from 15 December of the year
before to 14 June, and a year from 15 December of the year before to 14 December.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from registry.domain import workdays

ROMAN_QUARTERS = ("I", "II", "III", "IV")
ND09 = "theo Nghị định 09/2019/NĐ-CP"

PRESETS: dict[str, str] = {
    "year": "Năm",
    "half": "6 tháng đầu năm",
    "quarter": "Quý",
    "school_year": "Năm học (01/9 – 31/8)",
    "nd09_half": "6 tháng, NĐ 09/2019 (15/12 năm trước – 14/6)",
    "nd09_year": "Năm, NĐ 09/2019 (15/12 năm trước – 14/12)",
    "custom": "Từ ngày – đến ngày",
}
MIN_YEAR, MAX_YEAR = 1990, 2100


class PeriodError(ValueError):
    """A period that cannot be made; the message is for the user."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str = ""  # "Quý I năm 2025"; blank for a free from–to period

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise PeriodError("Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def text(self) -> str:
        """The label with its dates, as the page lists it."""
        span = f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"
        return f"{self.label} ({span})" if self.label else span


def parse_day(text: str) -> date:
    """A date typed day first (dd/mm/yyyy, d/m/yyyy, with / - or .) or ISO yyyy-mm-dd."""
    text = (text or "").strip()
    try:
        return workdays.parse_day(text)
    except ValueError:
        raise PeriodError(
            f"Ngày không hợp lệ: “{text}” (ghi ngày có thật, dạng 31/12/2025 hoặc 2025-12-31)."
        ) from None


def _check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.")
    return year


def quarter(year: int, number: int) -> Period:
    _check_year(year)
    if number not in (1, 2, 3, 4):
        raise PeriodError("Quý phải là I, II, III hoặc IV.")
    first_month = 3 * (number - 1) + 1
    start = date(year, first_month, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, first_month + 3, 1)
    return Period(start, end - timedelta(days=1), _quarter_label(year, number))


def _quarter_label(year: int, number: int) -> str:
    return f"Quý {ROMAN_QUARTERS[number - 1]} năm {year}"


def first_half(year: int) -> Period:
    _check_year(year)
    return Period(date(year, 1, 1), date(year, 6, 30), f"6 tháng đầu năm {year}")


def whole_year(year: int) -> Period:
    _check_year(year)
    return Period(date(year, 1, 1), date(year, 12, 31), f"Năm {year}")


def school_year(first_year: int) -> Period:
    """The school year that starts on 1 September of `first_year`."""
    _check_year(first_year)
    return Period(
        date(first_year, 9, 1),
        date(first_year + 1, 8, 31),
        f"Năm học {first_year} - {first_year + 1}",
    )


def nd09_half(year: int) -> Period:
    """Six-month state reporting period of `year`: 15/12 of the year before – 14/6."""
    _check_year(year)
    return Period(date(year - 1, 12, 15), date(year, 6, 14), f"6 tháng đầu năm {year} ({ND09})")


def nd09_year(year: int) -> Period:
    """Yearly state reporting period of `year`: 15/12 of the year before – 14/12."""
    _check_year(year)
    return Period(date(year - 1, 12, 15), date(year, 12, 14), f"Năm {year} ({ND09})")


def custom(start: date, end: date) -> Period:
    if start > end:
        raise PeriodError("“Từ ngày” phải trước hoặc trùng “Đến ngày”.")
    return Period(start, end)


def make_period(
    preset: str,
    year: int | None = None,
    number: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Period:
    """The period a form or command asks for; `number` is the quarter (1–4).

    For a school year, `year` is the year it starts in (2024 → 2024 - 2025).
    """
    if preset == "custom":
        if start is None or end is None:
            raise PeriodError("Hãy nhập cả “Từ ngày” và “Đến ngày”.")
        return custom(start, end)
    if preset not in PRESETS:
        raise PeriodError(f"Không có kỳ báo cáo “{preset}”.")
    if year is None:
        raise PeriodError("Hãy chọn năm.")
    if preset == "quarter":
        if number is None:
            raise PeriodError("Hãy chọn quý.")
        return quarter(year, number)
    builders = {
        "year": whole_year,
        "half": first_half,
        "school_year": school_year,
        "nd09_half": nd09_half,
        "nd09_year": nd09_year,
    }
    return builders[preset](year)


def recognised(start: date, end: date) -> Period:
    """The period from `start` to `end`, with the label of the preset it matches (a year,
    a quarter, a school year…), as the reports page would name it; else unlabelled."""
    period = custom(start, end)
    if not (start.year >= MIN_YEAR and end.year <= MAX_YEAR):
        return period
    presets = [
        whole_year(end.year),
        first_half(end.year),
        *(quarter(end.year, n) for n in (1, 2, 3, 4)),
        school_year(start.year),
        nd09_half(end.year),
        nd09_year(end.year),
    ]
    return next((p for p in presets if (p.start, p.end) == (start, end)), period)


def school_year_of(day: date) -> int:
    """The first year of the school year that holds `day` (5/3/2025 → 2024)."""
    return day.year if day.month >= 9 else day.year - 1


def year_earlier(day: date) -> date:
    """The same day a year earlier (29 February becomes the 28th)."""
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


def period_year_before(period: Period) -> Period:
    """The same period a year earlier (what the summary compares with)."""
    return Period(year_earlier(period.start), year_earlier(period.end))
