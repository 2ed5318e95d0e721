"""One candidate's alerts: alerts_for(candidate, today, ...) computes them forward from
its dates, with their due dates and messages (the candidate page, the alert lists' rows).

Each family of alerts has its function: the admission deadlines (no_decision,
no_ceremony), probation and recognition (probation_ending, recognition_overdue,
recognition_decision_overdue), then the training certificate, the dossier, turning 18
and a stalled candidate.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from registry.domain.alerts.columns import STAGES_AFTER_CELL, AlertCandidate
from registry.domain.alerts.kinds import ALERT_KINDS, Alert
from registry.domain.rules.dates import adult_date, certificate_expiry, probation_end
from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.vocabulary import Stage
from registry.domain.workdays import Calendar, add_months, add_working_days, fmt_date


def _missing(c: AlertCandidate, *stages: Stage) -> bool:
    return all(c.date_of(st) is None for st in stages)


def _deadline_alerts(
    c: AlertCandidate, today: date, holidays: Calendar, s: RuleSettings
) -> list[Alert]:
    # (code, the stage that starts the clock, its working days, the stages that stop it,
    # what started it, what is still missing)
    deadlines = (
        (
            "no_decision",
            Stage.CELL_RESOLUTION,
            s.decision_deadline_workdays,
            (Stage.DECISION, Stage.ADMITTED, Stage.FULL_MEMBER),
            "Chi bộ đề nghị kết nạp",
            "chưa có quyết định kết nạp",
        ),
        (
            "no_ceremony",
            Stage.DECISION,
            s.ceremony_deadline_workdays,
            (Stage.ADMITTED, Stage.FULL_MEMBER),
            "Quyết định kết nạp",
            "chi bộ chưa tổ chức lễ kết nạp",
        ),
    )
    out = []
    for code, stage, days, stops, started, missing in deadlines:
        start = c.date_of(stage)
        if start is None or not _missing(c, *stops):
            continue
        due = add_working_days(start, days, holidays)
        if today > due:
            message = (
                f"{started} ngày {fmt_date(start)}; hạn {days} ngày làm việc "
                f"đã hết ngày {fmt_date(due)} mà {missing}."
            )
            out.append(Alert(code, due, message))
    return out


def _probation_alerts(
    c: AlertCandidate, today: date, holidays: Calendar, s: RuleSettings
) -> list[Alert]:
    if not _missing(c, Stage.FULL_MEMBER):
        return []
    resolution = c.recognition_resolution_date
    if resolution is not None:
        days = s.recognition_decision_workdays
        due = add_working_days(resolution, days, holidays)
        if today <= due:
            return []
        msg = (
            f"Chi bộ đề nghị công nhận đảng viên chính thức ngày {fmt_date(resolution)}; hạn "
            f"{days} ngày làm việc đã hết ngày {fmt_date(due)} mà chưa có quyết định công nhận."
        )
        return [Alert("recognition_decision_overdue", due, msg)]
    admitted = c.date_of(Stage.ADMITTED)
    if admitted is None:
        return []
    end = probation_end(admitted, s)
    days = s.recognition_overdue_workdays
    overdue = add_working_days(end, days, holidays)
    if today > overdue:
        msg = (
            f"Hết thời gian dự bị ngày {fmt_date(end)}; quá {days} ngày làm việc (hạn "
            f"{fmt_date(overdue)}) mà chưa công nhận đảng viên chính thức."
        )
        return [Alert("recognition_overdue", overdue, msg)]
    if today >= end - timedelta(days=s.probation_warn_days):
        # Kept on until recognition_overdue takes over: this is the chi bộ's window to meet.
        verb = "kết thúc" if today < end else "đã kết thúc"
        msg = (
            f"Thời gian dự bị {verb} ngày {fmt_date(end)} (kết nạp ngày {fmt_date(admitted)});"
            f" chi bộ xét công nhận đảng viên chính thức chậm nhất ngày {fmt_date(overdue)}."
        )
        return [Alert("probation_ending", end, msg)]
    return []


def _certificate_alert(c: AlertCandidate, today: date, s: RuleSettings) -> Alert | None:
    trained = c.date_of(Stage.TRAINED)
    if trained is None or not _missing(c, Stage.CELL_RESOLUTION, *STAGES_AFTER_CELL):
        return None
    expiry = certificate_expiry(trained, s)
    if today < expiry - timedelta(days=s.certificate_warn_days):
        return None
    state = "đã hết hạn" if today > expiry else "hết hạn"
    msg = (
        f"Giấy chứng nhận lớp nhận thức về Đảng cấp ngày {fmt_date(trained)} {state} ngày "
        f"{fmt_date(expiry)} mà chi bộ chưa đề nghị kết nạp."
    )
    return Alert("certificate_expiring", expiry, msg)


def _dossier_alert(c: AlertCandidate, today: date) -> Alert | None:
    dossier = c.date_of(Stage.DOSSIER)
    if dossier is None or not _missing(c, Stage.CELL_RESOLUTION, *STAGES_AFTER_CELL):
        return None
    until = c.dossier_valid_until
    if until is not None and until >= today:
        return None
    if until is None:
        msg = (
            f"Đã ghi ngày hoàn thiện hồ sơ {fmt_date(dossier)} nhưng hồ sơ chưa đủ giấy tờ "
            "bắt buộc: xem các giấy tờ còn thiếu trên trang của người này."
        )
        return Alert("dossier_incomplete", dossier, msg)
    msg = (
        f"Hồ sơ chỉ còn đủ điều kiện đến ngày {fmt_date(until)} mà chi bộ chưa xét: cần làm "
        "lại các giấy tờ đã quá hạn."
    )
    return Alert("dossier_incomplete", until, msg)


def _turning_18_alert(c: AlertCandidate, today: date, s: RuleSettings) -> Alert | None:
    if c.group != "student" or c.birth_date is None:
        return None
    adult = adult_date(c.birth_date, s)
    if not today < adult <= add_months(today, s.turning_18_warn_months):
        return None
    msg = (
        f"Đủ 18 tuổi vào ngày {fmt_date(adult)} (sinh ngày {fmt_date(c.birth_date)}): "
        "chuẩn bị hồ sơ để chi bộ xem xét đề nghị kết nạp."
    )
    return Alert("turning_18", adult, msg)


def _stalled_alert(c: AlertCandidate, today: date, s: RuleSettings) -> Alert | None:
    last = c.last_event()
    if last is None or not _missing(c, Stage.ADMITTED, Stage.FULL_MEMBER):
        return None
    since = add_months(last, s.stalled_months)
    if today < since:
        return None
    msg = (
        f"Không có bước mới từ ngày {fmt_date(last)} (đủ {s.stalled_months} tháng vào ngày "
        f"{fmt_date(since)})."
    )
    return Alert("stalled", since, msg)


def alerts_for(
    candidate: AlertCandidate | Mapping[str, object],
    today: date,
    holidays: Calendar,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> list[Alert]:
    """The alerts a candidate shows today, in ALERT_KINDS order."""
    c = candidate if isinstance(candidate, AlertCandidate) else AlertCandidate.from_row(candidate)
    if c.exited:
        return []
    found = [
        *_deadline_alerts(c, today, holidays, settings),
        *_probation_alerts(c, today, holidays, settings),
        _certificate_alert(c, today, settings),
        _dossier_alert(c, today),
        _turning_18_alert(c, today, settings),
        _stalled_alert(c, today, settings),
    ]
    order = list(ALERT_KINDS)
    return sorted((a for a in found if a is not None), key=lambda a: order.index(a.code))
