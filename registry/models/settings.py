"""Named settings, province-wide or for one area."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import Model


class Setting(Model):
    """A named setting, province-wide (area_id NULL) or for one area (report signers)."""

    __tablename__ = "setting"
    __table_args__ = (UniqueConstraint("key", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    value: Mapped[str] = mapped_column(Text, default="")
