"""Turn raw cell values into registry values: dates, gender, codes.

ID numbers (CCCD/CMND) are read by registry.domain.identity.

Every parser takes what the reader gives (str, int/float, date/datetime, bool) and
returns the normalised value or raises Invalid(code, detail). The detail completes the
Vietnamese message that validate.py builds with the column's label.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TypeVar

from registry.domain.refdata import ethnicity_code, religion_code
from registry.domain.textutil import clean_text, fold, fold_key, strip_marks
from registry.domain.vocabulary import EXIT_REASONS
from registry.domain.workdays import fmt_date
from registry.spreadsheet.legacy import VIETNAMESE_LETTERS

T = TypeVar("T")


class Invalid(Exception):
    """A cell that can't be read; `detail` is shown in parentheses after the value."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


def memoise(parse: Callable[[object], T]) -> Callable[[object], T]:
    """Memoise a parser of cell values (errors included), keyed by type and value."""
    cache: dict[object, T | Invalid] = {}

    def run(value: object) -> T:
        key = value if isinstance(value, str) else (type(value), value)
        try:
            found = cache[key]
        except KeyError:
            try:
                found = parse(value)
            except Invalid as exc:
                found = exc
            cache[key] = found
        if isinstance(found, Invalid):
            raise found
        return found

    return run


def is_blank(value: object) -> bool:
    return value is None or value == "" or (value.__class__ is str and value.isspace())


def number_text(value: float) -> str:
    """A number cell as people typed it: 12.0 → "12", 1.5 → "1.5"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_text(value: object) -> str:
    """Any cell as cleaned text (for names, notes and the like)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, datetime):
        return fmt_date(value.date()) if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, int | float):
        return number_text(value)
    return clean_text(str(value))


_FOLD = str.maketrans({c: strip_marks(c).lower() for c in VIETNAMESE_LETTERS})


def person_name_key(name: str) -> str:
    """textutil.fold of an already clean name, by table for Vietnamese letters (the
    general fold decomposes every character, which shows on 100,000 rows)."""
    folded = name.translate(_FOLD)
    return folded if folded.isascii() else fold(name)


# --- dates ------------------------------------------------------------------------------

_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?.*)?")
_YMD = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}.*)?")
# "ngày 05 tháng 9 năm 2023", "05 tháng 9, 2023", "ngày 5 tháng 9/2023" (folded).
_WORDS = re.compile(
    r"(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:nam\s*|[,/.\-]\s*|\s+)(\d{2,4})\b"
)
_MONTH_YEAR = re.compile(r"(?:thang\s*)?\d{1,2}\s*[/.\-]\s*\d{4}|thang\s*\d{1,2}\s*nam\s*\d{4}")
_SEP_SPACES = re.compile(r"\s*([/.\-])\s*")
_EPOCH_1900 = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)
_MAX_SERIAL = 2958465  # 31/12/9999

NO_DAY = "thiếu ngày hoặc tháng, cần đủ ngày/tháng/năm"
NOT_A_DATE = "không đọc được ngày, hãy ghi dạng ngày/tháng/năm"


def serial_to_date(serial: float, date1904: bool = False) -> date:
    """Excel's day number as a date, in the 1900 system (with its 29/02/1900 that never
    was) or the 1904 one (old Mac workbooks)."""
    n = math.floor(serial)
    if n < 1 or n > _MAX_SERIAL:
        raise Invalid("invalid_date", NOT_A_DATE)
    if date1904:
        return _EPOCH_1904 + timedelta(days=n)
    if n == 60:
        raise Invalid("invalid_date", "ngày 29/02/1900 không có thật")
    # Lotus 1-2-3 counted 1900 as a leap year; Excel kept the phantom day 60.
    return _EPOCH_1900 + timedelta(days=n + 1 if n < 60 else n)


