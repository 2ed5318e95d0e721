"""SQL constructs that ask SQLite for a better plan and read as plain SQL elsewhere.

SQLite's planner, at a million candidates, likes to walk an index in order and fetch
every row to test a condition the index cannot answer; these elements steer it to
the cheaper plan without changing any result.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Boolean, Column, ColumnElement, and_, column, or_, select, table, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType, replacement_traverse

from registry.models import Candidate


class Matching(ColumnElement[bool]):
    """A search condition that SQLite, over a whole province, answers from an index of
    its own.

    Inline, SQLite's planner walks the sort (or stage) index and fetches every row to
    test the LIKE patterns: seconds at a million candidates. A name search (`fts`, the
    words as an FTS5 query) first takes the ids from the full-text index of names
    (migration 0005: milliseconds), and the patterns then decide on those rows only.
    Otherwise (digits) the condition becomes `id IN (SELECT id ...)`, which tests the
    patterns once per entry of the narrow id_number index. Inside a cell, a unit or an
    area the inline form is the quick one, and PostgreSQL always takes it (its trigram
    index answers the patterns).
    """

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # no "= 1" after it on SQLite
    # Declared per instance by SQLAlchemy, shared by the class as in its own elements.
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012
        ("condition", InternalTraversal.dp_clauseelement),
        ("wide", InternalTraversal.dp_boolean),
        ("fts", InternalTraversal.dp_string),
    ]

    def __init__(self, condition: ColumnElement[bool], wide: bool, fts: str = "") -> None:
        self.condition = condition
        self.wide = wide
        self.fts = fts


_NAMES = table("candidate_name", column("rowid"), column("candidate_name"))


def fts_query(words: list[str]) -> str:
    """The FTS5 query "every word starts a word of the name" (`"nguyen"* AND "duc"*`);
    words that are not plain letters and digits are left to the LIKE patterns."""
    return " AND ".join(f'"{w}"*' for w in words if w.isalnum())


@compiles(Matching)
def _inline(element: Matching, compiler, **kw) -> str:
    return f"({compiler.process(element.condition, **kw)})"


@compiles(Matching, "sqlite")
def _sqlite(element: Matching, compiler, **kw) -> str:
    if not element.wide:
        return f"({compiler.process(element.condition, **kw)})"
    if element.fts:
        named = select(_NAMES.c.rowid).where(_NAMES.c.candidate_name.op("MATCH")(element.fts))
        return compiler.process(and_(Candidate.id.in_(named), element.condition), **kw)
    matched = Candidate.__table__.alias("matched")
    condition = ClauseAdapter(matched).traverse(element.condition)
    return compiler.process(Candidate.id.in_(select(matched.c.id).where(condition)), **kw)


class Unindexed(ColumnElement[str]):
    """A column that SQLite must not read through an index (`+column`, a no-op there).

    Grouping the counts by stage, SQLite likes to walk the (stage, unit_id) index and
    fetch each row to test the other filters: a million random reads. Once a filter
    reads other columns, a plain scan grouped in a temporary b-tree is several times
    faster. Other databases see the bare column.
    """

    inherit_cache = True
    # Declared per instance by SQLAlchemy, shared by the class as in its own elements.
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012
        ("column", InternalTraversal.dp_clauseelement)
    ]

    def __init__(self, column: ColumnElement[Any] | QueryableAttribute[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(Unindexed)
def _bare(element: Unindexed, compiler, **kw) -> str:
    return compiler.process(element.column, **kw)


@compiles(Unindexed, "sqlite")
def _plus(element: Unindexed, compiler, **kw) -> str:
    return "+" + compiler.process(element.column, **kw)


class WordStart(ColumnElement[bool]):
    """`word` starts a word of `column` (text already folded): `LIKE 'w%' OR LIKE '% w%'`,
    and on PostgreSQL the one regular expression `~ '(^| )w'`.

    Two LIKEs per word make PostgreSQL read the trigram index once per word and keep only
    the most selective scan; one expression per word lets it answer every word of the
    search in a single index scan (a three-word name at a million candidates: 14 ms
    instead of 57 ms). Same rows either way.
    """

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    # Declared per instance by SQLAlchemy, shared by the class as in its own elements.
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012
        ("column", InternalTraversal.dp_clauseelement),
        ("word", InternalTraversal.dp_string),
    ]

    def __init__(self, column: ColumnElement[str] | QueryableAttribute[str], word: str) -> None:
        # The column itself, not an ORM attribute, so that an adapter (Matching) can swap it.
        self.column = coercions.expect(roles.ExpressionElementRole, column)
        self.word = word


@compiles(WordStart)
def _word_likes(element: WordStart, compiler, **kw) -> str:
    word = re.sub(r"([\\%_])", r"\\\1", element.word)
    column = element.column
    likes = or_(column.like(f"{word}%", escape="\\"), column.like(f"% {word}%", escape="\\"))
    return f"({compiler.process(likes, **kw)})"


@compiles(WordStart, "postgresql")
def _word_regex(element: WordStart, compiler, **kw) -> str:
    pattern = f"(^| ){re.escape(element.word)}"
    # Inside a cell or a unit (see ScopedSearch) the column is written as an expression the
    # trigram index does not hold, so that the rows are read off the cell's own index.
    column = element.column if kw.get("name_index", True) else element.column.concat("")
    return compiler.process(column.regexp_match(pattern), **kw)


class ScopedSearch(ColumnElement[bool]):
    """A search condition where the rest of the query narrows the candidates to a cell or
    a unit (`reach` "unit") or to an area ("area", `within` the conditions that do so), as
    PostgreSQL should read it; the bare condition elsewhere.

    Inside a cell (3,000 people, a few hundred to 15,000) PostgreSQL likes to AND the cell's
    index with the province-wide trigram index: the trigram part alone reads the 65,000
    entries of a common word (20 ms), where testing the cell's rows costs 6 ms. There the
    name words are written so that no index answers them (`WordStart`), and the cell's or
    unit's index finds the rows.

    Over an area (34,000 people) the other way round: for several words PostgreSQL walks
    each unit's index and tests the words on every row of the area (34,000 rows read,
    95–125 ms, twice with the count), where the trigram index finds the few thousand
    people of the province who hold every word. So the condition becomes
    `id IN (SELECT id FROM candidate AS matched WHERE words AND within)`, `within` with
    the unit written `unit_id + 0`, which no index answers: the subquery is the trigram
    index's people of the area, and the page looks them up by id (la duc: 128 of 3,021,
    46 ms from a cold cache against 556 ms).
    """

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    # Declared per instance by SQLAlchemy, shared by the class as in its own elements.
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012
        ("condition", InternalTraversal.dp_clauseelement),
        ("reach", InternalTraversal.dp_string),
        ("within", InternalTraversal.dp_clauseelement),
    ]

    def __init__(
        self, condition: ColumnElement[bool], reach: str, within: ColumnElement[bool] | None = None
    ) -> None:
        self.condition = condition
        self.reach = reach
        self.within = true() if within is None else within


@compiles(ScopedSearch)
def _scoped_inline(element: ScopedSearch, compiler, **kw) -> str:
    return compiler.process(element.condition, **kw)


@compiles(ScopedSearch, "postgresql")
def _scoped_postgresql(search: ScopedSearch, compiler, **kw) -> str:
    if search.reach == "unit":
        return compiler.process(search.condition, **{**kw, "name_index": False})
    candidate = Candidate.__table__
    matched = candidate.alias("matched")

    def to_matched(element: Any, **kw: Any) -> Any:
        if isinstance(element, Column) and element.table is candidate:
            column = matched.c[element.key]
            return column + 0 if element.key == "unit_id" else column
        return None

    where = replacement_traverse(and_(search.within, search.condition), {}, to_matched)
    return compiler.process(Candidate.id.in_(select(matched.c.id).where(where)), **kw)


class ByUnitInNameOrder(ColumnElement[bool]):
    """Always true; on SQLite `candidate.sort_key >= ''` (sort_key is never NULL).

    For the candidates of a set of units in name order, SQLite takes the narrowest index
    on unit_id and sorts the whole area (65 ms for an area at a million candidates). The
    extra range on sort_key is one only (unit_id, sort_key, id) can answer, and with it
    SQLite reads each unit's first rows in order and stops (under 1 ms).
    """

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    # Declared per instance by SQLAlchemy, shared by the class as in its own elements.
    _traverse_internals: _TraverseInternalsType = []  # noqa: RUF012


@compiles(ByUnitInNameOrder)
def _always(element: ByUnitInNameOrder, compiler, **kw) -> str:
    return compiler.process(true(), **kw)


@compiles(ByUnitInNameOrder, "sqlite")
def _sort_key_range(element: ByUnitInNameOrder, compiler, **kw) -> str:
    return compiler.process(Candidate.sort_key >= "", **kw)


class MovedCandidate(ColumnElement[bool]):
    """`id_column` holds the id of a candidate who moved (`candidate.moved`), found
    through the partial index ix_candidate_moved: `… IN (SELECT id FROM candidate …)`.

    SQLite keeps no statistics for a partial index that is empty or was never analysed,
    so it scans a covering index of every candidate instead (a tenth of a second per
    report part at a million); there the index is named with INDEXED BY, which
    SQLAlchemy writes for no SQLite table, hence this element. Other databases choose the
    partial index by themselves.
    """

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    # Declared per instance by SQLAlchemy, shared by the class as in its own elements.
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012
        ("id_column", InternalTraversal.dp_clauseelement)
    ]

    def __init__(self, id_column: ColumnElement[Any] | QueryableAttribute[Any]) -> None:
        self.id_column = id_column


@compiles(MovedCandidate)
def _moved(element: MovedCandidate, compiler, **kw) -> str:
    ids = compiler.process(element.id_column, **kw)
    return f"{ids} IN (SELECT id FROM candidate WHERE moved)"


@compiles(MovedCandidate, "sqlite")
def _moved_sqlite(element: MovedCandidate, compiler, **kw) -> str:
    ids = compiler.process(element.id_column, **kw)
    return f"{ids} IN (SELECT id FROM candidate INDEXED BY ix_candidate_moved WHERE moved = 1)"
