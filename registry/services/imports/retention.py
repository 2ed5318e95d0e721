"""Stored import files are kept for IMPORT_FILE_RETENTION_DAYS, then their bytes go.

The batch record stays (who imported what, when, the counts and the errors), so the
history of a list remains readable; only the file, which holds every person's data as
it came, is dropped (DESIGN "Personal data").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from registry.models import ImportBatch, User
from registry.models._types import utcnow
from registry.services import audit


@dataclass
class PurgeResult:
    batch_ids: list[int]
    cutoff: datetime

    @property
    def count(self) -> int:
        return len(self.batch_ids)


def purge_import_files(
    session: Session, actor: User | str | None, days: int, now: datetime | None = None
) -> PurgeResult:
    """Drop the file bytes of batches uploaded more than `days` days ago (one audit entry)."""
    if days < 0:
        raise ValueError("days must not be negative")
    cutoff = (now or utcnow()) - timedelta(days=days)
    ids = list(
        session.scalars(
            select(ImportBatch.id)
            .where(ImportBatch.uploaded_at < cutoff, ImportBatch.content.is_not(None))
            .order_by(ImportBatch.id)
        )
    )
    if ids:
        session.execute(
            update(ImportBatch)
            .where(ImportBatch.id.in_(ids))
            .values(content=None)
            .execution_options(synchronize_session=False)
        )
        audit.record(
            session,
            actor,
            "purge_imports",
            "import_batch",
            None,
            after={"batches": ids, "days": days, "uploaded_before": cutoff.isoformat()},
        )
    session.flush()
    return PurgeResult(ids, cutoff)
