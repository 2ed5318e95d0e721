"""The aggregate SQL behind the reports: one GROUP BY statement per report.

Each statement is a UNION ALL of grouped parts, summed once more by the report's key.
Every figure counts a person once, in one unit (registry.services.reports.states):
- events dated in the period, counted where they happened: the event's unit, whose kind
  also gives the group, so a transfer never rewrites a past period; a renewed
  certificate counts once, by the latest in the period;
- the state at the period end (being followed, holding a valid certificate), counted in
  the unit of the person's latest event on or before the end, never the current unit;
- for `ct33`, each enterprise's latest survey on or before the period end.

Almost everyone's events all lie in their current unit (`candidate.moved` false, kept by
triggers). For them the events of a stage are its stored date column (the latest event
of the stage, stage_columns.columns_from_events), so the students, workers and summary
figures are one pass over the covering index ix_candidate_report_state, grouped by the
current unit (`_Parts.stayed`). Only the people who moved are read from their events
(`_Parts.moved`, `_Parts.people`: seeks through ix_candidate_moved and
ix_stage_event_history). Reading every event of the period instead, with a lookup per
renewed certificate and per admitted person, took 20 to 90 times as long at a million
candidates (docs/DECISIONS.md "Report figures: one pass over the candidates").

Since each person falls in one line, a subtotal (the sum of its lines) is the distinct
count of the people under it. Scope: units through scope_filter(user, Unit), the unit
each figure counts in: an officer's figures for a past period stay the same after a
transfer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from registry.domain.periods import Period
from registry.domain.refdata import KINH
from registry.domain.rules.dates import certificate_expiry
from registry.domain.vocabulary import Stage
from registry.domain.workdays import add_months
from registry.models import Candidate, EnterpriseSurvey, StageEvent, Unit, User
from registry.scoping import scope_filter
from registry.services.candidates.sqlite_plans import MovedCandidate, Unindexed
from registry.services.org.surveys import latest_survey_on
from registry.services.reports.states import being_followed_at, latest_in_period, unit_at
from registry.settings import rule_settings

NO_RELIGION = "99"  # religions.csv: "Không"

PROGRESS_FIELDS = (
    "source_at_end",
    "followed_at_end",
    "trained",
    "proposed",
    "decided",
    "admitted",
    "women",
    "ethnic_minority",
    "religious",
    "youth_union",
    "trade_union",
)
SUMMARY_FIELDS = ("source_at_end", "trained", "proposed", "admitted", "admitted_year_before")
CT33_FIELDS = (
    "operating",
    "with_chi_bo_co_so",
    "with_dang_bo_co_so",
    "with_chi_bo_truc_thuoc",
    "members",
    "members_held_here",
    "owner_members",
    "admitted",
    "with_trade_union",
    "trade_union_members",
    "with_youth_union",
    "youth_union_members",
    "members_without_org",
    "workers",
)


@dataclass(frozen=True)
class Scope:
    """What a report counts: the user's scope, the unit kinds and the areas of the units."""

    user: User
    kinds: tuple[str, ...]
    area_ids: Sequence[int]

    def units(self) -> list[ColumnElement[bool]]:
        """Conditions on Unit for the units the report counts."""
        return [
            Unit.kind.in_(self.kinds),
            Unit.area_id.in_(list(self.area_ids)),
            scope_filter(self.user, Unit),
        ]


_MOVED = Candidate.moved.is_(True)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _zero(name: str):
    return literal(0).label(name)


def first_valid_training(end: date, months: int) -> date:
    """The earliest certificate date still valid on `end` (certificate_expiry(d) >= end).

    add_months clamps the day, so the month arithmetic alone can be a day off around the
    end of February; the loop settles it.
    """
    settings = rule_settings()
    day = add_months(end, -months)
    while certificate_expiry(day, settings) < end:
        day += timedelta(days=1)
    while certificate_expiry(day - timedelta(days=1), settings) >= end:
        day -= timedelta(days=1)
    return day


def on_list_at(end: date) -> list[ColumnElement[bool]]:
    """On the source list at `end`: being followed then (states.being_followed_at)."""
    return being_followed_at(end)


def training_window(end: date) -> tuple[date, date]:
    """Certificates dated in this window are valid at `end`."""
    return first_valid_training(end, rule_settings().certificate_valid_months), end


