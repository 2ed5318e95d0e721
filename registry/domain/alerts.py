"""Deadline alerts over plain candidate rows (DESIGN "Deadline alerts").

Two views of the same rules:
- alerts_for(candidate, today, ...) computes one candidate's alerts forward from its
  dates (candidate page, tests);
- alert_windows(today, ...) turns each kind into bounds on one stored date column plus
  columns that must be NULL, so the DB layer can list a kind over a million candidates
  with one indexed WHERE clause instead of per-row Python. DateWindow.matches states the
  semantics exactly; the tests check that both views agree.

A deadline alert starts the day after the last allowed day: a decision on the 60th
working day after the cell resolution is still in time, so no_decision fires from the
next day on. A warning fires from its first day: probation_ending ("sắp hết") 30 days
before the probation ends, and it stays on until recognition_overdue takes over (the
day after the 30th working day from the end), so the chi bộ is reminded during its
window to meet. Once the chi bộ's recognition resolution is on file both give way to
recognition_decision_overdue: the committee decides within 30 working days of it
(rule 11). stalled reads a stored last_event_date column (the latest event of any
stage). ALERT_RULES names the rule each kind implements; the pages show it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from registry.domain.rules import (
    DEFAULT_SETTINGS,
    CandidateFacts,
    RuleSettings,
    adult_date,
    certificate_expiry,
    probation_end,
    readmission_from,
    stage_dates,
)
from registry.domain.vocabulary import STAGE_DATE_COLUMNS, Stage
from registry.domain.workdays import ONE_DAY, Calendar, add_months, add_working_days, fmt_date

ALERT_KINDS: dict[str, str] = {
    "no_decision": "Quá 60 ngày làm việc chưa có quyết định kết nạp",
    "no_ceremony": "Quá 30 ngày làm việc chưa tổ chức lễ kết nạp",
    "probation_ending": "Sắp hết thời gian dự bị, cần xét công nhận chính thức",
    "recognition_overdue": "Quá hạn xét công nhận đảng viên chính thức",
    "recognition_decision_overdue": (
        "Quá 30 ngày làm việc chưa có quyết định công nhận đảng viên chính thức"
    ),
    "certificate_expiring": "Giấy chứng nhận lớp nhận thức về Đảng sắp hết hoặc đã hết hạn",
    "dossier_incomplete": "Hồ sơ kết nạp chưa đủ hoặc có giấy tờ quá hạn",
    "turning_18": "Học sinh sắp đủ 18 tuổi",
    "stalled": "Không có tiến triển trong 12 tháng",
}

# The rule each kind implements (reference admission_rules.md, DESIGN "Deadline alerts").
ALERT_RULES: dict[str, str] = {
    "no_decision": (
        "QĐ 232 mục 4.3.1: cấp ủy có thẩm quyền quyết định kết nạp trong 60 ngày làm việc "
        "kể từ ngày chi bộ có nghị quyết đề nghị; cảnh báo từ ngày sau ngày cuối của hạn."
    ),
    "no_ceremony": (
        "QĐ 232 mục 4.1: chi bộ tổ chức lễ kết nạp trong 30 ngày làm việc kể từ ngày có "
        "quyết định kết nạp; cảnh báo từ ngày sau ngày cuối của hạn."
    ),
    "probation_ending": (
        "Điều lệ Đảng Điều 5: dự bị 12 tháng kể từ ngày lễ kết nạp; nhắc từ 30 ngày trước "
        "khi hết dự bị để chi bộ chuẩn bị xét công nhận."
    ),
    "recognition_overdue": (
        "QĐ 29 mục 4.3.1: chi bộ xét công nhận trong 30 ngày làm việc sau khi hết 12 tháng "
        "dự bị; cảnh báo từ ngày sau ngày cuối của hạn, đến khi chi bộ có nghị quyết."
    ),
    "recognition_decision_overdue": (
        "QĐ 29 mục 4.3.1: cấp ủy có thẩm quyền quyết định công nhận đảng viên chính thức "
        "trong 30 ngày làm việc kể từ ngày chi bộ có nghị quyết đề nghị; cảnh báo từ ngày "
        "sau ngày cuối của hạn."
    ),
    "certificate_expiring": (
        "HD 12-HD/BTCTW: giấy chứng nhận lớp nhận thức về Đảng có giá trị 60 tháng; nhắc "
        "từ 90 ngày trước khi hết hạn nếu chi bộ chưa đề nghị kết nạp."
    ),
    "dossier_incomplete": (
        "HD 01-HD/TW: hồ sơ phải đủ giấy tờ trước khi chi bộ xét; quá 12 tháng mà chi bộ chưa "
        "xét thì làm lại bản giới thiệu, nghị quyết của đoàn thể và các ý kiến nhận xét."
    ),
    "turning_18": (
        "QĐ 232 mục 1.1.1: đủ 18 tuổi (tính theo tháng) khi chi bộ xét; nhắc học sinh sẽ "
        "đủ tuổi trong 3 tháng tới."
    ),
    "stalled": "Theo dõi nguồn: không có bước mới nào trong 12 tháng.",
}

_COL = STAGE_DATE_COLUMNS
_EXITED = _COL[Stage.EXITED]
# Columns that, when filled, mean the step an alert waits for has happened (or been
# skipped past), so the alert no longer applies.
_STAGES_AFTER_CELL = (
    Stage.COMMITTEE_RESOLUTION,
    Stage.DECISION,
    Stage.ADMITTED,
    Stage.FULL_MEMBER,
)
_AFTER_CELL = tuple(_COL[s] for s in _STAGES_AFTER_CELL)
_AFTER_DECISION = (_COL[Stage.ADMITTED], _COL[Stage.FULL_MEMBER])
# The chi bộ's recognition resolution (a dossier item, stored on the candidate row).
_RECOGNITION = "recognition_resolution_date"


def _as_date(value: object) -> date | None:
    return value if isinstance(value, date) else None


@dataclass(frozen=True)
class Alert:
    code: str
    due_date: date
    message: str

    @property
    def label(self) -> str:
        return ALERT_KINDS[self.code]

    @property
    def rule(self) -> str:
        return ALERT_RULES[self.code]


@dataclass(frozen=True)
class AlertCandidate:
    """The stored facts an alert looks at (a row of the candidate table)."""

    birth_date: date | None
    group: str | None
    dates: Mapping[str, date] = field(default_factory=dict)  # stage code → date
    exited: bool = False
    # Date of the latest event; derived from the stage dates when not given.
    last_event_date: date | None = None
    # The last day the dossier holds every required item, valid (None: it does not).
    dossier_valid_until: date | None = None
    # The chi bộ's resolution proposing recognition, when there is one.
    recognition_resolution_date: date | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> AlertCandidate:
        """Build from a dict keyed by the candidate columns (source_date, …, exited_date)."""
        dates = {s: d for s, c in _COL.items() if (d := _as_date(row.get(c))) is not None}
        group = row.get("group")
        return cls(
            birth_date=_as_date(row.get("birth_date")),
            group=str(group) if group is not None else None,
            dates=dates,
            exited=bool(row.get("exited")) or Stage.EXITED in dates,
            last_event_date=_as_date(row.get("last_event_date")),
            dossier_valid_until=_as_date(row.get("dossier_valid_until")),
            recognition_resolution_date=_as_date(row.get(_RECOGNITION)),
        )

    def date_of(self, stage: str) -> date | None:
        return self.dates.get(stage)

    def last_event(self) -> date | None:
        if self.last_event_date is not None:
            return self.last_event_date
        return max(self.dates.values(), default=None)

    def columns(self) -> dict[str, object]:
        """The row as the DB layer sees it: column name → value."""
        values: dict[str, object] = {c: self.dates.get(s) for s, c in _COL.items()}
        if self.exited and values[_EXITED] is None:
            values[_EXITED] = True  # exited without a date on file still fills the column
        values.update(
            birth_date=self.birth_date,
            group=self.group,
            last_event_date=self.last_event(),
            dossier_valid_until=self.dossier_valid_until,
            recognition_resolution_date=self.recognition_resolution_date,
        )
        return values


@dataclass(frozen=True)
class DateWindow:
    """earliest <= row[column] <= latest (either bound may be open), every column in
    null_columns IS NULL, and group = group when a group is given."""

    column: str
    earliest: date | None = None
    latest: date | None = None
    null_columns: tuple[str, ...] = ()
    group: str | None = None
    # (column, day): that column is NULL or before the day.
    lapsed: tuple[str, date] | None = None

    def matches(self, row: Mapping[str, object]) -> bool:
        value = row.get(self.column)
        if not isinstance(value, date):
            return False
        if self.earliest is not None and value < self.earliest:
            return False
        if self.latest is not None and value > self.latest:
            return False
        if self.group is not None and row.get("group") != self.group:
            return False
        if self.lapsed is not None:
            until = row.get(self.lapsed[0])
            if isinstance(until, date) and until >= self.lapsed[1]:
                return False
        return all(row.get(c) is None for c in self.null_columns)


@dataclass(frozen=True)
class Due:
    """The next step for a candidate, and the window for it."""

    stage: str
    message: str
    due_date: date | None = None
    not_before: date | None = None
    overdue: bool = False


# --- the thresholds of each kind ----------------------------------------------------------


def _due_functions(
    holidays: Calendar, s: RuleSettings
) -> dict[str, tuple[Callable[[date], date], Callable[[date], date]]]:
    """For each kind: the date it fires from (or is about) as a function of its column's
    value, and a rough inverse that starts the search for the bound near the answer.

    Each first function is non-decreasing in the stored date, which is what lets one
    bound on the column stand for the whole condition.
    """
    decision, ceremony = s.decision_deadline_workdays, s.ceremony_deadline_workdays
    recognition, decided = s.recognition_overdue_workdays, s.recognition_decision_workdays
    probation, warn_probation = s.probation_months, timedelta(days=s.probation_warn_days)
    cert, warn_cert = s.certificate_valid_months, timedelta(days=s.certificate_warn_days)
    return {
        "no_decision": (
            lambda d: add_working_days(d, decision, holidays),
            lambda t: add_working_days(t, -decision, holidays),
        ),
        "no_ceremony": (
            lambda d: add_working_days(d, ceremony, holidays),
            lambda t: add_working_days(t, -ceremony, holidays),
        ),
        "probation_ending": (
            lambda d: probation_end(d, s) - warn_probation,
            lambda t: add_months(t + warn_probation, -probation),
        ),
        "recognition_overdue": (
            lambda d: add_working_days(probation_end(d, s), recognition, holidays),
            lambda t: add_months(add_working_days(t, -recognition, holidays), -probation),
        ),
        "recognition_decision_overdue": (
            lambda d: add_working_days(d, decided, holidays),
            lambda t: add_working_days(t, -decided, holidays),
        ),
        "certificate_expiring": (
            lambda d: certificate_expiry(d, s) - warn_cert,
            lambda t: add_months(t + warn_cert, -cert),
        ),
        "turning_18": (lambda d: adult_date(d, s), lambda t: add_months(t, -s.min_age_months)),
        "stalled": (
            lambda d: add_months(d, s.stalled_months),
            lambda t: add_months(t, -s.stalled_months),
        ),
    }


def _last_date_where(due: Callable[[date], date], limit: date, guess: date) -> date:
    """The latest d with due(d) <= limit, for a non-decreasing due (searched from guess)."""
    d = guess
    while due(d) > limit:
        d -= ONE_DAY
    while due(d + ONE_DAY) <= limit:
        d += ONE_DAY
    return d


def alert_windows(
    today: date, holidays: Calendar, settings: RuleSettings = DEFAULT_SETTINGS
) -> dict[str, DateWindow]:
    """For each alert kind, the WHERE-clause window over stored columns that makes it fire."""
    s = settings
    kinds = _due_functions(holidays, s)

    def last(kind: str, limit: date = today) -> date:
        due, guess = kinds[kind]
        return _last_date_where(due, limit, guess(limit))

    # A deadline's alert starts the day after its last allowed day: its due date is
    # before today.
    yesterday = today - ONE_DAY
    overdue_from = last("recognition_overdue", yesterday)
    pending = (*_AFTER_DECISION, _EXITED)
    return {
        "no_decision": DateWindow(
            _COL[Stage.CELL_RESOLUTION],
            latest=last("no_decision", yesterday),
            null_columns=(_COL[Stage.DECISION], *pending),
        ),
        "no_ceremony": DateWindow(
            _COL[Stage.DECISION], latest=last("no_ceremony", yesterday), null_columns=pending
        ),
        "probation_ending": DateWindow(
            _COL[Stage.ADMITTED],
            earliest=overdue_from + ONE_DAY,
            latest=last("probation_ending"),
            null_columns=(_COL[Stage.FULL_MEMBER], _EXITED, _RECOGNITION),
        ),
        "recognition_overdue": DateWindow(
            _COL[Stage.ADMITTED],
            latest=overdue_from,
            null_columns=(_COL[Stage.FULL_MEMBER], _EXITED, _RECOGNITION),
        ),
        "recognition_decision_overdue": DateWindow(
            _RECOGNITION,
            latest=last("recognition_decision_overdue", yesterday),
            null_columns=(_COL[Stage.FULL_MEMBER], _EXITED),
        ),
        "certificate_expiring": DateWindow(
            _COL[Stage.TRAINED],
            latest=last("certificate_expiring"),
            null_columns=(_COL[Stage.CELL_RESOLUTION], *_AFTER_CELL, _EXITED),
        ),
        "dossier_incomplete": DateWindow(
            _COL[Stage.DOSSIER],
            null_columns=(_COL[Stage.CELL_RESOLUTION], *_AFTER_CELL, _EXITED),
            lapsed=("dossier_valid_until", today),
        ),
        "turning_18": DateWindow(
            "birth_date",
            earliest=last("turning_18") + ONE_DAY,
            latest=last("turning_18", add_months(today, s.turning_18_warn_months)),
            null_columns=(_EXITED,),
            group="student",
        ),
        "stalled": DateWindow("last_event_date", latest=last("stalled"), null_columns=pending),
    }


# --- one candidate ------------------------------------------------------------------------


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
    if trained is None or not _missing(c, Stage.CELL_RESOLUTION, *_STAGES_AFTER_CELL):
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
    if dossier is None or not _missing(c, Stage.CELL_RESOLUTION, *_STAGES_AFTER_CELL):
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


# --- what is due next (candidate page) ----------------------------------------------------


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
