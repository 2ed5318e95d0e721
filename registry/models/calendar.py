"""The working calendar: the non-working days deadlines skip."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import Model


class Holiday(Model):
    """A non-working day for deadline counting."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="fixed")
