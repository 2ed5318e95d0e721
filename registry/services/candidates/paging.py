"""The pages of the candidate list: keyset pages in the chosen order, never OFFSET.

A page starts after (or before) a cursor holding the last row's sort values and id, so
page 10,000 costs what page 1 costs (`keyset`). A name search in name order over a
province or an area is paged through the word table (`selection.word_walk`); every other
page is the filters' SELECT (`selection.build_query`) in its order, shaped so that each
database takes its quick plan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.domain.vocabulary import STAGE_DATE_COLUMNS
from registry.models import Candidate, StageEvent, Unit, User
from registry.scoping import full_scope
from registry.services.candidates.filtering import SORTS, CandidateFilters
from registry.services.candidates.keyset import (
    UNIT_AND_CELL,
    Page,
    Relations,
    cursor_position,
    keyset_page,
)
from registry.services.candidates.selection import (
    build_query,
    name_words,
    reached_period,
    word_walk,
)
from registry.services.candidates.sqlite_plans import ByUnitInNameOrder

# A period is dense when its events are at least this share of the candidates (by the
# ids handed out): a page of 50 in list order is then met within about 5,000 entries.
DENSE_SHARE = 100


def fetch_page(
    session: Session,
    user: User,
    filters: CandidateFilters,
    cursor: str | None = None,
    load: Relations = UNIT_AND_CELL,
) -> Page:
    """One page of the list in the chosen order, after (or before) the cursor's row, with
    the relations in `load` (the list page shows only the unit)."""
    stopped = False
    if filters.sort == "name":
        walked = _word_page(session, user, filters, cursor, load)
        if walked is not None and not walked.walk_stopped:
            return walked
        stopped = walked is not None
    spec = SORTS[filters.sort]
    keys = spec.keys()
    if (
        filters.sort == "name"
        and full_scope(user)
        and not (filters.area or filters.unit or filters.cell)
        and name_words(filters.q)
    ):
        # A name search over the province: the database must fetch the matches by the
        # name index and sort them. Ordered by the bare sort_key, PostgreSQL's planner
        # likes to walk the sort index instead, hoping to meet a page of matches soon; the
        # matches of a given name all sit together in that order (it starts with the given
        # name), so it may read most of the table first (1.3 s for "tho" at a million). The
        # same order written as an expression no index holds leaves only the quick plan.
        keys = (Candidate.sort_key + "",)
    stmt = build_query(user, filters, dense=dense_period(session, filters))
    if filters.sort == "name" and (user.role == "area" or filters.area or filters.unit):
        stmt = stmt.where(ByUnitInNameOrder())
    if spec.joins_unit:
        stmt = stmt.join(Unit, Unit.id == Candidate.unit_id)
    tag = f"{filters.sort}{'-' if filters.desc else ''}"
    page = keyset_page(
        session,
        stmt,
        (*keys, Candidate.id),
        spec.decoders,
        tag,
        filters.per_page,
        cursor,
        desc=filters.desc,
        load=load,
    )
    return replace(page, walk_stopped=True) if stopped else page


def dense_period(session: Session, filters: CandidateFilters) -> bool:
    """Whether SQLite should test each entry of the list's order by its own events for
    the "reached within a period" filter (`selection._reached_condition`): when the
    period's events are at least one in DENSE_SHARE of the candidates, counted up to
    that many off their index (2 ms at a million). The walk's length then depends on
    how the matches spread over the order; inside an area or a unit it is bounded by
    their size. PostgreSQL plans both forms alike: never asked."""
    period = reached_period(filters)
    if not period or session.get_bind().dialect.name != "sqlite":
        return False
    enough = (session.scalar(select(func.max(Candidate.id))) or 0) // DENSE_SHARE + 1
    some = select(StageEvent.candidate_id).where(*period).limit(enough).subquery()
    return session.scalar(select(func.count()).select_from(some)) == enough


def _word_page(
    session: Session,
    user: User,
    filters: CandidateFilters,
    cursor: str | None,
    load: Relations,
) -> Page | None:
    """A page in name order of a name search, through the word table; None when the
    table does not answer it (`word_walk`). A walk that stopped at its budget short of a
    page answers an empty page marked `walk_stopped` when it was the first page walked
    forwards without a stage filter (the count then knows its own walk would stop with
    fewer matches than its cap), else None: the caller asks the name index."""
    spec, tag = SORTS["name"], f"name{'-' if filters.desc else ''}"
    after, backwards = cursor_position(cursor, tag, spec.decoders, desc=filters.desc)
    walked = word_walk(
        session,
        user,
        filters,
        with_stage=True,
        limit=filters.per_page + 1,
        after=after,
        backwards=backwards,
    )
    if walked is None:
        return None
    m = walked.matches
    stmt = select(Candidate).join(m, m.c.candidate_id == Candidate.id)
    page = keyset_page(
        session,
        stmt,
        (m.c.sort_key, m.c.candidate_id),
        spec.decoders,
        tag,
        filters.per_page,
        cursor,
        desc=filters.desc,
        load=load,
    )
    before = backwards != filters.desc
    short = (page.prev_cursor if before else page.next_cursor) is None
    if not (walked.bounded and short):
        return page
    counted_alike = cursor is None and not filters.desc and not filters.stage
    return Page([], None, None, walk_stopped=True) if counted_alike else None


# --- display helpers ----------------------------------------------------------------------


def stage_date(candidate: Candidate) -> date | None:
    """The date of the stage the candidate is at."""
    return getattr(candidate, STAGE_DATE_COLUMNS[candidate.stage], None)
