"""Admins add and remove public holidays (make-up days, the yearly Tết split)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.workdays import fmt_date
from registry.models import Holiday, User
from registry.services import ServiceError, audit

HOLIDAY_FIELDS = ["day", "name", "kind"]


class HolidayError(ServiceError, ValueError):
    """A change refused; the message is for the user."""


def add_holiday(session: Session, admin: User, day: date, name: str, kind: str) -> Holiday:
    if session.scalar(select(Holiday.id).where(Holiday.day == day)) is not None:
        raise HolidayError(f"Ngày {fmt_date(day)} đã có trong danh sách ngày nghỉ.")
    holiday = Holiday(day=day, name=name, kind=kind)
    session.add(holiday)
    session.flush()
    after = audit.snapshot(holiday, HOLIDAY_FIELDS)
    audit.record(session, admin, "create", "holiday", holiday.id, after=after)
    return holiday


def delete_holiday(session: Session, admin: User, holiday: Holiday) -> None:
    audit.delete_recorded(session, admin, "holiday", holiday, HOLIDAY_FIELDS)
