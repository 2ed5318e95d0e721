"""Background jobs: long work (imports, rollbacks, large exports) run off the request."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import Model
from registry.models._types import one_of, utcnow

if TYPE_CHECKING:
    from registry.models.accounts import User

JOB_KINDS = ("import_preview", "import_commit", "rollback", "export")
# queued → running → done | failed | cancelled; a queued job may be cancelled directly.
JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = ("done", "failed", "cancelled")


class Job(Model):
    """One piece of long work asked for by a user, its state and its result.

    The work's own writes and the job's "done" are committed in one transaction; the live
    progress lives in the job queue's storage (registry.services.jobs.queue), which a
    transaction holding SQLite's write lock does not block.
    """

    __tablename__ = "job"
    __table_args__ = (
        one_of("kind", JOB_KINDS),
        one_of("status", JOB_STATUSES),
        Index("ix_job_user_created", "user_id", "created_at"),
        {"sqlite_autoincrement": True},  # job ids are named in links
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), index=True
    )
    # What the job is about, as the list shows it (a file name, a report and its period).
    title: Mapped[str] = mapped_column(String(255))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Why it failed, or what it did, in Vietnamese.
    message: Mapped[str | None] = mapped_column(Text)
    # An export's workbook, until it is dropped after JOB_RESULT_DAYS.
    file: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    file_name: Mapped[str | None] = mapped_column(String(255))
    # host:pid of the process running it, so a restart can tell a job whose process died.
    worker: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

    @property
    def finished(self) -> bool:
        return self.status in FINISHED
