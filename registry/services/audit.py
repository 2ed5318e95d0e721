"""Writing the audit log: every change and every view of personal data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from registry.models import AuditLog, User

# The actor of what a command-line run does without an account (--user not given).
COMMAND_LINE = "dòng lệnh"


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any]:
    """Column values of a model instance, JSON-ready, for before/after records."""
    names = fields or [c.key for c in inspect(obj).mapper.column_attrs]
    return {name: _plain(getattr(obj, name)) for name in names}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, from each side."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    session: Session,
    actor: User | str | None,
    action: str,
    entity: str,
    entity_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Add one audit entry (flushed with the change it describes)."""
    user = actor if isinstance(actor, User) else None
    name = actor.username if isinstance(actor, User) else (actor or "hệ thống")
    entry = AuditLog(
        user_id=user.id if user else None,
        actor=name,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
        ip=request.remote_addr if has_request_context() else None,
    )
    session.add(entry)
    return entry


def record_saved(
    session: Session,
    actor: User | str | None,
    entity: str,
    entity_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Log a creation (`before` None) or the fields an update changed (nothing if none)."""
    if before is None:
        record(session, actor, "create", entity, entity_id, after=after)
        return
    old, new = changed(before, after)
    if new:
        record(session, actor, "update", entity, entity_id, old, new)


def delete_recorded(
    session: Session, actor: User | str | None, entity: str, obj: Any, fields: list[str]
) -> None:
    """Delete `obj` and log what it held."""
    before, entity_id = snapshot(obj, fields), obj.id
    session.delete(obj)
    session.flush()
    record(session, actor, "delete", entity, entity_id, before=before)
