"""Education (rule 3 and its exception 3a): the grade a text names, and whether it is
below lower secondary.

Education is free text ("9/12", "7/10", "lớp 8", "THPT"); a text that does not say is
neither low nor enough, and raises no warning.
"""

from __future__ import annotations

import re

from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.textutil import fold

_GRADE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})")
_BARE_GRADE = re.compile(r"^(?:lop\s*)?(\d{1,2})$")
# Folded words that settle the question when no "grade/system" is written.
_LOW_WORDS = ("tieu hoc",)
_ENOUGH_WORDS = ("thcs", "trung hoc", "thpt", "trung cap", "cao dang", "dai hoc", "thac si")


def education_grade(text: str | None) -> tuple[int, int] | None:
    """(grade, system) from "9/12", "7/10" or a bare "9" (12-year system); None if absent."""
    folded = fold(text)
    match = _GRADE.search(folded)
    if match:
        grade, system = int(match.group(1)), int(match.group(2))
        return (grade, system) if 0 < grade <= system else None
    bare = _BARE_GRADE.match(folded)
    if bare and 0 < int(bare.group(1)) <= 12:
        return int(bare.group(1)), 12
    return None


def is_low_education(text: str | None, settings: RuleSettings = DEFAULT_SETTINGS) -> bool | None:
    """Whether education is below lower secondary; None when the text does not say."""
    grade = education_grade(text)
    if grade is not None:
        level, system = grade
        needed = settings.min_grade_10 if system == 10 else settings.min_grade_12
        return level < needed
    folded = fold(text)
    if any(word in folded for word in _LOW_WORDS):
        return True
    return False if any(word in folded for word in _ENOUGH_WORDS) else None


def low_education_message(education: str | None, disadvantaged_area: bool, s: RuleSettings) -> str:
    """Rule 3 and its exception 3a (HD 01-HD/TW mục 1.2): a warning either way, the
    exception named when the unit's area is flagged disadvantaged."""
    low = f"Trình độ học vấn “{education}” chưa tốt nghiệp trung học cơ sở"
    if not disadvantaged_area:
        return (
            f"{low}: chỉ được xem xét theo ngoại lệ cho vùng miền núi, biên giới, hải đảo, "
            "đặc biệt khó khăn (tối thiểu tốt nghiệp tiểu học), mà địa bàn của đơn vị chưa "
            "được đánh dấu là địa bàn đặc biệt khó khăn."
        )
    primary = RuleSettings(
        min_grade_12=s.min_grade_12_disadvantaged, min_grade_10=s.min_grade_10_disadvantaged
    )
    if is_low_education(education, primary):
        return f"{low} và chưa tốt nghiệp tiểu học: dưới cả mức ngoại lệ cho vùng khó khăn."
    return (
        f"{low}; địa bàn của đơn vị là địa bàn đặc biệt khó khăn: được xem xét theo ngoại lệ "
        "(đã tốt nghiệp tiểu học, HD 01-HD/TW mục 1.2)."
    )
