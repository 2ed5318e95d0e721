"""Keeping an imported file: the ImportBatch every import records (candidates or reference
data), with the file, its checksum and who brought it."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from registry.models import ImportBatch, User
from registry.models._types import utcnow
from registry.services.audit import COMMAND_LINE

if TYPE_CHECKING:
    from registry.services.org.areas import LoadResult


def safe_filename(name: str) -> str:
    """The file's own name: no folders, no control characters, at most 255 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip(" .")
    return base[:255] or "tep_nhap"


def new_batch(
    session: Session,
    user: User | str | None,
    kind: str,
    filename: str,
    data: bytes,
    status: str = "previewed",
    **counts: object,
) -> ImportBatch:
    """A new batch of `kind`; `user` is the account, or the name the audit log gives a
    command (None: the command line)."""
    account = user if isinstance(user, User) else None
    batch = ImportBatch(
        kind=kind,
        filename=safe_filename(filename),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content=data,
        uploaded_by_id=account.id if account is not None else None,
        actor=account.username if account is not None else (user or COMMAND_LINE),
        area_id=account.area_id if account is not None else None,
        status=status,
        **counts,
    )
    session.add(batch)
    return batch


def record_sheet_batch(
    session: Session,
    user: User | str,
    kind: str,
    filename: str,
    data: bytes,
    rows: int,
    result: LoadResult,
) -> ImportBatch:
    """Keep a committed reference-data file with its counts, like every import."""
    return new_batch(
        session,
        user,
        kind,
        filename,
        data,
        status="committed",
        rows=rows,
        new=result.created,
        updated=result.updated,
        unchanged=max(0, rows - result.created - result.updated),
        error_count=0,
        committed_at=utcnow(),
    )
