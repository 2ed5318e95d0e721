"""Deadline alerts over the candidate table: counts per kind and the candidates of a kind.

registry.domain.alerts.windows.alert_windows turns each kind into bounds on one stored
date column plus columns that must be empty; here each window becomes an indexed WHERE
clause, so a million candidates are counted and listed by the database, never looped
over in Python. Only the rows of the page shown go through alerts_for
(registry.domain.alerts.candidate), for their due dates and messages (the same rules,
read forward).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from registry.domain.alerts.candidate import alerts_for
from registry.domain.alerts.kinds import ALERT_KINDS, Alert
from registry.domain.alerts.windows import DateWindow, alert_windows
from registry.domain.rules.settings import RuleSettings
from registry.domain.vocabulary import STAGE_DATE_COLUMNS, Stage
from registry.domain.workdays import Calendar
from registry.models import Candidate, User
from registry.scoping import scope_filter
from registry.services.calendar.holidays import holiday_set
from registry.services.candidates.keyset import Page, keyset_page
from registry.settings import rule_settings

_NOT_EXITED = Candidate.stage != Stage.EXITED.value


def _column(name: str):
    return Candidate.group_code if name == "group" else getattr(Candidate, name)


def window_clause(window: DateWindow) -> ColumnElement[bool]:
    """The WHERE clause that DateWindow.matches states for one row."""
    column = _column(window.column)
    conds = [column.is_not(None)]
    if window.earliest is not None:
        conds.append(column >= window.earliest)
    if window.latest is not None:
        conds.append(column <= window.latest)
    conds.extend(_column(name).is_(None) for name in window.null_columns)
    if window.group is not None:
        conds.append(Candidate.group_code == window.group)
    if window.lapsed is not None:
        until = _column(window.lapsed[0])
        conds.append(or_(until.is_(None), until < window.lapsed[1]))
    return and_(*conds)


def _windows(
    session: Session,
    today: date,
    holidays: Calendar | None,
    settings: RuleSettings | None,
) -> dict[str, DateWindow]:
    if holidays is None:
        holidays = holiday_set(session)
    return alert_windows(today, holidays, settings or rule_settings())


def alert_counts(
    session: Session,
    user: User,
    today: date,
    holidays: Calendar | None = None,
    settings: RuleSettings | None = None,
) -> dict[str, int]:
    """How many candidates in the user's scope have each alert today (one query).

    holidays default to the Holiday table (one more small query when not given).
    """
    clauses = {
        code: window_clause(w) for code, w in _windows(session, today, holidays, settings).items()
    }
    sums = [func.sum(case((clause, 1), else_=0)).label(code) for code, clause in clauses.items()]
    # One pass over the scope. An OR of the windows (to use the date indexes) made SQLite
    # fetch rows index by index, three times slower than this plain scan; PostgreSQL
    # scans either way, since the windows cover most of the pending candidates.
    stmt = select(*sums).where(scope_filter(user, Candidate), _NOT_EXITED)
    row = session.execute(stmt).one()
    return {code: int(row._mapping[code] or 0) for code in ALERT_KINDS}


def alert_query(
    user: User,
    code: str,
    today: date,
    holidays: Calendar,
    settings: RuleSettings | None = None,
) -> Select:
    """SELECT of the candidates in the user's scope that have alert `code` today."""
    window = alert_windows(today, holidays, settings or rule_settings())[code]
    return select(Candidate).where(
        scope_filter(user, Candidate), _NOT_EXITED, window_clause(window)
    )


@dataclass
class AlertRow:
    candidate: Candidate
    alert: Alert | None


@dataclass
class AlertPage:
    rows: list[AlertRow]
    next_cursor: str | None
    prev_cursor: str | None


def alert_facts(candidate: Candidate) -> dict[str, object]:
    """The candidate's stored columns as the alerts read a row (AlertCandidate.from_row)."""
    row: dict[str, object] = {c: getattr(candidate, c) for c in STAGE_DATE_COLUMNS.values()}
    row.update(
        birth_date=candidate.birth_date,
        group=candidate.group_code,
        last_event_date=candidate.last_event_date,
        dossier_valid_until=candidate.dossier_valid_until,
        recognition_resolution_date=candidate.recognition_resolution_date,
        exited=candidate.stage == Stage.EXITED.value,
    )
    return row


def alert_page(
    session: Session,
    user: User,
    code: str,
    today: date,
    holidays: Calendar,
    settings: RuleSettings | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> AlertPage:
    """One page of a kind's candidates, the longest waiting first, with their alert."""
    settings = settings or rule_settings()
    window = alert_windows(today, holidays, settings)[code]
    column = _column(window.column)
    page: Page = keyset_page(
        session,
        alert_query(user, code, today, holidays, settings),
        (column, Candidate.id),
        (_as_date,),
        f"alert-{code}",
        limit,
        cursor,
    )
    rows = []
    for candidate in page.rows:
        found = alerts_for(alert_facts(candidate), today, holidays, settings)
        rows.append(AlertRow(candidate, next((a for a in found if a.code == code), None)))
    return AlertPage(rows, page.next_cursor, page.prev_cursor)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
