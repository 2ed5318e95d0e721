"""Stage rules: what may be recorded for a candidate, when, and what deserves a warning.

The one place for the admission rules (DESIGN "Stages"; reference admission_rules.md).
Pure Python: plain dates in, a Verdict out. The stage service checks one new event
with check_transition; the import pipeline checks a row holding several stage dates
with check_row (a correction of a recorded date is check_row over the corrected dates).
Both use the same issue codes, so a message reads the same wherever it is raised.

Values the sources leave unconfirmed are fields of RuleSettings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from registry.domain.textutil import fold
from registry.domain.vocabulary import (
    STAGE_DATE_COLUMNS,
    STAGE_LABELS,
    STAGE_ORDER,
    STAGE_RANK,
    Stage,
)
from registry.domain.workdays import add_months, fmt_date, full_months_between


@dataclass(frozen=True)
class RuleSettings:
    min_age_months: int = 216
    max_age_months: int = 720
    certificate_valid_months: int = 60
    certificate_warn_days: int = 90
    probation_months: int = 12
    dossier_stale_months: int = 12
    min_introducers: int = 2
    # Lower secondary ends at grade 9 in the 12-year system, grade 7 in the old 10-year one.
    min_grade_12: int = 9
    min_grade_10: int = 7
    # Rule 3a: in disadvantaged areas primary school completed is enough (grade 5 of 12,
    # grade 4 of the old 10-year system).
    min_grade_12_disadvantaged: int = 5
    min_grade_10_disadvantaged: int = 4
    decision_deadline_workdays: int = 60
    ceremony_deadline_workdays: int = 30
    recognition_overdue_workdays: int = 30
    # Rule 11: the competent committee decides within 30 working days of the chi bộ's
    # recognition resolution.
    recognition_decision_workdays: int = 30
    probation_warn_days: int = 30
    turning_18_warn_months: int = 3
    stalled_months: int = 12
    # Rule 6a [M]: the youth-union (or trade-union) resolution replaces one introducer.
    union_resolution_replaces_introducer: bool = True
    min_months_together: int = 12
    # Rule 7 [M]: a resolution needs this share of the full members in favour.
    vote_share_numerator: int = 2
    vote_share_denominator: int = 3
    # Rule 16: readmission at least 36 months after leaving the Party; 60 months after
    # the expungement of a minor criminal record. The text of QĐ 294 was not read: settings.
    readmission_wait_months: int = 36
    readmission_wait_after_record_months: int = 60

    @property
    def vote_share(self) -> Fraction:
        return Fraction(self.vote_share_numerator, self.vote_share_denominator)


DEFAULT_SETTINGS = RuleSettings()

ERROR_CODES: dict[str, str] = {
    "stage_order": "Sai thứ tự bước hoặc ngày",
    "future_date": "Ngày ở tương lai",
    "underage": "Chưa đủ 18 tuổi",
    "expired_certificate": "Giấy chứng nhận lớp nhận thức về Đảng hết hạn",
    "readmission_too_soon": "Chưa đủ thời gian để xem xét kết nạp lại",
}
WARNING_CODES: dict[str, str] = {
    "missing_certificate": "Chưa có giấy chứng nhận lớp nhận thức về Đảng",
    "over_age": "Quá 60 tuổi",
    "low_education": "Chưa tốt nghiệp trung học cơ sở",
    "few_introducers": "Thiếu người giới thiệu",
    "stale_dossier": "Hồ sơ quá 12 tháng",
    "readmission_grounds": "Kết nạp lại: cần kiểm tra lý do ra khỏi Đảng",
}


@dataclass(frozen=True)
class RuleIssue:
    code: str
    message: str
    # The candidate field at fault (a stage date column, birth_date, education or
    # introducers), so the import can mark the cell and a form the input.
    field: str | None = None


@dataclass
class Verdict:
    errors: list[RuleIssue] = field(default_factory=list)
    warnings: list[RuleIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> list[str]:
        """Codes of the errors then the warnings (handy in tests and logs)."""
        return [i.code for i in self.errors] + [i.code for i in self.warnings]

    def error(self, code: str, message: str, field: str | None = None) -> None:
        self.errors.append(RuleIssue(code, message, field))

    def warn(self, code: str, message: str, field: str | None = None) -> None:
        self.warnings.append(RuleIssue(code, message, field))


@dataclass(frozen=True)
class Readmission:
    """A former member asking to be admitted again (kết nạp lại, rule 16)."""

    left: date
    # The day a minor criminal record was expunged, when there was one.
    expunged: date | None = None


@dataclass(frozen=True)
class CandidateFacts:
    """What the rules need to know about a candidate before a new event."""

    birth_date: date | None
    education: str | None = None
    # None when unknown (then no warning); 0 is a real count.
    introducers_count: int | None = None
    # True when the candidate's cell is a chi bộ trực thuộc (it has a committee stage).
    committee_required: bool = False
    # The unit's area is flagged disadvantaged (rule 3a: the education exception).
    disadvantaged_area: bool = False
    # Latest event date per stage code, exited included when there is one.
    dates: Mapping[str, date] = field(default_factory=dict)
    exited: bool = False
    readmission: Readmission | None = None
    # The chi bộ's resolution proposing recognition (a dossier item), when there is one.
    recognition_resolution: date | None = None


# --- dates derived from the rules ---------------------------------------------------------


def probation_end(admitted: date, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """The day the probation's 12 months are complete (the earliest recognition date)."""
    return add_months(admitted, settings.probation_months)


