"""The stage checks: check_transition for one new event, check_row for dates held together.

The one place for the admission rules (DESIGN "Stages"; reference admission_rules.md).
Plain dates in, a Verdict out. The stage service checks one new event with
check_transition; the import pipeline checks a row holding several stage dates with
check_row (a correction of a recorded date is check_row over the corrected dates). Both
check the order of the stages and their dates here, and the admission conditions of
registry.domain.rules.admission, with the same issue codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from registry.domain.rules.admission import admission_checks
from registry.domain.rules.dates import probation_end
from registry.domain.rules.facts import (
    CELL,
    LATER_THAN_CELL,
    CandidateFacts,
    Readmission,
    stage_dates,
)
from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.rules.verdict import Verdict, stage_column, stage_label
from registry.domain.vocabulary import STAGE_ORDER, STAGE_RANK, Stage
from registry.domain.workdays import fmt_date

# --- order and dates ----------------------------------------------------------------------


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
            f"Ngày của bước {stage_label(stage)} ({fmt_date(when)}) ở tương lai "
            f"(hôm nay là {fmt_date(today)}).",
            stage_column(stage),
        )


def _too_early(v: Verdict, stage: str, when: date, other: str, other_date: date) -> None:
    v.error(
        "stage_order",
        f"Ngày của bước {stage_label(stage)} ({fmt_date(when)}) sớm hơn ngày của bước "
        f"{stage_label(other)} ({fmt_date(other_date)}).",
        stage_column(stage),
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
            stage_column(Stage.FULL_MEMBER.value),
        )


def _committee_check(v: Verdict, committee_required: bool | None) -> None:
    if committee_required is False:
        v.error(
            "stage_order",
            "Chi bộ cơ sở không có bước “Đảng ủy cơ sở đề nghị”: bước này chỉ dành cho "
            "chi bộ trực thuộc đảng ủy cơ sở.",
            stage_column(Stage.COMMITTEE_RESOLUTION.value),
        )


def _exit_too_early(v: Verdict, exited: date, last: date, stage: str) -> None:
    v.error(
        "stage_order",
        f"Ngày ra khỏi danh sách ({fmt_date(exited)}) sớm hơn ngày của bước {stage_label(stage)} "
        f"({fmt_date(last)}).",
        stage_column(Stage.EXITED.value),
    )


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
    admission_checks(v, stages, facts, settings)
    return v


def _forward_check(v: Verdict, dates: Mapping[str, date], stage: str) -> bool:
    """Whether `stage` may come next; records the reason when it may not."""
    rank = STAGE_RANK[stage]
    if stage == Stage.TRAINED.value:
        # A new certificate replaces an expired one, but only until the chi bộ proposes.
        blockers = sorted((STAGE_RANK[s], s) for s in dates if s in (*LATER_THAN_CELL, CELL))
        if blockers:
            s = blockers[0][1]
            v.error(
                "stage_order",
                "Chỉ được ghi nhận lại giấy chứng nhận lớp nhận thức về Đảng trước khi chi bộ "
                f"đề nghị kết nạp; đã có bước {stage_label(s)} ngày {fmt_date(dates[s])}.",
                stage_column(stage),
            )
        return not blockers
    if stage in dates:
        v.error(
            "stage_order",
            f"Bước {stage_label(stage)} đã được ghi nhận ngày {fmt_date(dates[stage])}; "
            "muốn đổi ngày thì sửa sự kiện đã ghi.",
            stage_column(stage),
        )
        return False
    current = max((s for s in dates if s in STAGE_RANK), key=lambda s: STAGE_RANK[s], default=None)
    if current is not None and STAGE_RANK[current] > rank:
        v.error(
            "stage_order",
            f"Không thể ghi nhận bước {stage_label(stage)} sau bước {stage_label(current)}: "
            "các bước chỉ đi tiếp, không quay lại.",
            stage_column(stage),
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
            stage_column(stage),
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
    if stage == CELL or (stage in LATER_THAN_CELL and CELL not in dates):
        admission_checks(v, after, facts, settings)
    return v
