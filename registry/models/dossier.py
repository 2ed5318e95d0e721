"""A candidate's admission and recognition file: its documents and its introducers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.domain.dossier import DOSSIER_KINDS, INTRODUCER_KINDS
from registry.extensions import Model
from registry.models._types import one_of, utcnow


class DossierItem(Model):
    """One document of the file: its kind, date, number and who checked it."""

    __tablename__ = "dossier_item"
    __table_args__ = (
        one_of("kind", DOSSIER_KINDS),
        Index("ix_dossier_item_candidate", "candidate_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    # Free text: the form numbers other than Mẫu 1-KNĐ are unconfirmed.
    number: Mapped[str | None] = mapped_column(String(60))
    checked_by: Mapped[str | None] = mapped_column(String(120))
    # A resolution's vote: full members in favour, of the cell's (or committee's) full members.
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_total: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(255))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Introducer(Model):
    """A full member introducing the candidate, or the union resolution replacing one."""

    __tablename__ = "introducer"
    __table_args__ = (
        one_of("kind", INTRODUCER_KINDS),
        Index("ix_introducer_candidate", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # The member's name, or the union organisation's.
    name: Mapped[str] = mapped_column(String(120))
    # The introduction's date, or the union resolution's.
    day: Mapped[date] = mapped_column(Date)
    number: Mapped[str | None] = mapped_column(String(60))
    full_member_since: Mapped[date | None] = mapped_column(Date)
    months_together: Mapped[int | None] = mapped_column(Integer)
    checked_by: Mapped[str | None] = mapped_column(String(120))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class HelperNote(Model):
    """A dated note by a helper member (đảng viên giúp đỡ) on the candidate's training."""

    __tablename__ = "helper_note"
    __table_args__ = (Index("ix_helper_note_candidate", "candidate_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    # The helper member who wrote or said it.
    helper: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
