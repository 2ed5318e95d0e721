"""The working calendar: the days off that deadlines skip and the weekend days worked."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String, false
from sqlalchemy.orm import Mapped, mapped_column

from registry.domain.workdays import HOLIDAY, HOLIDAY_KINDS
from registry.extensions import Model
from registry.models._types import one_of


class Holiday(Model):
    """A calendar day that is not an ordinary one (kinds: domain.workdays.HOLIDAY_KINDS)."""

    __tablename__ = "holiday"
    __table_args__ = (one_of("kind", HOLIDAY_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=HOLIDAY)
    # Where the day comes from (a law, a decision), or how it was computed.
    source: Mapped[str | None] = mapped_column(String(200))
    # No decision seen: derived by a rule (make-up days, Tết and Quốc khánh of future years).
    computed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
