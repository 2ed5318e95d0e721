"""Choices of the report forms that depend on the user's scope."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.textutil import fold
from registry.models import Area, User
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
