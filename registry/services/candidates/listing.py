"""The candidate list: filters read from the URL, the query they make, counts and pages.

`CandidateFilters.from_args(request.args)` reads a bookmarkable filter set;
`build_query(user, filters)` is the SELECT of the candidates it selects, already inside
the user's scope, so a report can count exactly what the list shows. Pages use keyset
pagination (a cursor holding the last row's sort values and id), never OFFSET, so page
10,000 costs what page 1 costs.

Counts per stage (the stage filter left out; the total is their sum): for the filters a
scope is made of (area, unit, cell, group, subgroup, status) they are summed from
`candidate_tally`, which triggers keep exact, so a province of a million costs what a
cell costs. Other filters count the matching rows themselves, up to COUNT_CAP, a name
search up to SEARCH_COUNT_CAP: past it the page says "more than 10,000" (1,000) and
offers the exact count (`count=all`), since a selection that large is read in a report
or narrowed, not paged through.

Search: a query of digits (spaces and dots allowed) is a CCCD/CMND: 12 digits match
exactly (the unique index), fewer match the last digits. Anything else is a name: every
word of the folded query ("nguyen van duc", "Nguyễn Văn Đức", "NGUYEN", "van duc") must
start a word of the folded name (name_key), in any order. Over a province or an area
the page and the counts walk the word table in name order (`word_search`, `_word_walk`);
inside a unit or a cell, and where the word table hands it back, the query itself
answers, shaped for its reach (`search_reach`, sqlite_plans.ScopedSearch): on PostgreSQL
a cell's or unit's own rows are tested, an area's people of several words are found by
the trigram GIN index on name_key; SQLite reads them off its full-text index or the
narrow name_key index (see sqlite_plans). A first page that holds every match gives the
counts too (`page_counts`): a search that finds a few people is read once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from registry.domain.refdata import KINH, ethnicities
from registry.domain.textutil import fold
from registry.domain.vocabulary import (
    GENDERS,
    GROUPS,
    STAGE_DATE_COLUMNS,
    STAGE_LABELS,
    STAGE_ORDER,
    STAGE_RANK,
    SUBGROUPS,
    Stage,
)
from registry.domain.workdays import typed_day
from registry.models import (
    Area,
    Candidate,
    CandidateTally,
    CandidateWord,
    PartyCell,
    StageEvent,
    Unit,
    User,
)
from registry.scoping import MAX_INT, full_scope, in_scope, scope_filter, scope_role
from registry.services import ServiceError
from registry.services.candidates import word_search
from registry.services.candidates.keyset import (
    UNIT_AND_CELL,
    Page,
    Relations,
    cursor_position,
    keyset_page,
    whole_number,
)
from registry.services.candidates.sqlite_plans import (
    ByUnitInNameOrder,
    Matching,
    ScopedSearch,
    Unindexed,
    WordStart,
    fts_query,
)

STATUSES: dict[str, str] = {
    "following": "Đang theo dõi",
    "admitted": "Đã kết nạp",
    "exited": "Đã ra khỏi danh sách",
}
STATUS_STAGES: dict[str, tuple[str, ...]] = {
    "following": tuple(
        s.value for s in STAGE_ORDER if s not in (Stage.ADMITTED, Stage.FULL_MEMBER)
    ),
    "admitted": (Stage.ADMITTED.value, Stage.FULL_MEMBER.value),
    "exited": (Stage.EXITED.value,),
}
ETHNIC_GROUPS: dict[str, str] = {"kinh": "Dân tộc Kinh", "minority": "Dân tộc thiểu số"}
ALL_STAGES: tuple[str, ...] = (*(s.value for s in STAGE_ORDER), Stage.EXITED.value)
PAGE_SIZES = (25, 50, 100, 200)
COUNT_CAP = 10_000
# A name search counts fewer: a common given name is 50,000 people, whom no one pages
# through, and each counted match is a row read.
SEARCH_COUNT_CAP = 1_000
# Filters the tally answers (with the scope): the columns it is keyed by.
TALLY_FILTERS = frozenset({"area", "unit", "cell", "group", "subgroup", "status", "stage"})
_VIEW_FIELDS = frozenset({"sort", "desc", "per_page", "problems"})
DEFAULT_PAGE_SIZE = 50
_DIGITS = re.compile(r"^[\d .]+$")


class FilterError(ServiceError, ValueError):
    """A filter names an area, unit or cell the user may not see (answered with 404)."""


# --- the filters --------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateFilters:
    """One view of the list, as it travels in the URL (see `to_args`)."""

    q: str = ""
    area: int | None = None
    unit: int | None = None
    cell: int | None = None
    group: str | None = None
    subgroup: str | None = None
    stage: str | None = None
    status: str | None = None
    gender: str | None = None
    ethnicity: str | None = None  # "kinh", "minority" or one GSO code
    source_year: int | None = None
    reached: str | None = None  # a stage reached (an event of it) within reached_from–to
    reached_from: date | None = None
    reached_to: date | None = None
    sort: str = "name"
    desc: bool = False
    per_page: int = DEFAULT_PAGE_SIZE
    # Values that could not be read, in Vietnamese, shown above the list (not in the URL).
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> CandidateFilters:
        """Read the query string; unknown codes and bad dates are dropped with a problem
        noted. Ids that are not numbers raise FilterError (nothing can match them)."""
        problems: list[str] = []

        def code(name: str, allowed) -> str | None:
            value = (args.get(name) or "").strip()
            if not value:
                return None
            if value not in allowed:
                problems.append(f"Bỏ qua giá trị không hợp lệ của bộ lọc “{name}”: {value}.")
                return None
            return value

        values: dict[str, Any] = {
            "q": (args.get("q") or "").strip()[:120],
            "area": _id(args.get("area")),
            "unit": _id(args.get("unit")),
            "cell": _id(args.get("cell")),
            "group": code("group", GROUPS),
            "subgroup": code("subgroup", SUBGROUPS),
            "stage": code("stage", ALL_STAGES),
            "status": code("status", STATUSES),
            "gender": code("gender", GENDERS),
            "ethnicity": code("ethnicity", ethnicity_choices_codes()),
            "reached": code("reached", ALL_STAGES),
            "sort": code("sort", SORTS) or "name",
            "desc": args.get("desc") in ("1", "true", "on"),
        }
        values["source_year"] = _year(args.get("source_year"), problems)
        values["reached_from"] = typed_day(args.get("reached_from"), "Từ ngày", problems)
        values["reached_to"] = typed_day(args.get("reached_to"), "Đến ngày", problems)
        per_page = _int(args.get("per_page"))
        values["per_page"] = per_page if per_page in PAGE_SIZES else DEFAULT_PAGE_SIZE
        return cls(**values, problems=tuple(problems))

    def to_args(self, **changes: Any) -> dict[str, str]:
        """The non-default values as query-string arguments (for links and forms)."""
        current = replace(self, **changes) if changes else self
        out: dict[str, str] = {}
        defaults = CandidateFilters()
        for f in fields(self):
            if f.name == "problems":
                continue
            value = getattr(current, f.name)
            if value is None or value == "" or value == getattr(defaults, f.name):
                continue
            if isinstance(value, bool):
                out[f.name] = "1"
            elif isinstance(value, date):
                out[f.name] = value.strftime("%d/%m/%Y")
            else:
                out[f.name] = str(value)
        return out

    @property
    def active(self) -> bool:
        """Whether any filter (search included) narrows the list."""
        skip = {"sort", "desc", "per_page", "problems"}
        defaults = asdict(CandidateFilters())
        return any(v != defaults[k] for k, v in asdict(self).items() if k not in skip)


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _id(value: str | None) -> int | None:
    if value is None or not str(value).strip():
        return None
    number = _int(value)
    if number is None or not 0 < number <= MAX_INT:
        raise FilterError(value)
    return number


def _year(value: str | None, problems: list[str]) -> int | None:
    if not (value or "").strip():
        return None
    year = _int(value)
    if year is None or not 1950 <= year <= 2100:
        problems.append(f"Năm vào danh sách nguồn không hợp lệ: {value}.")
        return None
    return year


def ethnicity_choices_codes() -> tuple[str, ...]:
    return (*ETHNIC_GROUPS, *(e.code for e in ethnicities()))


def check_scope(session: Session, user: User, filters: CandidateFilters) -> None:
    """Raise FilterError when an area, unit or cell in the filters is outside the scope."""
    for model, ident in ((Area, filters.area), (Unit, filters.unit), (PartyCell, filters.cell)):
        if ident is not None and not in_scope(session, user, model, ident):
            raise FilterError(str(ident))


# --- the WHERE clauses --------------------------------------------------------------------


def _name_words(q: str) -> list[str]:
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
    words = _name_words(q)
    if not words:
        return None
    likes = and_(*(WordStart(Candidate.name_key, w) for w in words))
    return Matching(likes, wide, fts_query(words))


def _area_units(area_id: int) -> Select:
    """SELECT of the ids of the units in the area and its sub-areas."""
    top = select(Area.path).where(Area.id == area_id).scalar_subquery()
    subtree = select(Area.id).where(Area.path.startswith(top, autoescape=False))
    return select(Unit.id).where(Unit.area_id.in_(subtree))


def _area_condition(area_id: int) -> ColumnElement[bool]:
    return Candidate.unit_id.in_(_area_units(area_id))


def _ethnicity_condition(value: str) -> ColumnElement[bool]:
    if value == "kinh":
        return Candidate.ethnicity == KINH
    if value == "minority":
        return and_(Candidate.ethnicity.is_not(None), Candidate.ethnicity != KINH)
    return Candidate.ethnicity == value


def _reached_condition(f: CandidateFilters) -> ColumnElement[bool] | None:
    """An event of the stage dated within the period (the events are what reports count,
    so a renewed certificate or a past period reads the same as in a report)."""
    if f.reached is None or (f.reached_from is None and f.reached_to is None):
        return None
    events = select(StageEvent.candidate_id).where(StageEvent.stage == f.reached)
    if f.reached_from is not None:
        events = events.where(StageEvent.event_date >= f.reached_from)
    if f.reached_to is not None:
        events = events.where(StageEvent.event_date <= f.reached_to)
    return Candidate.id.in_(events)


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
    if len(_name_words(f.q)) < 2:
        # One word over an area: the trigram entries of a common word outnumber the area.
        return condition
    area = [_area_condition(f.area)] if f.area else []
    return ScopedSearch(condition, reach, and_(scope_filter(user, Candidate), *area))


def filter_conditions(
    f: CandidateFilters, *, with_stage: bool = True, user: User | None = None
) -> list[ColumnElement]:
    """The WHERE clauses of the filters (scope not included); `user` shapes the search for
    how far the scope and the filters let it reach (`search_reach`: it only changes how
    the database is asked, not the result)."""
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
        _reached_condition(f),
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


def build_query(user: User, filters: CandidateFilters) -> Select:
    """SELECT of the candidates the filters select, within the user's scope (unordered).

    Check the ids with `check_scope` first: an id outside the scope must answer 404,
    not an empty list.
    """
    conditions = filter_conditions(filters, user=user)
    return select(Candidate).where(scope_filter(user, Candidate), *conditions)


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
        t.unit_id.in_(_area_units(f.area)) if f.area else None,
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
    conditions = filter_conditions(f, with_stage=False, user=user)
    if cap is None:
        group = Unindexed(Candidate.stage) if replace(f, stage=None).active else Candidate.stage
        stmt = (
            select(Candidate.stage, func.count())
            .where(scope_filter(user, Candidate), *conditions)
            .group_by(group)
        )
    else:
        rows = (
            select(Candidate.stage)
            .where(scope_filter(user, Candidate), *conditions)
            .limit(cap + 1)
            .subquery()
        )
        stmt = select(rows.c.stage, func.count()).group_by(rows.c.stage)
    return dict(session.execute(stmt).tuples().all())


def _word_counted(
    session: Session, user: User, f: CandidateFilters, cap: int
) -> StageCounts | None:
    """The counts of a name search read through the word table, exact up to `cap`;
    None when the table does not answer it (see `_word_walk`)."""
    walked = _word_walk(session, user, f, with_stage=False, limit=cap + 1, each_once=False)
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
    cap = None if exact or tally else SEARCH_COUNT_CAP if _name_words(filters.q) else COUNT_CAP
    reused = page_counts(filters, page) if page is not None else None
    if reused is not None:
        # The same figures as counted: past the cap (smaller than a page only when a test
        # makes it so) the page says "more than".
        return StageCounts({}, cap, exact=False) if cap and reused.total > cap else reused
    if tally:
        found = _tally_counts(session, user, filters)
    else:
        walked = _word_counted(session, user, filters, cap) if cap else None
        if walked is not None:
            return walked
        found = _counted(session, user, filters, cap)
        if cap is not None and sum(found.values()) > cap:
            return StageCounts({}, cap, exact=False)
    stages = {stage: found.get(stage, 0) for stage in ALL_STAGES}
    total = stages[filters.stage] if filters.stage else sum(stages.values())
    return StageCounts(stages, total)


def count(session: Session, user: User, filters: CandidateFilters) -> int:
    """How many candidates the list shows for these filters."""
    return list_counts(session, user, filters, exact=True).total


# --- sorting and keyset pages -------------------------------------------------------------

_STAGE_RANK_EXPR = case(
    {s: STAGE_RANK.get(s, len(STAGE_RANK) + 1) for s in ALL_STAGES},
    value=Candidate.stage,
    else_=0,
)
_NO_DATE = date(1900, 1, 1)  # stands for "no event" so keyset comparisons see no NULL


@dataclass(frozen=True)
class SortSpec:
    label: str
    keys: Callable[[], tuple]  # SQL expressions, then sort_key; id is always last
    decoders: tuple[Callable[[Any], Any], ...]
    joins_unit: bool = False


def _to_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


SORTS: dict[str, SortSpec] = {
    "name": SortSpec("Họ và tên", lambda: (Candidate.sort_key,), (str,)),
    "birth": SortSpec(
        "Ngày sinh", lambda: (Candidate.birth_date, Candidate.sort_key), (_to_date, str)
    ),
    "stage": SortSpec(
        "Giai đoạn", lambda: (_STAGE_RANK_EXPR, Candidate.sort_key), (whole_number, str)
    ),
    "unit": SortSpec(
        "Đơn vị", lambda: (Unit.name_key, Candidate.sort_key), (str, str), joins_unit=True
    ),
    "last_event": SortSpec(
        "Ngày cập nhật",
        lambda: (func.coalesce(Candidate.last_event_date, _NO_DATE), Candidate.sort_key),
        (_to_date, str),
    ),
}


def fetch_page(
    session: Session,
    user: User,
    filters: CandidateFilters,
    cursor: str | None = None,
    load: Relations = UNIT_AND_CELL,
) -> Page:
    """One page of the list in the chosen order, after (or before) the cursor's row, with
    the relations in `load` (the list page shows only the unit)."""
    if filters.sort == "name":
        page = _word_page(session, user, filters, cursor, load)
        if page is not None:
            return page
    spec = SORTS[filters.sort]
    keys = spec.keys()
    if (
        filters.sort == "name"
        and full_scope(user)
        and not (filters.area or filters.unit or filters.cell)
        and _name_words(filters.q)
    ):
        # A name search over the province: the database must fetch the matches by the
        # name index and sort them. Ordered by the bare sort_key, PostgreSQL's planner
        # likes to walk the sort index instead, hoping to meet a page of matches soon; the
        # matches of a given name all sit together in that order (it starts with the given
        # name), so it may read most of the table first (1.3 s for "tho" at a million). The
        # same order written as an expression no index holds leaves only the quick plan.
        keys = (Candidate.sort_key + "",)
    stmt = build_query(user, filters)
    if filters.sort == "name" and (user.role == "area" or filters.area or filters.unit):
        stmt = stmt.where(ByUnitInNameOrder())
    if spec.joins_unit:
        stmt = stmt.join(Unit, Unit.id == Candidate.unit_id)
    tag = f"{filters.sort}{'-' if filters.desc else ''}"
    return keyset_page(
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


def _word_walk(
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
    words = _name_words(f.q)
    if not words or f.unit or f.cell or scope_role(user) == "cell":
        return None
    entries = [scope_filter(user, CandidateWord)]
    if f.area:
        entries.append(CandidateWord.unit_id.in_(_area_units(f.area)))
    rows = filter_conditions(replace(f, q="", area=None), with_stage=with_stage)
    return word_search.walk(
        session, words, entries, rows, after, backwards, limit, each_once=each_once
    )


def _word_page(
    session: Session,
    user: User,
    filters: CandidateFilters,
    cursor: str | None,
    load: Relations,
) -> Page | None:
    """A page in name order of a name search, through the word table; None when the
    table does not answer it (`_word_walk`, or a walk that stopped at its budget short
    of a page)."""
    spec, tag = SORTS["name"], f"name{'-' if filters.desc else ''}"
    after, backwards = cursor_position(cursor, tag, spec.decoders, desc=filters.desc)
    walked = _word_walk(
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
    return None if walked.bounded and short else page


# --- display helpers ----------------------------------------------------------------------


def stage_date(candidate: Candidate) -> date | None:
    """The date of the stage the candidate is at."""
    return getattr(candidate, STAGE_DATE_COLUMNS[candidate.stage], None)


def stage_label(code: str) -> str:
    return STAGE_LABELS[code]


# --- choices for the filter form ----------------------------------------------------------


# A select of more units or cells than this is no help and costs the page (a province
# of 2,000 units: 20 ms and 200 KB per page); past it, an area must be chosen first.
CHOICES_MAX = 300


@dataclass
class FilterChoices:
    areas: list[tuple[int, str]]  # indented by depth, tree order
    units: list[tuple[int, str]]
    cells: list[tuple[int, str]]
    # False when the scope (or the chosen area) holds more than CHOICES_MAX of them: the
    # list then holds only the chosen one, and the page asks for an area first.
    all_units: bool = True
    all_cells: bool = True


def _limited(session: Session, stmt: Select, model, chosen: int | None):
    """(id, name) rows of stmt, up to CHOICES_MAX; past it only the chosen row."""
    rows = [tuple(r) for r in session.execute(stmt.limit(CHOICES_MAX + 1)).all()]
    if len(rows) <= CHOICES_MAX:
        return rows, True
    if chosen is None:
        return [], False
    return [tuple(r) for r in session.execute(stmt.where(model.id == chosen)).all()], False


def filter_choices(
    session: Session, user: User, today: date, filters: CandidateFilters | None = None
) -> FilterChoices:
    """The areas (current ones, as a tree), units and cells the user may filter by; units
    and cells within the chosen area."""
    f = filters or CandidateFilters()
    areas = session.execute(
        select(Area.id, Area.name, Area.parent_id)
        .where(scope_filter(user, Area))
        .where(or_(Area.valid_to.is_(None), Area.valid_to >= today))
    ).all()
    by_parent: dict[int | None, list] = {}
    ids = {a.id for a in areas}
    for a in areas:
        by_parent.setdefault(a.parent_id if a.parent_id in ids else None, []).append(a)
    ordered: list[tuple[int, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for a in sorted(by_parent.get(parent, []), key=lambda a: fold(a.name)):
            ordered.append((a.id, "\u2003" * depth + a.name))
            walk(a.id, depth + 1)

    walk(None, 0)
    units = select(Unit.id, Unit.name).where(scope_filter(user, Unit))
    cells = select(PartyCell.id, PartyCell.name).where(scope_filter(user, PartyCell))
    if f.area:
        units = units.where(Unit.id.in_(_area_units(f.area)))
        top = select(Area.path).where(Area.id == f.area).scalar_subquery()
        subtree = select(Area.id).where(Area.path.startswith(top, autoescape=False))
        cells = cells.where(PartyCell.area_id.in_(subtree))
    unit_rows, all_units = _limited(session, units.order_by(Unit.name_key, Unit.id), Unit, f.unit)
    cell_rows, all_cells = _limited(
        session, cells.order_by(PartyCell.name_key, PartyCell.id), PartyCell, f.cell
    )
    return FilterChoices(ordered, unit_rows, cell_rows, all_units, all_cells)
