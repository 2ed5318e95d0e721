"""Imported files, kept as they came, and the column mappings people confirmed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import Model
from registry.models._types import one_of, utcnow

if TYPE_CHECKING:
    from registry.models.accounts import User


BATCH_STATUSES = ("previewed", "committed", "rolled_back", "failed")
BATCH_KINDS = ("candidates", "units", "areas", "surveys", "targets")


class ImportBatch(Model):
    __tablename__ = "import_batch"
    __table_args__ = (
        one_of("status", BATCH_STATUSES),
        one_of("kind", BATCH_KINDS),
        {"sqlite_autoincrement": True},  # batch ids are named in links and the audit log
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default="candidates")
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    # The original file; dropped after the retention period (the batch record stays).
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    sheet: Mapped[str | None] = mapped_column(String(120))
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor: Mapped[str] = mapped_column(String(120))
    # The uploader's area at the time; decides who else may see the batch.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(12), default="previewed")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    committed_at: Mapped[datetime | None] = mapped_column(DateTime)
    rolled_back_at: Mapped[datetime | None] = mapped_column(DateTime)

    uploaded_by: Mapped[User | None] = relationship()


class ImportChange(Model):
    """What a committed batch did to one candidate, so the batch can be rolled back."""

    __tablename__ = "import_change"
    __table_args__ = (one_of("action", ("new", "updated")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(8))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ImportMapping(Model):
    """The column mapping its owner confirmed for files with the same header row."""

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("owner", "signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose choice it is (services.imports.batches.mapping_owner): applied only to
    # that owner's files.
    owner: Mapped[str] = mapped_column(String(40), server_default="")
    signature: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
