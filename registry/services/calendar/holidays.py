"""The working calendar: seeded from the shipped data, make-up days kept by the rule."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from registry.domain import workdays
from registry.domain.workdays import MAKEUP, WorkCalendar, makeup_days, shipped_holidays
from registry.models import Holiday


def _as_day(row: Holiday) -> workdays.Holiday:
    return workdays.Holiday(row.day, row.name, row.kind, row.source or "", row.computed)


def refresh_makeup_days(session: Session) -> None:
    """Derive the make-up days off again from the holidays and days off now stored.

    Called after every change of the table, so a holiday added on a Sunday gets its
    Monday, and removing it frees that Monday again.
    """
    session.execute(delete(Holiday).where(Holiday.kind == MAKEUP))
    rows = [_as_day(h) for h in session.scalars(select(Holiday))]
    for day in makeup_days(rows):
        session.add(
            Holiday(
                day=day.day,
                name=day.name,
                kind=MAKEUP,
                source=day.source,
                computed=True,
            )
        )
    session.flush()


def seed_holidays(session: Session) -> int:
    """Add the shipped calendar days that the table does not have yet; returns how many.

    A day already stored is left as it is (an admin may have corrected it).
    """
    have = set(session.scalars(select(Holiday.day).where(Holiday.kind != MAKEUP)))
    added = 0
    for day in shipped_holidays():
        if day.day not in have:
            session.add(
                Holiday(
                    day=day.day,
                    name=day.name,
                    kind=day.kind,
                    source=day.source,
                    computed=day.computed,
                )
            )
            added += 1
    session.flush()
    refresh_makeup_days(session)
    return added


def holiday_set(session: Session) -> WorkCalendar:
    """The working calendar of the Holiday table (every working-day count uses it)."""
    # Only the day and its kind decide the calendar: two columns, no ORM rows to build.
    rows = session.execute(select(Holiday.day, Holiday.kind))
    return WorkCalendar.of(workdays.Holiday(day, "", kind) for day, kind in rows)
