"""Admins add and remove calendar days: holidays, the yearly swaps, decided Tết breaks."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.workdays import (
    ENTERED_KINDS,
    HOLIDAY_KINDS,
    MAKEUP,
    SWAP_OFF,
    WORKED,
    fmt_date,
)
from registry.models import Holiday, User
from registry.services import ServiceError, audit
from registry.services.calendar.holidays import refresh_makeup_days

HOLIDAY_FIELDS = ["day", "name", "kind", "source"]


class HolidayError(ServiceError, ValueError):
    """A change refused; the message is for the user."""


def _check(day: date, kind: str) -> None:
    if kind not in ENTERED_KINDS:
        raise HolidayError("Ngày nghỉ bù được tính tự động từ các ngày lễ, không nhập tay.")
    weekend = day.weekday() >= 5
    if kind == WORKED and not weekend:
        raise HolidayError(
            f"Ngày {fmt_date(day)} là ngày thường: ngày làm bù phải là thứ Bảy hoặc Chủ nhật."
        )
    if kind == SWAP_OFF and weekend:
        raise HolidayError(
            f"Ngày {fmt_date(day)} là ngày nghỉ cuối tuần: ngày nghỉ hoán đổi phải là ngày thường."
        )


def add_holiday(
    session: Session, admin: User, day: date, name: str, kind: str, source: str | None = None
) -> Holiday:
    _check(day, kind)
    existing = session.scalar(select(Holiday).where(Holiday.day == day))
    if existing is not None and existing.kind == MAKEUP:
        # A make-up day is derived: the new entry wins and the make-up moves on.
        session.delete(existing)
        session.flush()
        existing = None
    if existing is not None:
        raise HolidayError(
            f"Ngày {fmt_date(day)} đã có trong lịch ngày nghỉ "
            f"({HOLIDAY_KINDS.get(existing.kind, existing.kind)}: {existing.name})."
        )
    holiday = Holiday(day=day, name=name, kind=kind, source=source or None, computed=False)
    session.add(holiday)
    session.flush()
    after = audit.snapshot(holiday, HOLIDAY_FIELDS)
    audit.record(session, admin, "create", "holiday", holiday.id, after=after)
    refresh_makeup_days(session)
    return holiday


def delete_holiday(session: Session, admin: User, holiday: Holiday) -> None:
    if holiday.kind not in ENTERED_KINDS:
        raise HolidayError("Ngày nghỉ bù được tính tự động: hãy xóa hoặc sửa ngày lễ mà nó bù cho.")
    audit.delete_recorded(session, admin, "holiday", holiday, HOLIDAY_FIELDS)
    session.flush()
    refresh_makeup_days(session)
