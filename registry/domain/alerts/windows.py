"""The alerts as WHERE clauses: alert_windows(today, ...) turns each kind into a
DateWindow, bounds on one stored date column plus columns that must be NULL, so the
database lists a kind over a million candidates with one indexed WHERE clause instead of
per-row Python (services/candidates/alert_lists.window_clause).

DateWindow.matches states the semantics exactly; the tests check that the windows agree
with alerts_for (registry.domain.alerts.candidate). Each bound is found by searching for
the last stored date whose due date is still within the limit (_last_date_where), which
is sound because each kind's due date never decreases as its stored date grows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from registry.domain.alerts.columns import EXITED_COLUMN, RECOGNITION_COLUMN, STAGES_AFTER_CELL
from registry.domain.rules.dates import adult_date, certificate_expiry, probation_end
from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.vocabulary import STAGE_DATE_COLUMNS, Stage
from registry.domain.workdays import ONE_DAY, Calendar, add_months, add_working_days

_COL = STAGE_DATE_COLUMNS
# Columns that, when filled, mean the step an alert waits for has happened (or been
# skipped past), so the alert no longer applies.
_AFTER_CELL = tuple(_COL[s] for s in STAGES_AFTER_CELL)
_AFTER_DECISION = (_COL[Stage.ADMITTED], _COL[Stage.FULL_MEMBER])


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
    pending = (*_AFTER_DECISION, EXITED_COLUMN)
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
            null_columns=(_COL[Stage.FULL_MEMBER], EXITED_COLUMN, RECOGNITION_COLUMN),
        ),
        "recognition_overdue": DateWindow(
            _COL[Stage.ADMITTED],
            latest=overdue_from,
            null_columns=(_COL[Stage.FULL_MEMBER], EXITED_COLUMN, RECOGNITION_COLUMN),
        ),
        "recognition_decision_overdue": DateWindow(
            RECOGNITION_COLUMN,
            latest=last("recognition_decision_overdue", yesterday),
            null_columns=(_COL[Stage.FULL_MEMBER], EXITED_COLUMN),
        ),
        "certificate_expiring": DateWindow(
            _COL[Stage.TRAINED],
            latest=last("certificate_expiring"),
            null_columns=(_COL[Stage.CELL_RESOLUTION], *_AFTER_CELL, EXITED_COLUMN),
        ),
        "dossier_incomplete": DateWindow(
            _COL[Stage.DOSSIER],
            null_columns=(_COL[Stage.CELL_RESOLUTION], *_AFTER_CELL, EXITED_COLUMN),
            lapsed=("dossier_valid_until", today),
        ),
        "turning_18": DateWindow(
            "birth_date",
            earliest=last("turning_18") + ONE_DAY,
            latest=last("turning_18", add_months(today, s.turning_18_warn_months)),
            null_columns=(EXITED_COLUMN,),
            group="student",
        ),
        "stalled": DateWindow("last_event_date", latest=last("stalled"), null_columns=pending),
    }
