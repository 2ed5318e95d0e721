"""`breakdown`: those admitted in the period and those followed at its end, by gender, age
band, ethnicity, religion, education level and group, per area; of them, readmissions.

The people of both measures (admitted: the ceremony's unit; being followed at the end: the
unit of the latest event by then, states.unit_at) are read in one statement and counted
here, criterion by criterion, into one block per area and one for the whole report. The
report shows each criterion's counts, never their joint distribution, so the statement
is the one quicker on its database: on SQLite the people grouped by unit alone, with the
list of each criterion's values (`listed_statement`), on PostgreSQL grouped by area, unit
kind and criteria in one hash table (`joint_statement`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise

from sqlalchemy import JSON, and_, case, func, literal, or_, select, text, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from exports import BreakdownBlock, BreakdownReport, BreakdownRow, ReportMeta
from exports.tables import TOTAL_LABEL
from registry.domain.refdata import ethnicity_names, religion_names
from registry.domain.vocabulary import GENDERS, SUBGROUPS, Stage, group_for_unit_kind
from registry.domain.workdays import add_months
from registry.models import Candidate, Setting, StageEvent, Unit, User
from registry.services.candidates.sqlite_plans import MovedCandidate, Unindexed
from registry.services.reports.areas import report_areas
from registry.services.reports.queries import Scope
from registry.services.reports.states import being_followed_at, unit_at

AGE_BANDS_SETTING = "report.age_bands"
# First age of each band after "under 18": 18–20, 21–25, 26–30, 31–40, 41–50, over 50.
DEFAULT_AGE_BANDS = (18, 21, 26, 31, 41, 51)


def age_bands(session: Session) -> tuple[int, ...]:
    """The band starts from the setting "report.age_bands" ("18,21,26,31,41,51")."""
    value = session.scalar(
        select(Setting.value).where(Setting.key == AGE_BANDS_SETTING, Setting.area_id.is_(None))
    )
    try:
        bands = tuple(int(part) for part in (value or "").split(",") if part.strip())
    except ValueError:
        bands = ()
    if not bands or list(bands) != sorted(set(bands)):
        return DEFAULT_AGE_BANDS
    return bands


def band_labels(bands: tuple[int, ...]) -> list[str]:
    labels = [f"Dưới {bands[0]} tuổi"]
    labels += [f"Từ {a} đến {b - 1} tuổi" for a, b in pairwise(bands)]
    return [*labels, f"Trên {bands[-1] - 1} tuổi"]


def born_by(end: date, years: int) -> date:
    """The latest birth date of someone `years` full years old on `end` (the same day
    number completes a month, as the admission rules count age)."""
    day = date(end.year - years, end.month, 1) + timedelta(days=end.day - 1)
    while add_months(day, 12 * years) > end:
        day -= timedelta(days=1)
    while add_months(day + timedelta(days=1), 12 * years) <= end:
        day += timedelta(days=1)
    return day


def _band(end: date, bands: tuple[int, ...]):
    whens = [(Candidate.birth_date > born_by(end, years), i) for i, years in enumerate(bands)]
    return case(*whens, else_=len(bands))


class ValuesOf(FunctionElement[list]):
    """Every value of a column in the group, one per row, nulls kept, as a JSON array:
    json_group_array on SQLite, json_agg on PostgreSQL."""

    type = JSON()
    inherit_cache = True
    name = "values_of"


@compiles(ValuesOf)
def _json_agg(element: ValuesOf, compiler, **kw) -> str:
    return f"json_agg({compiler.process(element.clauses, **kw)})"


@compiles(ValuesOf, "sqlite")
def _json_group_array(element: ValuesOf, compiler, **kw) -> str:
    return f"json_group_array({compiler.process(element.clauses, **kw)})"


# The criteria whose values are counted, in the order of the statements' columns; the
# group (subgroup) comes from the unit's kind, the readmissions are a sum.
CRITERIA = ("gender", "age", "ethnicity", "religion", "education")
ADMITTED, FOLLOWED = "admitted", "followed"


def _parts(scope: Scope, period, stayed_apart: bool):
    """The parts of the people counted, each a (select of unit_id and measure, its unit
    column) to which the caller adds its own columns: admitted in the period (in the
    ceremony's unit) and followed at its end (in the unit of the latest event by then), of
    those who never moved (read off ix_candidate_report_state, as in queries._Parts) and
    of the others (from their events). `stayed_apart`: the two measures of those who never
    moved as two parts, else as one (one pass, the measure a column). Every part keeps to
    the units in scope."""
    end = period.end
    units = select(Unit.id).where(*scope.units())
    admitted_in = Candidate.admitted_date.between(period.start, end)
    followed = being_followed_at(end)
    stayed_where = (Candidate.moved.is_(False), Candidate.unit_id.in_(units))

    def of_stayed(measure, *conditions):
        part = select(Candidate.unit_id, measure.label("measure")).where(*stayed_where, *conditions)
        return part, Candidate.unit_id

    if stayed_apart:
        stayed = [
            of_stayed(literal(ADMITTED), admitted_in),
            of_stayed(literal(FOLLOWED), *followed),
        ]
    else:
        # Exclusive: someone admitted by the end is no longer followed at it.
        either = case((admitted_in, ADMITTED), else_=FOLLOWED)
        stayed = [of_stayed(either, or_(admitted_in, and_(*followed)))]
    moved_admitted = (
        select(StageEvent.unit_id, literal(ADMITTED).label("measure"))
        .select_from(StageEvent)
        .join(Candidate, Candidate.id == StageEvent.candidate_id)
        .where(
            MovedCandidate(StageEvent.candidate_id),
            Unindexed(StageEvent.stage) == Stage.ADMITTED.value,
            Unindexed(StageEvent.event_date).between(period.start, end),
            Unindexed(StageEvent.unit_id).in_(units),
        )
    )
    # Materialised, so that unit_at is read once per person, not again for the scope
    # test and the grouping (both databases would otherwise copy it into each).
    moved = (
        select(Candidate.id, unit_at(end).label("unit_id"))
        .where(MovedCandidate(Candidate.id), *followed)
        .cte("moved")
        .prefix_with("MATERIALIZED")
    )
    moved_followed = (
        select(moved.c.unit_id, literal(FOLLOWED).label("measure"))
        .select_from(moved)
        .join(Candidate, Candidate.id == moved.c.id)
        .where(moved.c.unit_id.in_(units))
    )
    return [
        *stayed,
        (moved_admitted, StageEvent.unit_id),
        (moved_followed, moved.c.unit_id),
    ]


def _criteria(end: date, bands: tuple[int, ...]):
    return (
        Candidate.gender,
        _band(end, bands),
        Candidate.ethnicity,
        Candidate.religion,
        Candidate.education,
    )


def _counts():
    """How many people, and how many of them readmitted (Biểu số 2-BTCTW's "Trong đó:
    kết nạp lại")."""
    readmitted = case((Candidate.readmission.is_(True), 1), else_=0)
    return func.count().label("people"), func.sum(readmitted).label("readmissions")


def listed_statement(scope: Scope, period, bands: tuple[int, ...]):
    """(area_id, kind, measure, people, readmissions, then the list of each criterion's
    values, one per person): one row per unit and measure.

    For SQLite. The report needs each criterion's counts, never their joint distribution,
    so each part is grouped by unit alone, which SQLite does as it reads the stayed
    people in the order of ix_candidate_report_state; Python counts the values
    (`_fold_listed`). Grouped by area, unit kind and six criteria, SQLite sorted every
    person in a temporary b-tree (at a million candidates, 0.9 s of the report's 1.4 s)."""
    values = [ValuesOf(c) for c in _criteria(period.end, bands)]
    grouped = [
        part.add_columns(*_counts(), *values).group_by(unit)
        for part, unit in _parts(scope, period, stayed_apart=True)
    ]
    per_unit = union_all(*grouped).subquery("per_unit")
    columns = list(per_unit.c)
    return select(Unit.area_id, Unit.kind, *columns[1:]).join(Unit, Unit.id == columns[0])


def joint_statement(scope: Scope, period, bands: tuple[int, ...]):
    """(area_id, kind, measure, people, readmissions, then each criterion's value): the
    people grouped by area, unit kind, measure and their five criteria.

    For PostgreSQL, which groups them in one hash table as it reads them (its lists,
    `listed_statement`, cost it more to build and to send than the grouping). Each part
    joins its units itself, so that PostgreSQL estimates the groups from the units' areas
    and kinds (joined after the union, it expected a group per person and sorted them)."""
    readmitted = case((Candidate.readmission.is_(True), 1), else_=0).label("readmitted")
    criteria = [
        c.label(name) for c, name in zip(_criteria(period.end, bands), CRITERIA, strict=True)
    ]
    people = union_all(
        *(
            part.join(Unit, Unit.id == unit).add_columns(
                Unit.area_id, Unit.kind, readmitted, *criteria
            )
            for part, unit in _parts(scope, period, stayed_apart=False)
        )
    ).subquery("people")
    keys = [people.c[name] for name in ("area_id", "kind", "measure", *CRITERIA)]
    counts = (func.count(), func.sum(people.c.readmitted))
    return select(*keys[:3], *counts, *keys[3:]).group_by(*keys)


def _labels(
    found: set[object], names: dict[str, str], unknown: str, first: tuple[str, ...] = ()
) -> list[tuple[object, str]]:
    """(value, label) of the values present: `first` ones, the rest sorted, unknown last."""
    known = [v for v in first if v in found]
    rest = sorted((v for v in found if v is not None and v not in first), key=str)
    values = [*known, *rest] + ([None] if None in found else [])
    return [(v, unknown if v is None else names.get(str(v), str(v))) for v in values]


# (measure, criterion, value): people; (measure, None, None): everyone of the measure.
Key = tuple[str, str | None, object]
Counts = dict[int | None, Counter[Key]]


def _fold(rows, group_of: dict[int, int], tally) -> Counts:
    """{area group: {(measure, criterion, value): people}} of either statement's rows:
    (area_id, kind, measure, people, readmissions, then one cell per criterion), where
    `tally(people, cell)` gives the (value, people) pairs a criterion's cell holds."""
    per_group: Counts = defaultdict(Counter)
    for area_id, kind, measure, people, readmissions, *cells in rows:
        found = per_group[group_of[area_id]]
        found[(measure, None, None)] += people
        found[(measure, "readmission", 1)] += readmissions
        found[(measure, "subgroup", group_for_unit_kind(kind)[1])] += people
        for criterion, cell in zip(CRITERIA, cells, strict=True):
            for value, n in tally(people, cell):
                found[(measure, criterion, value)] += n
    return per_group


def _fold_listed(rows, group_of: dict[int, int]) -> Counts:
    """listed_statement's rows: each criterion's cell lists the values, one per person."""
    return _fold(rows, group_of, lambda _people, values: Counter(values).items())


def _fold_joint(rows, group_of: dict[int, int]) -> Counts:
    """joint_statement's rows: each criterion's cell is the value all `people` share."""
    return _fold(rows, group_of, lambda people, value: ((value, people),))


def _with_total(per_group: Counts) -> tuple[Counts, dict[str, set[object]]]:
    """The counts of each area group and of the whole report (None: the sum of the
    groups, each person being in one), and the values seen of each criterion."""
    total: Counter[Key] = Counter()
    for found in per_group.values():
        total.update(found)
    counts = {**per_group, None: total}
    seen: dict[str, set[object]] = defaultdict(set)
    for _measure, criterion, value in counts[None]:
        if criterion is not None:
            seen[criterion].add(value)
    return counts, seen


def _sections(seen: dict[str, set[object]], bands: tuple[int, ...]):
    """(title, criterion, [(value, label)]) of each section, in the sheet's order."""
    return [
        ("1. Giới tính", "gender", [(c, GENDERS[c]) for c in GENDERS]),
        ("2. Độ tuổi (tròn năm đến ngày cuối kỳ)", "age", list(enumerate(band_labels(bands)))),
        (
            "3. Dân tộc",
            "ethnicity",
            _labels(seen["ethnicity"], ethnicity_names(), "Chưa rõ dân tộc", ("01",)),
        ),
        (
            "4. Tôn giáo",
            "religion",
            _labels(seen["religion"], religion_names(), "Chưa rõ tôn giáo", ("99",)),
        ),
        ("5. Trình độ học vấn", "education", _labels(seen["education"], {}, "Chưa rõ trình độ")),
        (
            "6. Đối tượng",
            "subgroup",
            [(s, SUBGROUPS[s]) for s in SUBGROUPS if s in seen["subgroup"]],
        ),
        ("7. Trong đó", "readmission", [(1, "Kết nạp lại")]),
    ]


def breakdown_figures(
    session: Session, scope: Scope, period, bands: tuple[int, ...], group_of: dict[int, int]
) -> tuple[Counts, dict[str, set[object]]]:
    """The report's counts (`_with_total`), by the statement quicker on the database."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))  # see queries.run
        rows = session.execute(joint_statement(scope, period, bands))
        return _with_total(_fold_joint(rows, group_of))
    rows = session.execute(listed_statement(scope, period, bands))
    return _with_total(_fold_listed(rows, group_of))


def breakdown(session: Session, user: User, request, meta: ReportMeta) -> BreakdownReport:
    areas = report_areas(session, user, request.area, request.period.end)
    scope = Scope(user, request.kinds, areas.area_ids)
    bands = age_bands(session)
    counts, seen = breakdown_figures(session, scope, request.period, bands, areas.group_of)
    sections = _sections(seen, bands)

    def block(name: str, key: int | None) -> BreakdownBlock:
        found = counts.get(key, Counter())
        rows = []
        for title, criterion, choices in sections:
            rows.append(BreakdownRow(title, None, None, section=True))
            rows += [
                BreakdownRow(
                    label,
                    found[("admitted", criterion, value)],
                    found[("followed", criterion, value)],
                )
                for value, label in choices
            ]
        return BreakdownBlock(
            name, found[("admitted", None, None)], found[("followed", None, None)], rows
        )

    blocks = [block(TOTAL_LABEL, None)]
    blocks += [
        block(g.name, g.id) for g in areas.groups if g.id in areas.valid_ids or g.id in counts
    ]
    return BreakdownReport(meta, blocks)
