"""Choices of the report forms that depend on the user's scope, and the organisation a
reports page works on."""

from __future__ import annotations

from datetime import date

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.textutil import fold
from registry.extensions import db
from registry.models import Area, Organisation, User
from registry.scoping import scope_filter

INDENT = "\u2003"


def area_choices(session: Session, user: User, today: date) -> list[tuple[int, str]]:
    """Areas in scope as a tree (abolished ones too, for reports on earlier periods)."""
    rows = session.execute(
        select(Area.id, Area.name, Area.parent_id, Area.code, Area.valid_from, Area.valid_to).where(
            scope_filter(user, Area)
        )
    ).all()
    ids = {row.id for row in rows}
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id if row.parent_id in ids else None, []).append(row)
    out: list[tuple[int, str]] = []

    def label(row) -> str:
        if row.valid_to is not None and row.valid_to < today:
            return f"{row.name} (đến {row.valid_to:%d/%m/%Y})"
        if row.valid_from is not None and row.valid_from > today:
            return f"{row.name} (từ {row.valid_from:%d/%m/%Y})"
        return row.name

    def walk(parent: int | None, depth: int) -> None:
        # Current areas first, then the abolished ones, each in name order.
        def order(row) -> tuple:
            gone = row.valid_to is not None and row.valid_to < today
            return (gone, fold(row.name), row.code)

        for row in sorted(children.get(parent, []), key=order):
            out.append((row.id, INDENT * depth + label(row)))
            walk(row.id, depth + 1)

    walk(None, 0)
    return out


def organisation_asked(*, admin_default_first: bool = False) -> Organisation | None:
    """The organisation a reports page works on: the user's own, or for an admin the one
    named by ?org=ID; another organisation's id answers 404 for everyone else. With
    `admin_default_first`, an admin who belongs to none gets the first organisation."""
    asked = request.args.get("org", type=int)
    own = current_user.organisation
    if asked is None or (own is not None and asked == own.id):
        if own is None and admin_default_first and current_user.role == "admin":
            return db.session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
        return own
    if current_user.role != "admin":
        abort(404)
    return db.get_or_404(Organisation, asked)
