"""What is due next for a candidate (the candidate page): next_due gives the next step,
its deadline and the first day it may be taken.

It reads the same rules as the alerts, forward from the latest recorded stage: the
recognition decision, the chi bộ's recognition meeting after probation, the ceremony,
the committee's proposal and the admission decision, and before the chi bộ's resolution
the certificate, the dossier, age 18 and the readmission wait.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from registry.domain.rules.dates import (
    adult_date,
    certificate_expiry,
    probation_end,
    readmission_from,
)
from registry.domain.rules.facts import CandidateFacts, stage_dates
from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.vocabulary import Stage
from registry.domain.workdays import Calendar, add_months, add_working_days, fmt_date


@dataclass(frozen=True)
class Due:
    """The next step for a candidate, and the window for it."""

    stage: str
    message: str
    due_date: date | None = None
    not_before: date | None = None
    overdue: bool = False


def _due_before_resolution(
    dates: Mapping[str, date], facts: CandidateFacts, today: date, settings: RuleSettings
) -> Due:
    trained = dates.get(Stage.TRAINED.value)
    if trained is None:
        return Due(Stage.TRAINED.value, "Cử đi học lớp bồi dưỡng nhận thức về Đảng.")
    expiry = certificate_expiry(trained, settings)
    if expiry < today:
        return Due(
            Stage.TRAINED.value,
            f"Giấy chứng nhận lớp nhận thức về Đảng đã hết hạn ngày {fmt_date(expiry)}: "
            "cần học lại lớp trước khi chi bộ đề nghị kết nạp.",
            due_date=expiry,
            overdue=True,
        )
    adult = adult_date(facts.birth_date, settings) if facts.birth_date else None
    not_before = adult if adult and adult > today else None
    age_note = f"; đủ 18 tuổi từ ngày {fmt_date(adult)}" if not_before and adult else ""
    if facts.readmission is not None:
        # Rule 16: the chi bộ may not consider a readmission before the wait is over.
        first = readmission_from(facts.readmission, settings)
        if first > today:
            not_before = max(not_before or first, first)
            age_note += f"; được xem xét kết nạp lại từ ngày {fmt_date(first)}"
    dossier = dates.get(Stage.DOSSIER.value)
    if dossier is None:
        return Due(
            Stage.DOSSIER.value,
            "Hoàn thiện hồ sơ để chi bộ đề nghị kết nạp chậm nhất ngày "
            f"{fmt_date(expiry)} (giấy chứng nhận hết hạn){age_note}.",
            due_date=expiry,
            not_before=not_before,
        )
    stale = add_months(dossier, settings.dossier_stale_months)
    due, reason = min(
        (expiry, "giấy chứng nhận hết hạn"),
        (stale, f"hồ sơ đủ {settings.dossier_stale_months} tháng"),
    )
    return Due(
        Stage.CELL_RESOLUTION.value,
        f"Chi bộ xem xét đề nghị kết nạp chậm nhất ngày {fmt_date(due)} ({reason}){age_note}.",
        due_date=due,
        not_before=not_before,
        overdue=today > due,
    )


def _deadline(
    stage: str, start: date, days: int, text: str, today: date, holidays: Calendar
) -> Due:
    due = add_working_days(start, days, holidays)
    return Due(
        stage,
        f"{text} trong {days} ngày làm việc kể từ ngày {fmt_date(start)}: hạn {fmt_date(due)}.",
        due_date=due,
        overdue=today > due,
    )


def next_due(
    facts: CandidateFacts,
    today: date,
    holidays: Calendar,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> Due | None:
    """The next step for the candidate and its deadline; None when nothing is pending."""
    dates = stage_dates(facts.dates)
    done = (Stage.EXITED.value, Stage.FULL_MEMBER.value)
    if facts.exited or not dates or any(s in dates for s in done):
        return None
    if (resolution := facts.recognition_resolution) is not None:
        text = "Cấp ủy có thẩm quyền quyết định công nhận đảng viên chính thức"
        days = settings.recognition_decision_workdays
        return _deadline(Stage.FULL_MEMBER.value, resolution, days, text, today, holidays)
    if (admitted := dates.get(Stage.ADMITTED.value)) is not None:
        end = probation_end(admitted, settings)
        days = settings.recognition_overdue_workdays
        due = add_working_days(end, days, holidays)
        return Due(
            Stage.FULL_MEMBER.value,
            f"Hết {settings.probation_months} tháng dự bị ngày {fmt_date(end)}; chi bộ xét "
            f"công nhận đảng viên chính thức trong {days} ngày làm việc sau đó: hạn "
            f"{fmt_date(due)}.",
            due_date=due,
            not_before=end,
            overdue=today > due,
        )
    if (decision := dates.get(Stage.DECISION.value)) is not None:
        text = "Chi bộ tổ chức lễ kết nạp"
        days = settings.ceremony_deadline_workdays
        return _deadline(Stage.ADMITTED.value, decision, days, text, today, holidays)
    proposed = dates.get(Stage.CELL_RESOLUTION.value) or dates.get(Stage.COMMITTEE_RESOLUTION.value)
    if proposed is not None:
        days = settings.decision_deadline_workdays
        text = "Cấp ủy có thẩm quyền ra quyết định kết nạp"
        stage = Stage.DECISION.value
        if facts.committee_required and Stage.COMMITTEE_RESOLUTION.value not in dates:
            text = "Đảng ủy cơ sở đề nghị và cấp ủy có thẩm quyền ra quyết định kết nạp"
            stage = Stage.COMMITTEE_RESOLUTION.value
        return _deadline(stage, proposed, days, text, today, holidays)
    return _due_before_resolution(dates, facts, today, settings)
