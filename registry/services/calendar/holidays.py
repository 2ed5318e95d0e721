"""Public holidays: seeded from the shipped list, editable by admins."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.refdata import read_csv
from registry.models import Holiday


def seed_holidays(session: Session) -> int:
    """Add the shipped holidays that the table does not have yet; returns how many."""
    have = set(session.scalars(select(Holiday.day)))
    added = 0
    for row in read_csv("holidays.csv"):
        day = date.fromisoformat(row["date"])
        if day not in have:
            session.add(Holiday(day=day, name=row["name"], kind=row["kind"]))
            added += 1
    return added


def holiday_set(session: Session) -> frozenset[date]:
    return frozenset(session.scalars(select(Holiday.day)))
