"""The aggregate SQL behind the reports: one GROUP BY statement per report.

Each statement is a UNION ALL of grouped parts, summed once more by the report's key:
- events dated in the period, counted where they happened: the event's unit, whose kind
  also gives the group, so a transfer never rewrites a past period (read off the covering
  index stage_event (stage, event_date, candidate_id, unit_id));
- the state at the period end, from the stage columns stored on each candidate, counted
  under the candidate's current unit, the registry keeping no history of transfers (read
  off the covering index candidate (unit_id, source_date, admitted_date, full_member_date,
  exited_date, trained_date));
- for `ct33`, each enterprise's latest survey on or before the period end.

Scope: units through scope_filter(user, Unit) (the event's unit for events), candidates
through scope_filter(user, Candidate) for the state at the end. Events are scoped by the
unit they happened in rather than by the person's unit today, for the same reason they
are counted there: an officer's figures for a past period stay the same after a transfer.
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
    exists,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from registry.domain.periods import Period
from registry.domain.refdata import KINH
from registry.domain.rules import certificate_expiry
from registry.domain.vocabulary import Stage
from registry.domain.workdays import add_months
from registry.models import Candidate, StageEvent, Unit, User
from registry.scoping import scope_filter
from registry.services.org.surveys import latest_surveys_select
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
    """On the source list at `end`: entered by then, neither admitted (or recorded as a full
    member) nor exited by then."""
    return [
        Candidate.source_date <= end,
        or_(Candidate.admitted_date.is_(None), Candidate.admitted_date > end),
        or_(Candidate.full_member_date.is_(None), Candidate.full_member_date > end),
        or_(Candidate.exited_date.is_(None), Candidate.exited_date > end),
    ]


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

    def events(self, stages, period: Period, **values) -> Select:
        """Events of `stages` dated in `period`, by the unit they happened in."""
        return (
            self.select(**values)
            .select_from(StageEvent)
            .join(Unit, Unit.id == StageEvent.unit_id)
            .where(*_events(stages, period), *self.scope.units())
            .group_by(*self.group_keys)
        )

    def people(self, end: date, *conditions, **values) -> Select:
        """People on the list at `end`, by their current unit."""
        return (
            self.select(**values)
            .select_from(Candidate)
            .join(Unit, Unit.id == Candidate.unit_id)
            .where(
                scope_filter(self.scope.user, Candidate),
                *on_list_at(end),
                *self.scope.units(),
                *conditions,
            )
            .group_by(*self.group_keys)
        )

    def summed(self, *parts: Select) -> Select:
        return _summed(self.names, self.fields, *parts)


def _distinct_trained():
    return func.count(func.distinct(case((_is(Stage.TRAINED), StageEvent.candidate_id))))


def progress_statement(scope: Scope, period: Period, by_unit: bool) -> Select:
    """Figures per unit (by_unit) or per (area, unit kind), in PROGRESS_FIELDS order."""
    parts = _Parts(scope, PROGRESS_FIELDS, by_unit)
    stages = (Stage.TRAINED, Stage.CELL_RESOLUTION, Stage.DECISION, Stage.ADMITTED)
    events = parts.events(
        stages,
        period,
        trained=_distinct_trained(),
        proposed=_count(_is(Stage.CELL_RESOLUTION)),
        decided=_count(_is(Stage.DECISION)),
        admitted=_count(_is(Stage.ADMITTED)),
    )
    minority = and_(Candidate.ethnicity.is_not(None), Candidate.ethnicity != KINH)
    religious = and_(Candidate.religion.is_not(None), Candidate.religion != NO_RELIGION)
    admitted = parts.events(
        [Stage.ADMITTED],
        period,
        women=_count(Candidate.gender == "F"),
        ethnic_minority=_count(minority),
        religious=_count(religious),
        youth_union=_count(Candidate.youth_union_date.is_not(None)),
        trade_union=_count(Candidate.trade_union.is_(True)),
    ).join(Candidate, Candidate.id == StageEvent.candidate_id)
    first, end = training_window(period.end)
    state = parts.people(
        end,
        source_at_end=func.count(),
        followed_at_end=_count(Candidate.trained_date.between(first, end)),
    )
    # The stored trained_date is the latest certificate. Those renewed after the end may
    # have held a valid one at the end: their own (small) part reads the events, so the
    # scan of everyone above stays free of per-row subqueries.
    earlier = aliased(StageEvent)
    held_then = exists().where(
        earlier.candidate_id == Candidate.id,
        earlier.stage == Stage.TRAINED.value,
        earlier.event_date.between(first, end),
    )
    renewed = parts.people(
        end, Candidate.trained_date > end, held_then, followed_at_end=func.count()
    )
    return parts.summed(events, admitted, state, renewed)


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
    events = parts.events(
        (Stage.TRAINED, Stage.CELL_RESOLUTION, Stage.ADMITTED),
        period,
        trained=_distinct_trained(),
        proposed=_count(_is(Stage.CELL_RESOLUTION)),
        admitted=_count(_is(Stage.ADMITTED)),
    )
    before = parts.events([Stage.ADMITTED], year_before, admitted_year_before=func.count())
    state = parts.people(period.end, source_at_end=func.count())
    return parts.summed(events, before, state)


# --- Chỉ thị 33 ---------------------------------------------------------------------------


def ct33_statement(scope: Scope, period: Period) -> Select:
    """Enterprise figures per (area, kind): latest surveys by the end, admissions in the period."""
    latest = latest_surveys_select(scope.user, period.end).subquery("latest")
    operating = latest.c.operating.is_(True)

    def with_org(kind: str):
        return _count(and_(operating, latest.c.party_org == kind))

    def total(column, condition=operating):
        return func.sum(case((condition, column), else_=0))

    parts = _Parts(scope, CT33_FIELDS, by_unit=False)
    surveys = (
        parts.select(
            operating=_count(operating),
            with_chi_bo_co_so=with_org("chi_bo_co_so"),
            with_dang_bo_co_so=with_org("dang_bo_co_so"),
            with_chi_bo_truc_thuoc=with_org("chi_bo_truc_thuoc"),
            members=total(latest.c.party_members),
            members_held_here=total(latest.c.party_members_held),
            owner_members=_count(and_(operating, latest.c.owner_is_member.is_(True))),
            with_trade_union=_count(and_(operating, latest.c.has_trade_union.is_(True))),
            trade_union_members=total(latest.c.trade_union_members),
            with_youth_union=_count(and_(operating, latest.c.has_youth_union.is_(True))),
            youth_union_members=total(latest.c.youth_union_members),
            members_without_org=total(
                latest.c.party_members, and_(operating, latest.c.party_org == "none")
            ),
        )
        .select_from(latest)
        .join(Unit, Unit.id == latest.c.unit_id)
        .where(*scope.units())
        .group_by(*parts.group_keys)
    )
    admissions = parts.events([Stage.ADMITTED], period, admitted=func.count())
    return parts.summed(surveys, admissions)


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