def _events(stages: Iterable[str], period: Period) -> list[ColumnElement[bool]]:
    return [
        StageEvent.stage.in_([str(s) for s in stages]),
        StageEvent.event_date.between(period.start, period.end),
    ]


def _is(stage: Stage) -> ColumnElement[bool]:
    return StageEvent.stage == stage.value


# --- students and workers -----------------------------------------------------------------


class _Parts:
    """Builds the grouped parts of a statement: each selects the keys, then the fields."""

    def __init__(self, scope: Scope, fields: Sequence[str], by_unit: bool) -> None:
        self.scope, self.fields = scope, fields
        self.group_keys = [Unit.id] if by_unit else [Unit.area_id, Unit.kind]
        self.names = [f"key{i}" for i in range(len(self.group_keys))]

    def select(self, **values) -> Select:
        keys = [k.label(n) for k, n in zip(self.group_keys, self.names, strict=True)]
        columns = [values[f].label(f) if f in values else _zero(f) for f in self.fields]
        return select(*keys, *columns)

    def admissions(self, period: Period) -> Select:
        """`admitted`: the admissions dated in `period`, by the unit they happened in (the
        stage is recorded once per person, so each event is a person), off
        ix_stage_event_report joined to the units counted."""
        # Counting per unit first and joining the 2,000 sums to the units was a tenth
        # quicker on PostgreSQL but a fifth slower on SQLite, which sorts all the period's
        # admissions for it instead of those of the units counted.
        stages = [Stage.ADMITTED.value]
        return (
            self.select(admitted=func.count())
            .select_from(StageEvent)
            .join(Unit, Unit.id == StageEvent.unit_id)
            .where(*_events(stages, period), *latest_in_period(period, stages))
            .where(*self.scope.units())
            .group_by(*self.group_keys)
        )

    def moved(self, stages, period: Period, **values) -> Select:
        """`events` of the people who moved (their figures may lie in other units); the
        others are counted by `stayed`. Read person by person from the few who moved."""
        # Unindexed: SQLite would otherwise walk every event of the period
        # (ix_stage_event_report) or of each unit counted (ix_stage_event_unit_id)
        # instead of the events of the few who moved.
        return (
            self.select(**values)
            .select_from(StageEvent)
            .join(Candidate, Candidate.id == StageEvent.candidate_id)
            .join(Unit, Unit.id == Unindexed(StageEvent.unit_id))
            .where(
                MovedCandidate(StageEvent.candidate_id),
                Unindexed(StageEvent.stage).in_([str(s) for s in stages]),
                Unindexed(StageEvent.event_date).between(period.start, period.end),
                *latest_in_period(period, stages),
                *self.scope.units(),
            )
            .group_by(*self.group_keys)
        )

    def stayed(self, **values: ColumnElement[int]) -> Select:
        """Figures of the people whose events all lie in their current unit, off their
        stored columns: one pass over ix_candidate_report_state."""
        return (
            self.select(**values)
            .select_from(Candidate)
            .join(Unit, Unit.id == Candidate.unit_id)
            .where(~_MOVED, *self.scope.units())
            .group_by(*self.group_keys)
        )

    def renewed(self, field: str, held: Period, *more: ColumnElement[bool]) -> Select:
        """`field`: people of `stayed` (meeting `more`) whose stored certificate, the
        latest, is dated after `held` but who held an earlier one dated in it. Few
        renew; as a WHERE EXISTS the database joins their events once (a semi-join)
        instead of looking them up row by row inside the pass."""
        return (
            self.select(**{field: func.count()})
            .select_from(Candidate)
            .join(Unit, Unit.id == Candidate.unit_id)
            .where(~_MOVED, Candidate.trained_date > held.end, _held_certificate(held), *more)
            .where(*self.scope.units())
            .group_by(*self.group_keys)
        )

    def people(self, end: date, followed: ColumnElement[bool] | None = None) -> Select:
        """People who moved on the list at `end`, by the unit of their latest event by
        then: source_at_end, and followed_at_end for those meeting `followed`."""
        flag = case((followed, 1), else_=0) if followed is not None else literal(0)
        state = (
            select(unit_at(end).label("unit_id"), flag.label("followed"))
            .where(MovedCandidate(Candidate.id), *on_list_at(end))
            .subquery("state")
        )
        values: dict[str, ColumnElement[int]] = {"source_at_end": func.count()}
        if "followed_at_end" in self.fields:
            values["followed_at_end"] = func.sum(state.c.followed)
        return (
            self.select(**values)
            .select_from(state)
            .join(Unit, Unit.id == state.c.unit_id)
            .where(*self.scope.units())
            .group_by(*self.group_keys)
        )

    def summed(self, *parts: Select) -> Select:
        return _summed(self.names, self.fields, *parts)


