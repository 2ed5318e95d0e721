"""Keyset pagination: pages that cost the same however deep, with a cursor in the URL."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import QueryableAttribute, Session, joinedload

from registry.models import Candidate
from registry.scoping import MAX_INT


@dataclass
class Page:
    rows: list[Candidate]
    next_cursor: str | None
    prev_cursor: str | None
    # Every row of the statement: a first page (no cursor) with no row after it.
    whole: bool = False
    # A first page in name order whose walk through the word table stopped at its budget
    # short of a page (`paging._word_page`): a count walked the same way stops there too.
    walk_stopped: bool = False


def _encode(tag: str, values: list[Any], before: bool) -> str:
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    raw = json.dumps({"t": tag, "b": int(before), "k": plain}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def whole_number(value: Any) -> int:
    """An integer key or id from a cursor: a float (1e30), a bool or a number no INTEGER
    column holds is a ValueError, so the cursor reads as stale instead of reaching SQL."""
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_INT:
        raise ValueError(value)
    return value


def _decode(
    token: str | None, tag: str, decoders: tuple[Callable[[Any], Any], ...]
) -> tuple[list[Any], bool] | None:
    """(key values, before) from a cursor made for this order; None when absent or stale."""
    if not token:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if data["t"] != tag:
            return None
        *keys, ident = data["k"]
        if len(keys) != len(decoders):
            return None
        values = [decode(v) for decode, v in zip(decoders, keys, strict=True)]
        return [*values, whole_number(ident)], bool(data["b"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None


def cursor_position(
    token: str | None, tag: str, decoders: tuple[Callable[[Any], Any], ...], *, desc: bool = False
) -> tuple[list[Any] | None, bool]:
    """(the key values and id a page starts after, None for the first page; whether the
    page walks the order downwards), as `keyset_page` reads the cursor."""
    decoded = _decode(token, tag, decoders)
    before = bool(decoded and decoded[1])
    return (decoded[0] if decoded else None), desc != before


# The relations a page loads with its candidates, in the page's own statement.
Relations = tuple[QueryableAttribute[Any], ...]
UNIT_AND_CELL: Relations = (Candidate.unit, Candidate.cell)


def keyset_page(
    session: Session,
    stmt: Select,
    keys: tuple,
    decoders: tuple[Callable[[Any], Any], ...],
    tag: str,
    limit: int,
    cursor: str | None,
    *,
    desc: bool = False,
    load: Relations = UNIT_AND_CELL,
) -> Page:
    """Rows of `stmt` (a SELECT of Candidate) ordered by `keys`, the last one Candidate.id.

    A cursor carries the key values of a page's last row (next) or first row (previous)
    and the tag of the order it was made for. The row-value comparison
    (a, b, id) > (:a, :b, :id) is what an index on (a, b, id) answers by seeking, on
    SQLite as on PostgreSQL, so every page costs the same. `load`: the candidates'
    unit and cell come in the same statement (a join on the primary key, after the
    index has found the page), or only those the caller shows.
    """
    decoded = _decode(cursor, tag, decoders)
    before = bool(decoded and decoded[1])
    backwards = desc != before  # walking the order downwards
    if decoded:
        row, values = tuple_(*keys), tuple_(*decoded[0])
        stmt = stmt.where(row < values if backwards else row > values)
    labelled = [k.label(f"_k{i}") for i, k in enumerate(keys)]
    stmt = (
        stmt.add_columns(*labelled)
        .order_by(*(k.desc() if backwards else k.asc() for k in keys))
        .limit(limit + 1)
        .options(*(joinedload(relation) for relation in load))
    )
    result = list(session.execute(stmt).all())
    more = len(result) > limit
    result = result[:limit]
    if before:
        result.reverse()
    whole = decoded is None and not more
    if not result:
        return Page([], None, None, whole)
    has_next = more if not before else True
    has_prev = more if before else decoded is not None
    first, last = list(result[0][1:]), list(result[-1][1:])
    return Page(
        rows=[r[0] for r in result],
        next_cursor=_encode(tag, last, False) if has_next else None,
        prev_cursor=_encode(tag, first, True) if has_prev else None,
        whole=whole,
    )
