"""The audit log, read only: filters, newest first, a page at a time.

There is deliberately no route that edits or deletes an entry.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import select

from registry import access
from registry.admin import bp
from registry.admin.audit_display import action_label, changes, entity_label
from registry.domain.workdays import VN_TZ, typed_day
from registry.extensions import db
from registry.models import AuditLog, User
from registry.scoping import db_int

PER_PAGE = 50


def _utc(day: date, end: bool = False) -> datetime:
    """Start (or end) of a Vietnamese calendar day as the naive UTC time the log stores."""
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min, tzinfo=VN_TZ)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _filtered(problems: list[str]):
    args = request.args
    stmt = select(AuditLog)
    if args.get("user", type=db_int):
        stmt = stmt.where(AuditLog.user_id == args.get("user", type=db_int))
    elif args.get("user") == "system":
        stmt = stmt.where(AuditLog.user_id.is_(None))
    if args.get("action"):
        stmt = stmt.where(AuditLog.action == args["action"])
    if args.get("entity"):
        stmt = stmt.where(AuditLog.entity == args["entity"])
    if args.get("entity_id", type=db_int):
        stmt = stmt.where(AuditLog.entity_id == args.get("entity_id", type=db_int))
    start = typed_day(request.args.get("from"), "Từ ngày", problems)
    end = typed_day(request.args.get("to"), "Đến ngày", problems)
    if start:
        stmt = stmt.where(AuditLog.at >= _utc(start))
    if end:
        stmt = stmt.where(AuditLog.at < _utc(end, end=True))
    return stmt


@bp.route("/audit")
@access.requires(access.ADMINISTER)
def audit() -> str:
    # Keyset pages (id descending): the log only grows, and counting it all is not needed.
    before = request.args.get("before", type=db_int)
    problems: list[str] = []
    stmt = _filtered(problems)
    if before:
        stmt = stmt.where(AuditLog.id < before)
    entries = list(db.session.scalars(stmt.order_by(AuditLog.id.desc()).limit(PER_PAGE + 1)))
    more = len(entries) > PER_PAGE
    entries = entries[:PER_PAGE]
    next_args = {k: v for k, v in request.args.items() if k != "before"}
    actions = db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action))
    entities = db.session.scalars(select(AuditLog.entity).distinct().order_by(AuditLog.entity))
    return render_template(
        "admin/audit.html",
        entries=entries,
        more=more,
        next_args=dict(next_args, before=entries[-1].id) if more else None,
        first_args=next_args if before else None,
        users=db.session.execute(select(User.id, User.username).order_by(User.username)).all(),
        actions=list(actions),
        entities=list(entities),
        action_label=action_label,
        entity_label=entity_label,
        changes=changes,
        problems=problems,
        args=request.args,
    )