def effective_full_member_date(admitted: date, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """Full membership takes effect when probation ends, however late the meetings are."""
    return probation_end(admitted, settings)


def certificate_expiry(trained: date, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """The last day on which the training certificate is still valid."""
    return add_months(trained, settings.certificate_valid_months)


def adult_date(birth: date, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """The first day the chi bộ may propose the person (18 full years)."""
    return add_months(birth, settings.min_age_months)


def readmission_from(readmission: Readmission, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """The first day the chi bộ may consider readmitting: 36 full months after leaving,
    and 60 after a minor criminal record was expunged when there was one (the later)."""
    first = add_months(readmission.left, settings.readmission_wait_months)
    if readmission.expunged is not None:
        after_record = add_months(
            readmission.expunged, settings.readmission_wait_after_record_months
        )
        first = max(first, after_record)
    return first


def age_text(months: int) -> str:
    """Whole months as "17 tuổi 11 tháng"."""
    years, rest = divmod(months, 12)
    return f"{years} tuổi {rest} tháng" if rest else f"{years} tuổi"


# --- education ----------------------------------------------------------------------------

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


# --- helpers ------------------------------------------------------------------------------

_CELL = Stage.CELL_RESOLUTION.value
_LATER_THAN_CELL = tuple(s.value for s in STAGE_ORDER if STAGE_RANK[s] > STAGE_RANK[_CELL])


def _label(stage: str) -> str:
    return f"“{STAGE_LABELS[stage]}”"


def _column(stage: str) -> str:
    return STAGE_DATE_COLUMNS[stage]


def stage_dates(dates: Mapping[str, date | None]) -> dict[str, date]:
    """Plain stage-code keys (Stage members or strings), blanks dropped; an unknown stage
    raises ValueError."""
    return {Stage(key).value: value for key, value in dates.items() if value is not None}


def _must_precede(earlier: str, later: str) -> bool:
    """Whether `earlier`'s date may not come after `later`'s.

    trained and dossier are exempt: only the latest certificate is kept, and a renewed
    one may be newer than a dossier made earlier.
    """
    if (earlier, later) == (Stage.TRAINED.value, Stage.DOSSIER.value):
        return False
    return STAGE_RANK[earlier] < STAGE_RANK[later]


def _latest_before(
    dates: Mapping[str, date], stage: str, *, same: bool = False
) -> tuple[str, date] | None:
    """The recorded stage with the latest date among those that must precede `stage`
    (and `stage` itself when same is true)."""
    prior = [
        (d, s)
        for s, d in dates.items()
        if s in STAGE_RANK and (_must_precede(s, stage) or (same and s == stage))
    ]
    if not prior:
        return None
    d, s = max(prior)
    return s, d


def _future(v: Verdict, stage: str, when: date, today: date) -> None:
    if when > today:
        v.error(
            "future_date",
            f"Ngày của bước {_label(stage)} ({fmt_date(when)}) ở tương lai "
            f"(hôm nay là {fmt_date(today)}).",
            _column(stage),
        )


def _too_early(v: Verdict, stage: str, when: date, other: str, other_date: date) -> None:
    v.error(
        "stage_order",
        f"Ngày của bước {_label(stage)} ({fmt_date(when)}) sớm hơn ngày của bước "
        f"{_label(other)} ({fmt_date(other_date)}).",
        _column(stage),
    )


def _probation_check(v: Verdict, dates: Mapping[str, date], settings: RuleSettings) -> None:
    admitted = dates.get(Stage.ADMITTED.value)
    recognised = dates.get(Stage.FULL_MEMBER.value)
    if admitted is None or recognised is None:
        return
    end = probation_end(admitted, settings)
    if recognised < end:
        v.error(
            "stage_order",
            f"Chưa đủ {settings.probation_months} tháng dự bị: kết nạp ngày "
            f"{fmt_date(admitted)}, sớm nhất đến ngày {fmt_date(end)} mới được công nhận "
            f"đảng viên chính thức (ngày ghi nhận: {fmt_date(recognised)}).",
            _column(Stage.FULL_MEMBER.value),
        )


def _committee_check(v: Verdict, committee_required: bool | None) -> None:
    if committee_required is False:
        v.error(
            "stage_order",
            "Chi bộ cơ sở không có bước “Đảng ủy cơ sở đề nghị”: bước này chỉ dành cho "
            "chi bộ trực thuộc đảng ủy cơ sở.",
            _column(Stage.COMMITTEE_RESOLUTION.value),
        )


# --- admission conditions at the cell resolution ------------------------------------------


def _age_checks(v: Verdict, birth: date, cell: date, settings: RuleSettings) -> None:
    months = full_months_between(birth, cell)
    if months < settings.min_age_months:
        v.error(
            "underage",
            f"Chưa đủ {age_text(settings.min_age_months)} (tính theo tháng) vào ngày chi bộ "
            f"đề nghị {fmt_date(cell)}: mới {age_text(max(months, 0))}. Tuổi được tính theo "
            "tháng tròn, tháng đủ vào ngày trùng ngày sinh (cách hiểu chặt chẽ nhất của quy "
            f"định); đủ tuổi từ ngày {fmt_date(adult_date(birth, settings))}.",
            _column(_CELL),
        )
    elif months > settings.max_age_months:
        v.warn(
            "over_age",
            f"Đã quá {age_text(settings.max_age_months)} vào ngày chi bộ đề nghị "
            f"{fmt_date(cell)} ({age_text(months)}): cần ý kiến đồng ý bằng văn bản của ban "
            "thường vụ cấp ủy trực thuộc Trung ương trước khi quyết định kết nạp.",
            "birth_date",
        )


def _underage_later(
    v: Verdict, dates: Mapping[str, date], birth: date, settings: RuleSettings
) -> None:
    """Without a cell-resolution date, a later stage still bounds it from above: underage
    on the earliest later date means underage on the (earlier) resolution too."""
    later = [(d, s) for s, d in dates.items() if s in _LATER_THAN_CELL]
    if not later:
        return
    when, stage = min(later)
    months = full_months_between(birth, when)
    if months < settings.min_age_months:
        v.error(
            "underage",
            f"Chưa đủ {age_text(settings.min_age_months)} (tính theo tháng) ngay cả vào ngày "
            f"của bước {_label(stage)} {fmt_date(when)}: mới {age_text(max(months, 0))}, "
            "nên vào ngày chi bộ đề nghị kết nạp (không muộn hơn ngày đó) cũng chưa đủ tuổi.",
            _column(stage),
        )


def _certificate_checks(
    v: Verdict, trained: date | None, cell: date, settings: RuleSettings
) -> None:
    if trained is None:
        v.warn(
            "missing_certificate",
            f"Chi bộ đề nghị kết nạp ngày {fmt_date(cell)} nhưng chưa có ngày cấp giấy chứng "
            "nhận học lớp bồi dưỡng nhận thức về Đảng.",
            _column(Stage.TRAINED.value),
        )
        return
    expiry = certificate_expiry(trained, settings)
    if expiry < cell:
        v.error(
            "expired_certificate",
            f"Giấy chứng nhận lớp nhận thức về Đảng cấp ngày {fmt_date(trained)} chỉ có giá "
            f"trị {settings.certificate_valid_months} tháng (đến hết ngày {fmt_date(expiry)}), "
            f"nhưng chi bộ đề nghị ngày {fmt_date(cell)}: cần học lại lớp nhận thức về Đảng.",
            _column(Stage.TRAINED.value),
        )


def _condition_warnings(
    v: Verdict, dates: Mapping[str, date], facts: CandidateFacts, settings: RuleSettings
) -> None:
    cell, education, introducers = dates[_CELL], facts.education, facts.introducers_count
    dossier = dates.get(Stage.DOSSIER.value)
    if dossier is not None and add_months(dossier, settings.dossier_stale_months) < cell:
        v.warn(
            "stale_dossier",
            f"Hồ sơ hoàn thiện ngày {fmt_date(dossier)} đã quá "
            f"{settings.dossier_stale_months} tháng khi chi bộ đề nghị ({fmt_date(cell)}): "
            "cần làm lại bản giới thiệu, nhận xét của đoàn thể và nơi cư trú.",
            _column(Stage.DOSSIER.value),
        )
    if is_low_education(education, settings):
        v.warn("low_education", _education_message(education, facts, settings), "education")
    if introducers is not None and introducers < settings.min_introducers:
        v.warn(
            "few_introducers",
            f"Có {introducers} người giới thiệu, cần {settings.min_introducers} đảng viên "
            "chính thức (hoặc 1 đảng viên và nghị quyết giới thiệu của Đoàn/Công đoàn cơ sở).",
            "introducers",
        )


def _education_message(education: str | None, facts: CandidateFacts, s: RuleSettings) -> str:
    """Rule 3 and its exception 3a (HD 01-HD/TW mục 1.2): a warning either way."""
    low = f"Trình độ học vấn “{education}” chưa tốt nghiệp trung học cơ sở"
    if not facts.disadvantaged_area:
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


def _wait_text(r: Readmission, settings: RuleSettings) -> str:
    text = f"{settings.readmission_wait_months} tháng kể từ ngày ra khỏi Đảng ({fmt_date(r.left)})"
    if r.expunged is not None:
        text += (
            f" và {settings.readmission_wait_after_record_months} tháng kể từ ngày được xóa "
            f"án tích ({fmt_date(r.expunged)})"
        )
    return text


def readmission_issue(
    dates: Mapping[str, date], r: Readmission, settings: RuleSettings = DEFAULT_SETTINGS
) -> RuleIssue | None:
    """Rule 16 (QĐ 232 mục 3.5.1) over stage dates: judged on the chi bộ's resolution, or
    on the earliest later stage when the resolution is not on file (it is no later)."""
    cell = dates.get(_CELL)
    later = [(d, s) for s, d in dates.items() if s in _LATER_THAN_CELL]
    if cell is None and not later:
        return None
    when, stage = (cell, _CELL) if cell is not None else min(later)
    first = readmission_from(r, settings)
    if when >= first:
        return None
    return RuleIssue(
        "readmission_too_soon",
        f"Kết nạp lại chỉ được xem xét sau ít nhất {_wait_text(r, settings)}, tức từ "
        f"ngày {fmt_date(first)}; ngày của bước {_label(stage)} là {fmt_date(when)} "
        "(QĐ 232 mục 3.5.1).",
        _column(stage),
    )


def _readmission_checks(
    v: Verdict, dates: Mapping[str, date], r: Readmission, settings: RuleSettings
) -> None:
    issue = readmission_issue(dates, r, settings)
    if issue is not None:
        v.errors.append(issue)
    elif dates.get(_CELL) is not None:
        v.warn(
            "readmission_grounds",
            "Kết nạp lại: một số trường hợp ra khỏi Đảng không được xem xét kết nạp lại "
            "(QĐ 232 mục 3.5.1); chi bộ cần đối chiếu lý do ra khỏi Đảng trước khi đề nghị.",
            "left_party_reason",
        )


def _admission_checks(
    v: Verdict, dates: Mapping[str, date], facts: CandidateFacts, settings: RuleSettings
) -> None:
    if facts.readmission is not None:
        _readmission_checks(v, dates, facts.readmission, settings)
    cell = dates.get(_CELL)
    if cell is None:
        if facts.birth_date is not None:
            _underage_later(v, dates, facts.birth_date, settings)
        return
    if facts.birth_date is not None:
        _age_checks(v, facts.birth_date, cell, settings)
    _certificate_checks(v, dates.get(Stage.TRAINED.value), cell, settings)
    _condition_warnings(v, dates, facts, settings)


# --- public checks ------------------------------------------------------------------------


def check_row(
    dates: Mapping[str, date | None],
    birth_date: date | None,
    education: str | None,
    today: date,
    settings: RuleSettings = DEFAULT_SETTINGS,
    *,
    committee_required: bool | None = None,
    introducers_count: int | None = None,
    disadvantaged_area: bool = False,
    readmission: Readmission | None = None,
) -> Verdict:
    """Check a set of stage dates held together (an imported row, or corrected dates).

    committee_required None means the cell's kind is unknown here (no committee check).
    """
    v = Verdict()
    stages = stage_dates(dates)
    for stage, day in stages.items():
        _future(v, stage, day, today)
    for stage in STAGE_ORDER:
        when = stages.get(stage.value)
        prior = _latest_before(stages, stage.value) if when else None
        if when and prior and prior[1] > when:
            _too_early(v, stage.value, when, *prior)
    if Stage.COMMITTEE_RESOLUTION.value in stages:
        _committee_check(v, committee_required)
    _probation_check(v, stages, settings)
    exited = stages.get(Stage.EXITED.value)
    others = [(d, s) for s, d in stages.items() if s != Stage.EXITED.value]
    if exited and others and max(others)[0] > exited:
        _exit_too_early(v, exited, *max(others))
    facts = CandidateFacts(
        birth_date,
        education,
        introducers_count,
        disadvantaged_area=disadvantaged_area,
        readmission=readmission,
    )
    _admission_checks(v, stages, facts, settings)
    return v


def _exit_too_early(v: Verdict, exited: date, last: date, stage: str) -> None:
    v.error(
        "stage_order",
        f"Ngày ra khỏi danh sách ({fmt_date(exited)}) sớm hơn ngày của bước {_label(stage)} "
        f"({fmt_date(last)}).",
        _column(Stage.EXITED.value),
    )


def _forward_check(v: Verdict, dates: Mapping[str, date], stage: str) -> bool:
    """Whether `stage` may come next; records the reason when it may not."""
    rank = STAGE_RANK[stage]
    if stage == Stage.TRAINED.value:
        # A new certificate replaces an expired one, but only until the chi bộ proposes.
        blockers = sorted((STAGE_RANK[s], s) for s in dates if s in (*_LATER_THAN_CELL, _CELL))
        if blockers:
            s = blockers[0][1]
            v.error(
                "stage_order",
                "Chỉ được ghi nhận lại giấy chứng nhận lớp nhận thức về Đảng trước khi chi bộ "
                f"đề nghị kết nạp; đã có bước {_label(s)} ngày {fmt_date(dates[s])}.",
                _column(stage),
            )
        return not blockers
    if stage in dates:
        v.error(
            "stage_order",
            f"Bước {_label(stage)} đã được ghi nhận ngày {fmt_date(dates[stage])}; "
            "muốn đổi ngày thì sửa sự kiện đã ghi.",
            _column(stage),
        )
        return False
    current = max((s for s in dates if s in STAGE_RANK), key=lambda s: STAGE_RANK[s], default=None)
    if current is not None and STAGE_RANK[current] > rank:
        v.error(
            "stage_order",
            f"Không thể ghi nhận bước {_label(stage)} sau bước {_label(current)}: các bước "
            "chỉ đi tiếp, không quay lại.",
            _column(stage),
        )
        return False
    return True


def check_transition(
    facts: CandidateFacts,
    stage: str,
    when: date,
    today: date,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> Verdict:
    """Check recording `stage` on `when` for a candidate described by `facts`.

    today is the date in Asia/Ho_Chi_Minh (workdays.today_vn()). The exit reason is
    validated by the form, not here.
    """
    stage = Stage(stage).value
    dates = stage_dates(facts.dates)
    v = Verdict()
    if facts.exited or Stage.EXITED.value in dates:
        v.error(
            "stage_order",
            "Quần chúng đã ra khỏi danh sách: không ghi nhận thêm bước mới.",
            _column(stage),
        )
        return v
    _future(v, stage, when, today)
    if stage == Stage.EXITED.value:
        if dates:
            last, last_stage = max((d, s) for s, d in dates.items())
            if when < last:
                _exit_too_early(v, when, last, last_stage)
        return v
    if stage == Stage.COMMITTEE_RESOLUTION.value and not facts.committee_required:
        _committee_check(v, False)
        return v
    if not _forward_check(v, dates, stage):
        return v
    # The same stage counts too: a renewed certificate may not predate the one it replaces.
    prior = _latest_before(dates, stage, same=True)
    if prior and prior[1] > when:
        _too_early(v, stage, when, *prior)
    after = {**dates, stage: when}
    _probation_check(v, after, settings)
    if stage == _CELL or (stage in _LATER_THAN_CELL and _CELL not in dates):
        _admission_checks(v, after, facts, settings)
    return v