def _people(stage: Stage) -> ColumnElement[int]:
    """People with an event of a repeatable stage (two certificates of one day in one
    unit both pass states.latest_in_period)."""
    return func.count(func.distinct(case((_is(stage), StageEvent.candidate_id))))


def _dated_in(column, period: Period) -> ColumnElement[bool]:
    return column.between(period.start, period.end)


def _held_certificate(held: Period) -> ColumnElement[bool]:
    """The person holds a certificate dated in `held`, read from their events."""
    earlier = aliased(StageEvent)
    return (
        select(earlier.candidate_id)
        .where(
            earlier.candidate_id == Candidate.id,
            Unindexed(earlier.stage) == Stage.TRAINED.value,  # one person's events
            _dated_in(earlier.event_date, held),
        )
        .exists()
    )


def _valid_window(end: date) -> Period:
    """Certificates dated in this window are valid at `end` (training_window)."""
    first, last = training_window(end)
    return Period(first, last)


def _on_list(end: date, *more: ColumnElement[bool]) -> ColumnElement[int]:
    return _count(and_(*on_list_at(end), *more))


def progress_statement(scope: Scope, period: Period, by_unit: bool) -> Select:
    """Figures per unit (by_unit) or per (area, unit kind), in PROGRESS_FIELDS order."""
    parts = _Parts(scope, PROGRESS_FIELDS, by_unit)
    stages = (Stage.TRAINED, Stage.CELL_RESOLUTION, Stage.DECISION, Stage.ADMITTED)
    events = parts.moved(
        stages,
        period,
        trained=_people(Stage.TRAINED),
        proposed=_count(_is(Stage.CELL_RESOLUTION)),
        decided=_count(_is(Stage.DECISION)),
        admitted=_count(_is(Stage.ADMITTED)),
    )
    minority = and_(Candidate.ethnicity.is_not(None), Candidate.ethnicity != KINH)
    religious = and_(Candidate.religion.is_not(None), Candidate.religion != NO_RELIGION)
    admission = {
        "women": Candidate.gender == "F",
        "ethnic_minority": minority,
        "religious": religious,
        "youth_union": Candidate.youth_union_date.is_not(None),
        "trade_union": Candidate.trade_union.is_(True),
    }
    admitted = parts.moved(
        [Stage.ADMITTED], period, **{name: _count(c) for name, c in admission.items()}
    )
    window = _valid_window(period.end)
    valid = or_(
        _dated_in(Candidate.trained_date, window),
        and_(Candidate.trained_date > window.end, _held_certificate(window)),
    )
    admitted_in = _dated_in(Candidate.admitted_date, period)
    stayed = parts.stayed(
        trained=_count(_dated_in(Candidate.trained_date, period)),
        proposed=_count(_dated_in(Candidate.cell_resolution_date, period)),
        decided=_count(_dated_in(Candidate.decision_date, period)),
        admitted=_count(admitted_in),
        **{name: _count(and_(admitted_in, c)) for name, c in admission.items()},
        source_at_end=_on_list(period.end),
        followed_at_end=_on_list(period.end, _dated_in(Candidate.trained_date, window)),
    )
    renewed = (
        parts.renewed("trained", period),
        parts.renewed("followed_at_end", window, *on_list_at(period.end)),
    )
    return parts.summed(stayed, *renewed, events, admitted, parts.people(period.end, valid))


def _summed(names: Sequence[str], fields: Sequence[str], *parts: Select) -> Select:
    """SUM each field of the UNION ALL of `parts` by the key columns."""
    union = parts[0].union_all(*parts[1:]).subquery("parts")
    key_cols = [union.c[n] for n in names]
    sums = [func.coalesce(func.sum(union.c[f]), 0).label(f) for f in fields]
    return select(*key_cols, *sums).group_by(*key_cols)


