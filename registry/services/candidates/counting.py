"""The counts above the candidate list: per stage (the stage filter left out) and the total.

For the filters a scope is made of (area, unit, cell, group, subgroup, status) they are
summed from `candidate_tally`, which triggers keep exact, so a province of a million
costs what a cell costs. Other filters count the matching rows themselves, up to
COUNT_CAP, a name search up to SEARCH_COUNT_CAP (through the word table where it
answers, `selection.word_walk`): past it the page says "more than 10,000" (1,000) and
offers the exact count (`count=all`), since a selection that large is read in a report
or narrowed, not paged through. A first page that holds every match gives the counts
too (`page_counts`): a search that finds a few people is read once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, replace

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from registry.models import Candidate, CandidateTally, StageEvent, User
from registry.scoping import full_scope, restriction_of, scope_filter
from registry.services.candidates.filtering import ALL_STAGES, STATUS_STAGES, CandidateFilters
from registry.services.candidates.keyset import Page
from registry.services.candidates.selection import (
    area_units,
    filter_conditions,
    name_words,
    reached_period,
    word_walk,
)
from registry.services.candidates.sqlite_plans import Unindexed

COUNT_CAP = 10_000
# A name search counts fewer: a common given name is 50,000 people, whom no one pages
# through, and each counted match is a row read.
SEARCH_COUNT_CAP = 1_000
# Filters the tally answers (with the scope): the columns it is keyed by.
TALLY_FILTERS = frozenset({"area", "unit", "cell", "group", "subgroup", "status", "stage"})
_VIEW_FIELDS = frozenset({"sort", "desc", "per_page", "problems"})


@dataclass(frozen=True)
class StageCounts:
    """The counts above the list. When `exact` is False more than COUNT_CAP candidates
    match and only that is known: `stages` is empty and `total` is COUNT_CAP."""

    stages: dict[str, int]
    total: int
    exact: bool = True


def _tally_answers(f: CandidateFilters) -> bool:
    defaults = asdict(CandidateFilters())
    return all(
        v == defaults[k] or k in TALLY_FILTERS
        for k, v in asdict(f).items()
        if k not in _VIEW_FIELDS
    )


def _tally_counts(session: Session, user: User, f: CandidateFilters) -> dict[str, int]:
    t = CandidateTally
    conds: list[ColumnElement | None] = [
        scope_filter(user, t),
        t.unit_id.in_(area_units(f.area)) if f.area else None,
        t.unit_id == f.unit if f.unit else None,
        t.cell_id == f.cell if f.cell else None,
        t.group_code == f.group if f.group else None,
        t.subgroup == f.subgroup if f.subgroup else None,
        t.stage.in_(STATUS_STAGES[f.status]) if f.status else None,
    ]
    stmt = (
        select(t.stage, func.sum(t.n)).where(*(c for c in conds if c is not None)).group_by(t.stage)
    )
    return {stage: int(n) for stage, n in session.execute(stmt).all()}


def _counted(session: Session, user: User, f: CandidateFilters, cap: int | None):
    """Per-stage counts of the matching rows themselves, of at most cap + 1 rows."""
    # A capped count of a period reads the period's events in their index's order and
    # fetches each person once, up to the cap; `id IN (the period's people)` would first
    # collect every one of them (the admissions of a year at a million, SQLite: 80 → 41 ms).
    period = reached_period(f) if cap is not None else []
    rest = replace(f, reached=None) if period else f
    conditions = filter_conditions(rest, with_stage=False, user=user)
    if cap is None:
        group = Unindexed(Candidate.stage) if replace(f, stage=None).active else Candidate.stage
        stmt = (
            select(Candidate.stage, func.count())
            .where(scope_filter(user, Candidate), *conditions)
            .group_by(group)
        )
        return dict(session.execute(stmt).tuples().all())
    people: Select
    if period:
        people = (
            select(Candidate.id, Candidate.stage)
            .distinct()
            .join_from(StageEvent, Candidate, Candidate.id == StageEvent.candidate_id)
            .where(*period)
        )
    else:
        people = select(Candidate.stage)
    rows = people.where(scope_filter(user, Candidate), *conditions).limit(cap + 1).subquery()
    stmt = select(rows.c.stage, func.count()).group_by(rows.c.stage)
    return dict(session.execute(stmt).tuples().all())


def _period_past_cap(session: Session, user: User, f: CandidateFilters, cap: int) -> bool:
    """Whether the "reached within a period" filter alone, for a user who sees every
    candidate, selects more than `cap` people: counted off the events' index, no
    candidate read (the admissions of a year at a million, SQLite: 21 → 3 ms). False
    when anything else narrows the list (the period's people must then be read)."""
    period = reached_period(f)
    if not period or not full_scope(user) or restriction_of(user):
        return False
    if filter_conditions(replace(f, reached=None), with_stage=False, user=user):
        return False
    people = select(StageEvent.candidate_id).distinct().where(*period).limit(cap + 1)
    return (session.scalar(select(func.count()).select_from(people.subquery())) or 0) > cap


def _word_counted(
    session: Session, user: User, f: CandidateFilters, cap: int
) -> StageCounts | None:
    """The counts of a name search read through the word table, exact up to `cap`;
    None when the table does not answer it (see `word_walk`)."""
    walked = word_walk(session, user, f, with_stage=False, limit=cap + 1, each_once=False)
    if walked is None:
        return None
    found = list(session.scalars(select(walked.matches.c.candidate_id).limit(cap + 1)))
    people = set(found)
    if len(found) > cap:
        # Past the cap; unless people holding two spellings were read twice.
        return StageCounts({}, cap, exact=False) if len(people) > cap else None
    if walked.bounded:
        return None
    stmt = (
        select(Candidate.stage, func.count())
        .where(Candidate.id.in_(sorted(people)))
        .group_by(Candidate.stage)
    )
    stages = dict.fromkeys(ALL_STAGES, 0) | dict(session.execute(stmt).tuples().all())
    return StageCounts(stages, stages[f.stage] if f.stage else sum(stages.values()))


def page_counts(filters: CandidateFilters, page: Page) -> StageCounts | None:
    """The counts read off a page that holds every match (`Page.whole`), or None. Not
    with a stage filter: its counts are of every stage, the page's rows of one."""
    if filters.stage or not page.whole:
        return None
    found = Counter(candidate.stage for candidate in page.rows)
    stages = {stage: found.get(stage, 0) for stage in ALL_STAGES}
    return StageCounts(stages, sum(stages.values()))


def list_counts(
    session: Session,
    user: User,
    filters: CandidateFilters,
    *,
    exact: bool = False,
    page: Page | None = None,
) -> StageCounts:
    """The per-stage counts and the total the list shows (see the module docstring);
    `exact` counts every match however many. `page`, the first page of the same filters
    (`fetch_page`), answers when it holds every match (`page_counts`): a search that
    finds a few people is then read once, not again to be counted."""
    tally = _tally_answers(filters)
    cap = None if exact or tally else SEARCH_COUNT_CAP if name_words(filters.q) else COUNT_CAP
    reused = page_counts(filters, page) if page is not None else None
    if reused is not None:
        # The same figures as counted: past the cap (smaller than a page only when a test
        # makes it so) the page says "more than".
        return StageCounts({}, cap, exact=False) if cap and reused.total > cap else reused
    if tally:
        found = _tally_counts(session, user, filters)
    else:
        # A first page whose walk stopped short (`Page.walk_stopped`): the count's walk,
        # over the same entries, would find as few and hand back too (7.5 ms on PostgreSQL
        # for an area officer's "luong thanh").
        skip_walk = page is not None and page.walk_stopped
        walked = _word_counted(session, user, filters, cap) if cap and not skip_walk else None
        if walked is not None:
            return walked
        if cap is not None and _period_past_cap(session, user, filters, cap):
            return StageCounts({}, cap, exact=False)
        found = _counted(session, user, filters, cap)
        if cap is not None and sum(found.values()) > cap:
            return StageCounts({}, cap, exact=False)
    stages = {stage: found.get(stage, 0) for stage in ALL_STAGES}
    total = stages[filters.stage] if filters.stage else sum(stages.values())
    return StageCounts(stages, total)


def count(session: Session, user: User, filters: CandidateFilters) -> int:
    """How many candidates the list shows for these filters."""
    return list_counts(session, user, filters, exact=True).total
