"""Where candidates come from: areas, units, party cells, surveys, targets."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.domain.vocabulary import (
    AREA_LEVELS,
    CELL_KINDS,
    GROUPS,
    PARTY_ORG_KINDS,
    SUBGROUPS,
    UNIT_KINDS,
)
from registry.extensions import Model
from registry.models._types import one_of, utcnow


class Area(Model):
    """An administrative area; `path` ("/1/4/17/") makes subtree queries one LIKE.

    A code is unique within its validity, not for ever (the merged Lào Cai took Yên Bái's
    15 on 1 July 2025): triggers of migration 0014 refuse two areas of one code whose
    validity overlaps, whatever the write path.
    """

    __tablename__ = "area"
    __table_args__ = (
        one_of("level", AREA_LEVELS),
        CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from", name="validity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    depth: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    disadvantaged: Mapped[bool] = mapped_column(Boolean, default=False)

    parent: Mapped[Area | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Area]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Area.name"
    )
    successor: Mapped[Area | None] = relationship(remote_side=[id], foreign_keys=[successor_id])

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def overlaps(self, valid_from: date | None, valid_to: date | None) -> bool:
        """Whether this area's validity shares a day with [valid_from, valid_to]."""
        return (self.valid_from is None or valid_to is None or self.valid_from <= valid_to) and (
            self.valid_to is None or valid_from is None or valid_from <= self.valid_to
        )

    def __repr__(self) -> str:
        return f"<Area {self.code} {self.name}>"


class PartyCell(Model):
    """A chi bộ; a chi bộ trực thuộc needs its đảng ủy cơ sở's resolution too."""

    __tablename__ = "party_cell"
    __table_args__ = (one_of("kind", CELL_KINDS), UniqueConstraint("area_id", "name_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="co_so")
    parent_org: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    area: Mapped[Area] = relationship()
    units: Mapped[list[Unit]] = relationship(back_populates="cell", order_by="Unit.name")

    @property
    def needs_committee(self) -> bool:
        return self.kind == "truc_thuoc"


class Unit(Model):
    """A school, centre, college or enterprise."""

    __tablename__ = "unit"
    __table_args__ = (
        one_of("kind", UNIT_KINDS),
        CheckConstraint("tax_code IS NULL OR length(tax_code) IN (10, 14)", name="tax_code_length"),
        Index("ix_unit_area_kind", "area_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("party_cell.id"), index=True)
    # Vietnamese MST: 10 digits, or 10 + "-" + 3 for a branch (stored with the dash).
    tax_code: Mapped[str | None] = mapped_column(String(14))
    address: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    area: Mapped[Area] = relationship()
    cell: Mapped[PartyCell | None] = relationship(back_populates="units")
    surveys: Mapped[list[EnterpriseSurvey]] = relationship(
        back_populates="unit", order_by="EnterpriseSurvey.survey_date.desc()"
    )


class EnterpriseSurvey(Model):
    """The Chỉ thị 33 facts of an enterprise on a given date."""

    __tablename__ = "enterprise_survey"
    __table_args__ = (
        UniqueConstraint("unit_id", "survey_date"),
        one_of("party_org", PARTY_ORG_KINDS),
        CheckConstraint(
            "workers >= 0 AND party_members >= 0 AND party_members_held >= 0"
            " AND party_members_held <= party_members"
            " AND trade_union_members >= 0 AND youth_union_members >= 0",
            name="non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    survey_date: Mapped[date] = mapped_column(Date)
    operating: Mapped[bool] = mapped_column(Boolean, default=True)
    workers: Mapped[int] = mapped_column(Integer, default=0)
    party_org: Mapped[str] = mapped_column(String(20), default="none")
    party_members: Mapped[int] = mapped_column(Integer, default=0)
    # Members working there whose membership is held in the enterprise's own organisation.
    party_members_held: Mapped[int] = mapped_column(Integer, default=0)
    owner_is_member: Mapped[bool] = mapped_column(Boolean, default=False)
    has_trade_union: Mapped[bool] = mapped_column(Boolean, default=False)
    trade_union_members: Mapped[int] = mapped_column(Integer, default=0)
    has_youth_union: Mapped[bool] = mapped_column(Boolean, default=False)
    youth_union_members: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(back_populates="surveys")


class Target(Model):
    """How many to admit in a year, for an area or a unit and one group, or one subgroup
    of it (`subgroup` None: the whole group). Which one applies to a report:
    registry.services.org.targets."""

    __tablename__ = "target"
    __table_args__ = (
        one_of("group_code", GROUPS),
        one_of("subgroup", SUBGROUPS),
        CheckConstraint("(area_id IS NULL) <> (unit_id IS NULL)", name="one_owner"),
        CheckConstraint("count >= 0", name="count_non_negative"),
        UniqueConstraint("year", "group_code", "subgroup", "area_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    group_code: Mapped[str] = mapped_column(String(10))
    subgroup: Mapped[str | None] = mapped_column(String(12))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    count: Mapped[int] = mapped_column(Integer)

    area: Mapped[Area | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
