"""The admission conditions, judged on the day the chi bộ proposes admission.

Age by full months (18 at least; over 60 warns), the training certificate's validity,
the dossier's age, education, the introducers, and for a readmission the wait of rule 16
(readmission_issue). Without a cell-resolution date, the earliest later stage bounds it
from above. admission_checks adds these issues to the Verdict of check_row or
check_transition (registry.domain.rules.transitions).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from registry.domain.rules.dates import adult_date, certificate_expiry, readmission_from
from registry.domain.rules.education import is_low_education, low_education_message
from registry.domain.rules.facts import CELL, LATER_THAN_CELL, CandidateFacts, Readmission
from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.rules.verdict import RuleIssue, Verdict, stage_column, stage_label
from registry.domain.vocabulary import Stage
from registry.domain.workdays import add_months, fmt_date, full_months_between


def age_text(months: int) -> str:
    """Whole months as "17 tuổi 11 tháng"."""
    years, rest = divmod(months, 12)
    return f"{years} tuổi {rest} tháng" if rest else f"{years} tuổi"


def _age_checks(v: Verdict, birth: date, cell: date, settings: RuleSettings) -> None:
    months = full_months_between(birth, cell)
    if months < settings.min_age_months:
        v.error(
            "underage",
            f"Chưa đủ {age_text(settings.min_age_months)} (tính theo tháng) vào ngày chi bộ "
            f"đề nghị {fmt_date(cell)}: mới {age_text(max(months, 0))}. Tuổi được tính theo "
            "tháng tròn, tháng đủ vào ngày trùng ngày sinh (cách hiểu chặt chẽ nhất của quy "
            f"định); đủ tuổi từ ngày {fmt_date(adult_date(birth, settings))}.",
            stage_column(CELL),
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
    later = [(d, s) for s, d in dates.items() if s in LATER_THAN_CELL]
    if not later:
        return
    when, stage = min(later)
    months = full_months_between(birth, when)
    if months < settings.min_age_months:
        v.error(
            "underage",
            f"Chưa đủ {age_text(settings.min_age_months)} (tính theo tháng) ngay cả vào ngày "
            f"của bước {stage_label(stage)} {fmt_date(when)}: mới {age_text(max(months, 0))}, "
            "nên vào ngày chi bộ đề nghị kết nạp (không muộn hơn ngày đó) cũng chưa đủ tuổi.",
            stage_column(stage),
        )


def _certificate_checks(
    v: Verdict, trained: date | None, cell: date, settings: RuleSettings
) -> None:
    if trained is None:
        v.warn(
            "missing_certificate",
            f"Chi bộ đề nghị kết nạp ngày {fmt_date(cell)} nhưng chưa có ngày cấp giấy chứng "
            "nhận học lớp bồi dưỡng nhận thức về Đảng.",
            stage_column(Stage.TRAINED.value),
        )
        return
    expiry = certificate_expiry(trained, settings)
    if expiry < cell:
        v.error(
            "expired_certificate",
            f"Giấy chứng nhận lớp nhận thức về Đảng cấp ngày {fmt_date(trained)} chỉ có giá "
            f"trị {settings.certificate_valid_months} tháng (đến hết ngày {fmt_date(expiry)}), "
            f"nhưng chi bộ đề nghị ngày {fmt_date(cell)}: cần học lại lớp nhận thức về Đảng.",
            stage_column(Stage.TRAINED.value),
        )


def _condition_warnings(
    v: Verdict, dates: Mapping[str, date], facts: CandidateFacts, settings: RuleSettings
) -> None:
    cell, education, introducers = dates[CELL], facts.education, facts.introducers_count
    dossier = dates.get(Stage.DOSSIER.value)
    if dossier is not None and add_months(dossier, settings.dossier_stale_months) < cell:
        v.warn(
            "stale_dossier",
            f"Hồ sơ hoàn thiện ngày {fmt_date(dossier)} đã quá "
            f"{settings.dossier_stale_months} tháng khi chi bộ đề nghị ({fmt_date(cell)}): "
            "cần làm lại bản giới thiệu, nhận xét của đoàn thể và nơi cư trú.",
            stage_column(Stage.DOSSIER.value),
        )
    if is_low_education(education, settings):
        message = low_education_message(education, facts.disadvantaged_area, settings)
        v.warn("low_education", message, "education")
    if introducers is not None and introducers < settings.min_introducers:
        v.warn(
            "few_introducers",
            f"Có {introducers} người giới thiệu, cần {settings.min_introducers} đảng viên "
            "chính thức (hoặc 1 đảng viên và nghị quyết giới thiệu của Đoàn/Công đoàn cơ sở).",
            "introducers",
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
    cell = dates.get(CELL)
    later = [(d, s) for s, d in dates.items() if s in LATER_THAN_CELL]
    if cell is None and not later:
        return None
    when, stage = (cell, CELL) if cell is not None else min(later)
    first = readmission_from(r, settings)
    if when >= first:
        return None
    return RuleIssue(
        "readmission_too_soon",
        f"Kết nạp lại chỉ được xem xét sau ít nhất {_wait_text(r, settings)}, tức từ "
        f"ngày {fmt_date(first)}; ngày của bước {stage_label(stage)} là {fmt_date(when)} "
        "(QĐ 232 mục 3.5.1).",
        stage_column(stage),
    )


def _readmission_checks(
    v: Verdict, dates: Mapping[str, date], r: Readmission, settings: RuleSettings
) -> None:
    issue = readmission_issue(dates, r, settings)
    if issue is not None:
        v.errors.append(issue)
    elif dates.get(CELL) is not None:
        v.warn(
            "readmission_grounds",
            "Kết nạp lại: một số trường hợp ra khỏi Đảng không được xem xét kết nạp lại "
            "(QĐ 232 mục 3.5.1); chi bộ cần đối chiếu lý do ra khỏi Đảng trước khi đề nghị.",
            "left_party_reason",
        )


def admission_checks(
    v: Verdict, dates: Mapping[str, date], facts: CandidateFacts, settings: RuleSettings
) -> None:
    if facts.readmission is not None:
        _readmission_checks(v, dates, facts.readmission, settings)
    cell = dates.get(CELL)
    if cell is None:
        if facts.birth_date is not None:
            _underage_later(v, dates, facts.birth_date, settings)
        return
    if facts.birth_date is not None:
        _age_checks(v, facts.birth_date, cell, settings)
    _certificate_checks(v, dates.get(Stage.TRAINED.value), cell, settings)
    _condition_warnings(v, dates, facts, settings)
