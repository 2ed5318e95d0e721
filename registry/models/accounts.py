"""People who use the registry, and the record of what they did."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from registry.domain.vocabulary import ROLES, SUBGROUPS
from registry.extensions import Model
from registry.models._types import one_of, utcnow

if TYPE_CHECKING:
    from registry.models.areas import Area, PartyCell
    from registry.models.organisations import Organisation


class User(UserMixin, Model):
    __tablename__ = "user"
    __table_args__ = (
        one_of("role", ROLES),
        CheckConstraint("role <> 'area' OR area_id IS NOT NULL", name="area_role_has_area"),
        CheckConstraint("role <> 'cell' OR cell_id IS NOT NULL", name="cell_role_has_cell"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(10))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("party_cell.id"))
    # The body the person works for: its header and signer are on what they download.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Optional restriction to a set of subgroups, comma-separated in SUBGROUPS order
    # (empty: every group); registry.scoping reads it.
    subgroups: Mapped[str] = mapped_column(String(60), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    # Copied into the session at sign-in and compared on every request: raising it (sign
    # out, a new password, a reset, disabling) ends every session opened before.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    area: Mapped[Area | None] = relationship()
    cell: Mapped[PartyCell | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def subgroup_codes(self) -> tuple[str, ...]:
        return tuple(code for code in (self.subgroups or "").split(",") if code in SUBGROUPS)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return ROLES[self.role]

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class AuditLog(Model):
    """Append-only: who did what, with the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User | None] = relationship()


class RateLimitCounter(Model):
    """A rate-limit window (sign-in attempts) kept where every worker sees it, when no
    Redis is configured: one row per key, its hits and when the window ends."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    # Seconds since the epoch, as the rate-limit library counts.
    expires_at: Mapped[float] = mapped_column(Float, index=True)
