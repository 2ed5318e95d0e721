"""Column helpers shared by the model modules."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, String, Table

from registry.extensions import Model


def utcnow() -> datetime:
    """Naive UTC timestamp (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


def table_of(model: type[Model]) -> Table:
    """The Table a model is mapped to (declared a FromClause, a Table for every model)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def text_width(model: type[Model], column: str) -> int:
    """The declared length of a String column."""
    kind = table_of(model).c[column].type
    if not isinstance(kind, String) or kind.length is None:
        raise TypeError(f"{model.__name__}.{column} has no declared length")
    return kind.length


def one_of(column: str, values: Iterable[str], name: str | None = None) -> CheckConstraint:
    """CHECK constraint limiting a text column to known codes."""
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name or f"{column}_code")