def run(session: Session, statement: Select, n_keys: int) -> dict[tuple, dict[str, int]]:
    """{key tuple: {field: int}} from a statement made above."""
    if session.get_bind().dialect.name == "postgresql":
        # The planner's estimate for these one-off aggregates crosses the JIT threshold,
        # and compiling them costs seconds while running them takes a fraction of one.
        session.execute(text("SET LOCAL jit = off"))
    out: dict[tuple, dict[str, int]] = {}
    for row in session.execute(statement):
        values = tuple(row)
        names = row._fields[n_keys:]
        out[values[:n_keys]] = {n: int(v or 0) for n, v in zip(names, values[n_keys:], strict=True)}
    return out


# --- summary ------------------------------------------------------------------------------


def summary_statement(scope: Scope, period: Period, year_before: Period) -> Select:
    """Figures per (area, unit kind) for both groups, with the admissions a year earlier."""
    parts = _Parts(scope, SUMMARY_FIELDS, by_unit=False)
    events = parts.moved(
        (Stage.TRAINED, Stage.CELL_RESOLUTION, Stage.ADMITTED),
        period,
        trained=_people(Stage.TRAINED),
        proposed=_count(_is(Stage.CELL_RESOLUTION)),
        admitted=_count(_is(Stage.ADMITTED)),
    )
    before = parts.moved([Stage.ADMITTED], year_before, admitted_year_before=func.count())
    stayed = parts.stayed(
        trained=_count(_dated_in(Candidate.trained_date, period)),
        proposed=_count(_dated_in(Candidate.cell_resolution_date, period)),
        admitted=_count(_dated_in(Candidate.admitted_date, period)),
        admitted_year_before=_count(_dated_in(Candidate.admitted_date, year_before)),
        source_at_end=_on_list(period.end),
    )
    renewed = parts.renewed("trained", period)
    return parts.summed(stayed, renewed, events, before, parts.people(period.end))


# --- Chỉ thị 33 ---------------------------------------------------------------------------


def ct33_statement(scope: Scope, period: Period) -> Select:
    """Enterprise figures per (area, kind): latest surveys by the end, admissions in the period.

    The surveys are read joined to their unit, whose conditions carry the scope
    (scope_filter(user, Unit), the rule that scopes surveys too), so the scope is not
    tested a second time through EnterpriseSurvey's own filter, a semi-join per survey.
    """
    survey = EnterpriseSurvey
    operating = survey.operating.is_(True)

    def with_org(kind: str):
        return _count(and_(operating, survey.party_org == kind))

    def total(column, condition=operating):
        return func.sum(case((condition, column), else_=0))

    parts = _Parts(scope, CT33_FIELDS, by_unit=False)
    surveys = (
        parts.select(
            operating=_count(operating),
            with_chi_bo_co_so=with_org("chi_bo_co_so"),
            with_dang_bo_co_so=with_org("dang_bo_co_so"),
            with_chi_bo_truc_thuoc=with_org("chi_bo_truc_thuoc"),
            members=total(survey.party_members),
            members_held_here=total(survey.party_members_held),
            owner_members=_count(and_(operating, survey.owner_is_member.is_(True))),
            with_trade_union=_count(and_(operating, survey.has_trade_union.is_(True))),
            trade_union_members=total(survey.trade_union_members),
            with_youth_union=_count(and_(operating, survey.has_youth_union.is_(True))),
            youth_union_members=total(survey.youth_union_members),
            members_without_org=total(
                survey.party_members, and_(operating, survey.party_org == "none")
            ),
            workers=total(survey.workers),
        )
        .select_from(survey)
        .join(Unit, Unit.id == survey.unit_id)
        .where(latest_survey_on(period.end), *scope.units())
        .group_by(*parts.group_keys)
    )
    return parts.summed(surveys, parts.admissions(period))


__all__ = [
    "CT33_FIELDS",
    "PROGRESS_FIELDS",
    "SUMMARY_FIELDS",
    "Scope",
    "ct33_statement",
    "on_list_at",
    "progress_statement",
    "run",
    "summary_statement",
    "training_window",
]