def make_date(day: int, month: int, year: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid("invalid_date", "ngày không có thật") from None


def _two_digit_year(day: int, month: int, yy: int, today: date) -> date:
    """The latest century that does not put the date in the future."""
    century = today.year // 100 * 100
    found = make_date(day, month, century + yy)
    return found if found <= today else make_date(day, month, century - 100 + yy)


def _digits_date(digits: str) -> date:
    """ddmmyyyy (a leading zero may have been lost), else yyyymmdd."""
    digits = digits.zfill(8)
    try:
        return make_date(int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except Invalid:
        return make_date(int(digits[6:]), int(digits[4:6]), int(digits[:4]))


def _whole(value: object) -> int | None:
    """A whole number from a number cell or a text of digits ("05"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if math.isfinite(value) and float(value).is_integer() else None
    text = cell_text(value).strip().rstrip(".")
    return int(text) if text.isdigit() and len(text) <= 4 else None


class DateParser:
    """Reads date cells; caches by value since a column repeats the same dates."""

    def __init__(self, today: date, date1904: bool = False) -> None:
        self.today = today
        self.date1904 = date1904
        self._cache: dict[object, date | Invalid] = {}

    def __call__(self, value: object) -> date:
        key = value if isinstance(value, str) else (type(value), value)
        found = self._cache.get(key)
        if found is None:
            try:
                found = self._parse(value)
                if found > self.today:
                    found = Invalid("future_date", f"hôm nay là {fmt_date(self.today)}")
            except Invalid as exc:
                found = exc
            self._cache[key] = found
        if isinstance(found, Invalid):
            raise found
        return found

    def from_parts(self, day: object, month: object, year: object) -> date:
        """A date from its day, month and year cells (numbers or digits)."""
        d, m, y = _whole(day), _whole(month), _whole(year)
        if d is None or m is None:
            raise Invalid("invalid_date", NO_DAY)
        if y is None:
            raise Invalid("invalid_date", "thiếu năm, cần đủ ngày/tháng/năm")
        found = _two_digit_year(d, m, y, self.today) if y < 100 else make_date(d, m, y)
        if found > self.today:
            raise Invalid("future_date", f"hôm nay là {fmt_date(self.today)}")
        return found

    def _parse(self, value: object) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise Invalid("invalid_date", NOT_A_DATE)
        if isinstance(value, str):
            return self._parse_text(value)
        return self._parse_number(value)

    def _parse_number(self, value: float) -> date:
        if not math.isfinite(value):
            raise Invalid("invalid_date", NOT_A_DATE)
        if float(value).is_integer():
            n = int(value)
            if 1900 <= n <= 2100:
                raise Invalid("invalid_date", "chỉ có năm, cần đủ ngày/tháng/năm")
            if 1_000_000 <= n <= 99_999_999:
                # ddmmyyyy typed as a number (the leading zero of the day is gone).
                return _digits_date(str(n))
        return serial_to_date(value, self.date1904)

    def _parse_text(self, value: str) -> date:
        text = _SEP_SPACES.sub(r"\1", value.strip().lstrip("'").rstrip("."))
        m = _DMY.fullmatch(text)
        if m:
            day, month, year = int(m[1]), int(m[2]), m[3]
            if len(year) == 2:
                return _two_digit_year(day, month, int(year), self.today)
            if len(year) == 4:
                return make_date(day, month, int(year))
            raise Invalid("invalid_date", NOT_A_DATE)
        m = _YMD.fullmatch(text)
        if m:
            return make_date(int(m[3]), int(m[2]), int(m[1]))
        if text.isdigit():
            if len(text) in (7, 8):
                return _digits_date(text)
            if len(text) == 4:
                raise Invalid("invalid_date", "chỉ có năm, cần đủ ngày/tháng/năm")
            if len(text) == 5:
                # A day number exported to CSV as text.
                return serial_to_date(int(text), self.date1904)
        folded = fold(text)
        m = _WORDS.search(folded)
        if m:
            year = m[3]
            if len(year) == 2:
                return _two_digit_year(int(m[1]), int(m[2]), int(year), self.today)
            return make_date(int(m[1]), int(m[2]), int(year))
        if _MONTH_YEAR.fullmatch(folded):
            raise Invalid("invalid_date", NO_DAY)
        raise Invalid("invalid_date", NOT_A_DATE)


# --- small vocabularies -----------------------------------------------------------------

_GENDERS = {
    "nam": "M", "trai": "M", "m": "M", "male": "M", "namgioi": "M",
    "nu": "F", "gai": "F", "f": "F", "female": "F", "nugioi": "F",
}  # fmt: skip
_MARK_NO = frozenset({"", "0", "khong", "k", "no", "false", "-"})
_YES = frozenset(
    {"x", "v", "co", "cdv", "congdoanvien", "roi", "da", "dathamgia", "1", "yes", "y", "true"}
)
_NO = frozenset({"khong", "k", "ko", "0", "no", "n", "chua", "false", "-"})
_TICKS = frozenset("✓✔☑√")


def parse_gender(value: object) -> str:
    """Gender code, M or F, from "Nam"/"Nữ" and the usual abbreviations.

    Number codes are refused: files disagree on whether 1 means Nam or Nữ.
    """
    key = fold_key(cell_text(value))
    found = _GENDERS.get(key)
    if found is None:
        raise Invalid("invalid_gender", "ghi Nam hoặc Nữ")
    return found


def is_marked(value: object) -> bool:
    """Whether a tick column ("x" under "Nữ") is ticked."""
    if value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    text = cell_text(value)
    return bool(text) and (text in _TICKS or fold_key(text) not in _MARK_NO)


def parse_yes_no(value: object) -> bool | None:
    """Trade-union membership: "x", "Có", "CĐV" … → True; "Không" → False; blank → None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, date):
        return True  # the date the person joined
    text = cell_text(value)
    key = fold_key(text)
    if key in _YES or text in _TICKS:
        return True
    if key in _NO:
        return False
    raise Invalid("invalid_value", "ghi x hoặc Có nếu là công đoàn viên, để trống nếu không")


def parse_ethnicity(value: object) -> str:
    text = cell_text(value)
    if text.isdigit() or isinstance(value, int | float):
        raise Invalid(
            "unknown_ethnicity",
            "hãy ghi tên dân tộc, không ghi mã số: mã số trong các tệp cũ theo danh mục "
            "năm 1979 khác danh mục hiện hành",
        )
    code = ethnicity_code(text)
    if code is None:
        raise Invalid("unknown_ethnicity", "ghi tên dân tộc theo danh mục, ví dụ Kinh, Tày, Mông")
    return code


def parse_religion(value: object) -> tuple[str | None, str]:
    """(code, text); code None when the religion is not in the list (text kept)."""
    text = cell_text(value)
    if text.isdigit():
        return None, text
    return religion_code(text), text


_STUDENT_THPT = ("student", "thpt", True)
_STUDENT_ANY = ("student", "thpt", False)
_GDNN = ("student", "gdnn_gdtx", True)
_COLLEGE = ("student", "sinh_vien", True)
_STUDENTS = ("student", "sinh_vien", False)
_WORKER = ("worker", "cong_nhan", True)


def _group_keys() -> dict[str, tuple[str, str, bool]]:
    """Folded "Đối tượng" values → (group, subgroup, definite).

    A bare "Học sinh" (or "Học sinh, sinh viên") names the group only: definite False
    lets the unit's kind pick the subgroup.
    """
    table = {
        "hocsinhthpt hsthpt thpt hocsinhtrunghocphothong hocsinhphothong": _STUDENT_THPT,
        "hocsinh hs": _STUDENT_ANY,
        "hocvien hocviengdnngdtx gdnngdtx gdnn gdtx hocsinhgdnngdtx hocsinhgdtx hocvienhocnghe "
        "hocsinhhocnghe hocnghe hvgdnngdtx hocviengdtx hocviengdnn hv": _GDNN,
        "sinhvien sv sinhviencaodang sinhviendaihoc sinhviencaodangdaihoc": _COLLEGE,
        "hssv hocsinhsinhvien": _STUDENTS,
        "congnhan cn nguoilaodong nld laodong congnhanlaodong congnhannguoilaodong cnld "
        "cnnld nhanvien congnhanvien ld worker": _WORKER,
    }
    return {key: value for keys, value in table.items() for key in keys.split()}


_GROUP_KEYS = _group_keys()
# Words that settle the group inside a longer label ("Công nhân may", "Sinh viên năm 2").
_GROUP_WORDS = (
    ("sinhvien", _COLLEGE),
    ("congnhan", _WORKER),
    ("laodong", _WORKER),
    ("gdnn", _GDNN),
    ("gdtx", _GDNN),
    ("hocsinh", _STUDENT_ANY),
)


def parse_group(value: object) -> tuple[str, str, bool]:
    """(group, subgroup, definite) for an "Đối tượng" cell."""
    key = fold_key(cell_text(value))
    found = _GROUP_KEYS.get(key)
    if found is not None:
        return found
    for word, guess in _GROUP_WORDS:
        if word in key:
            return guess
    raise Invalid(
        "invalid_group",
        "ghi Học sinh THPT, Học viên GDNN-GDTX, Sinh viên hoặc Công nhân, người lao động",
    )


def education_text(value: object) -> str:
    """Education as written; a "9/12" that Excel turned into a date is turned back."""
    if isinstance(value, date):
        day, month = value.day, value.month
        # Vietnamese Excel reads "9/12" as 9 December, an English one as 12 September.
        if month in (10, 12) and day <= month:
            return f"{day}/{month}"
        if day in (10, 12) and month <= day:
            return f"{month}/{day}"
    return cell_text(value)


_EXIT_WORDS = (
    ("chuyen", "moved"),
    ("tham tra", "failed_verification"),
    ("ly lich", "failed_verification"),
    ("du bi", "probation_failed"),
    ("chinh thuc", "probation_failed"),
    ("xoa ten", "removed"),
    ("dua ra", "removed"),
    ("chi bo", "removed"),
)
_EXIT_LABELS = {fold(label): code for code, label in EXIT_REASONS.items()}


def exit_reason(text: str) -> str:
    """The EXIT_REASONS code for a free-text reason ("other" when none fits)."""
    folded = fold(text)
    if folded in EXIT_REASONS:
        return folded
    if folded in _EXIT_LABELS:
        return _EXIT_LABELS[folded]
    for word, code in _EXIT_WORDS:
        if word in folded:
            return code
    return "other"
