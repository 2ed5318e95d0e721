"""The SELECT a filter set makes: its WHERE clauses, the name search shaped for its reach.

`build_query(user, filters)` is the SELECT of the candidates the filters select, already
inside the user's scope, so a report can count exactly what the list shows.

Search: a query of digits (spaces and dots allowed) is a CCCD/CMND: 12 digits match
exactly (the unique index), fewer match the last digits. Anything else is a name: every
word of the folded query ("nguyen van duc", "Nguyễn Văn Đức", "NGUYEN", "van duc") must
start a word of the folded name (name_key), in any order. Over a province or an area
the page and the counts walk the word table in name order (`word_walk`, `word_search`);
inside a unit or a cell, and where the word table hands it back, the query itself
answers, shaped for its reach (`search_reach`, sqlite_plans.ScopedSearch): on PostgreSQL
a cell's or unit's own rows are tested, an area's people of several words are found by
the trigram GIN index on name_key; SQLite reads them off its full-text index or the
narrow name_key index (see sqlite_plans).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import Session

from registry.domain.refdata import KINH
from registry.domain.textutil import fold
from registry.models import Area, Candidate, CandidateWord, StageEvent, Unit, User
from registry.scoping import full_scope, scope_filter, scope_role
from registry.services.candidates import word_search
from registry.services.candidates.filtering import STATUS_STAGES, CandidateFilters
from registry.services.candidates.sqlite_plans import (
    Matching,
    ScopedSearch,
    Unindexed,
    WordStart,
    fts_query,
)

_DIGITS = re.compile(r"^[\d .]+$")


def name_words(q: str) -> list[str]:
    """The folded words of a name search; [] when q is empty or a CCCD search."""
    q = (q or "").strip()
    if not q or _DIGITS.match(q):
        return []
    return [w for w in fold(q).split(" ") if w]


def search_condition(q: str, wide: bool = False) -> ColumnElement[bool] | None:
    """The WHERE clause for the search box (see the module docstring); `wide` when the
    rest of the query does not narrow the candidates to a cell, unit or area."""
    q = (q or "").strip()
    if not q:
        return None
    if _DIGITS.match(q):
        digits = re.sub(r"\D", "", q)
        if len(digits) >= 12:
            return Candidate.id_number == digits
        return Matching(Candidate.id_number.like(f"%{digits}"), wide)
    words = name_words(q)
    if not words:
        return None
    likes = and_(*(WordStart(Candidate.name_key, w) for w in words))
    return Matching(likes, wide, fts_query(words))


def area_units(area_id: int) -> Select:
    """SELECT of the ids of the units in the area and its sub-areas."""
    top = select(Area.path).where(Area.id == area_id).scalar_subquery()
    subtree = select(Area.id).where(Area.path.startswith(top, autoescape=False))
    return select(Unit.id).where(Unit.area_id.in_(subtree))


def _area_condition(area_id: int) -> ColumnElement[bool]:
    return Candidate.unit_id.in_(area_units(area_id))


def _ethnicity_condition(value: str) -> ColumnElement[bool]:
    if value == "kinh":
        return Candidate.ethnicity == KINH
    if value == "minority":
        return and_(Candidate.ethnicity.is_not(None), Candidate.ethnicity != KINH)
    return Candidate.ethnicity == value


def reached_period(f: CandidateFilters) -> list[ColumnElement[bool]]:
    """The conditions on `StageEvent` of the "reached a stage within a period" filter;
    empty when it is not set."""
    if f.reached is None or (f.reached_from is None and f.reached_to is None):
        return []
    period = [StageEvent.stage == f.reached]
    if f.reached_from is not None:
        period.append(StageEvent.event_date >= f.reached_from)
    if f.reached_to is not None:
        period.append(StageEvent.event_date <= f.reached_to)
    return period


def _reached_condition(
    f: CandidateFilters, ordered: bool = False, dense: bool = False
) -> ColumnElement[bool] | None:
    """An event of the stage dated within the period (the events are what reports count,
    so a renewed certificate or a past period reads the same as in a report).

    `ordered`, for a page read in the list's order: SQLite then walks the order's index
    and tests each entry against the period's people, where it would fetch every one of
    them by id and sort them (the admissions of a year at a million: 0.6 s against
    60 ms; a single day costs 30 ms either way). `dense` (`paging.dense_period`: the
    period holds many people) tests each entry by its own events instead, so the page
    stops after a few hundred entries without first collecting the period's people
    (the admissions of a year, SQLite: 96 → 2 ms; for a sparse period the walk would
    probe the whole order). A capped count reads the events themselves
    (`counting._counted`)."""
    period = reached_period(f)
    if not period:
        return None
    if ordered and dense:
        own = select(StageEvent.id).where(StageEvent.candidate_id == Candidate.id, *period)
        return own.exists()
    events = select(StageEvent.candidate_id).where(*period)
    return (Unindexed(Candidate.id) if ordered else Candidate.id).in_(events)


def search_reach(user: User, f: CandidateFilters) -> str:
    """How far the scope and the filters let a search reach: "province", "area" or "unit"
    (a unit or a cell); it only changes how the database is asked, not the result."""
    if scope_role(user) == "cell" or f.unit or f.cell:
        return "unit"
    return "province" if full_scope(user) and not f.area else "area"


def _scoped_search(user: User | None, f: CandidateFilters) -> ColumnElement[bool] | None:
    """The search condition, shaped for how far it reaches (`ScopedSearch`)."""
    reach = search_reach(user, f) if user is not None else "area"
    condition = search_condition(f.q, reach == "province")
    if condition is None or user is None or reach == "province":
        return condition
    if reach == "unit":
        return ScopedSearch(condition, reach)
    if len(name_words(f.q)) < 2:
        # One word over an area: the trigram entries of a common word outnumber the area.
        return condition
    area = [_area_condition(f.area)] if f.area else []
    return ScopedSearch(condition, reach, and_(scope_filter(user, Candidate), *area))


def filter_conditions(
    f: CandidateFilters,
    *,
    with_stage: bool = True,
    user: User | None = None,
    ordered: bool = False,
    dense: bool = False,
) -> list[ColumnElement]:
    """The WHERE clauses of the filters (scope not included); `user` shapes the search for
    how far the scope and the filters let it reach (`search_reach`), `ordered` says the
    rows are read in the list's order, not counted, and `dense` that the period of the
    "reached" filter holds many people (`_reached_condition`): they change only how the
    database is asked, not the result."""
    conds: list[ColumnElement | None] = [
        _scoped_search(user, f),
        _area_condition(f.area) if f.area else None,
        Candidate.unit_id == f.unit if f.unit else None,
        Candidate.cell_id == f.cell if f.cell else None,
        Candidate.group_code == f.group if f.group else None,
        Candidate.subgroup == f.subgroup if f.subgroup else None,
        Candidate.stage.in_(STATUS_STAGES[f.status]) if f.status else None,
        Candidate.gender == f.gender if f.gender else None,
        _ethnicity_condition(f.ethnicity) if f.ethnicity else None,
        _reached_condition(f, ordered, dense),
    ]
    if with_stage and f.stage:
        conds.append(Candidate.stage == f.stage)
    if f.source_year:
        # A year holds a fifth of the candidates: walking the name order and testing the
        # date finds a page at once, where SQLite would read the year by a date index
        # and sort it (0.5 s at a million).
        entered = Unindexed(Candidate.source_date)
        conds.append(entered >= date(f.source_year, 1, 1))
        conds.append(entered <= date(f.source_year, 12, 31))
    return [c for c in conds if c is not None]


def build_query(user: User, filters: CandidateFilters, *, dense: bool = False) -> Select:
    """SELECT of the candidates the filters select, within the user's scope (unordered);
    `dense`: see `_reached_condition` (the plan only).

    Check the ids with `check_scope` first: an id outside the scope must answer 404,
    not an empty list.
    """
    conditions = filter_conditions(filters, user=user, ordered=True, dense=dense)
    return select(Candidate).where(scope_filter(user, Candidate), *conditions)


def word_walk(
    session: Session,
    user: User,
    f: CandidateFilters,
    *,
    with_stage: bool,
    limit: int,
    after: list[Any] | None = None,
    backwards: bool = False,
    each_once: bool = True,
) -> word_search.Walk | None:
    """The matches of a name search through the word table, or None where the table is
    not the quick way: no name words, or a cell or unit (their own index holds a few
    hundred rows, tested at once). The scope and the area are decided on the word's
    entry; the other filters on the candidate's row."""
    words = name_words(f.q)
    if not words or f.unit or f.cell or scope_role(user) == "cell":
        return None
    entries = [scope_filter(user, CandidateWord)]
    if f.area:
        entries.append(CandidateWord.unit_id.in_(area_units(f.area)))
    rows = filter_conditions(replace(f, q="", area=None), with_stage=with_stage)
    return word_search.walk(
        session, words, entries, rows, after, backwards, limit, each_once=each_once
    )
