"""The aggregate SQL behind the reports: one GROUP BY statement per report.

Each statement is a UNION ALL of grouped parts, summed once more by the report's key.
Every figure counts a person once, in one unit (registry.services.reports.states):
- events dated in the period, counted where they happened: the event's unit, whose kind
  also gives the group, so a transfer never rewrites a past period; a renewed
  certificate counts once, by the latest in the period (read off the covering index
  stage_event (stage, event_date, candidate_id, unit_id));
- the state at the period end (being followed, holding a valid certificate), from the
  stage columns stored on each candidate, counted in the unit of the person's latest
  event on or before the end (one seek per person into stage_event (candidate_id,
  event_date, sequence, stage, unit_id)), never the current unit;
- for `ct33`, each enterprise's latest survey on or before the period end.

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
from registry.domain.rules import certificate_expiry
from registry.domain.vocabulary import Stage
from registry.domain.workdays import add_months
from registry.models import Candidate, StageEvent, Unit, User
from registry.scoping import scope_filter
from registry.services.candidates.sqlite_plans import Unindexed
from registry.services.org.surveys import latest_surveys_select
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

    def events(self, stages, period: Period, **values) -> Select:
        """Events of `stages` dated in `period`, by the unit they happened in; a person's
        renewed certificates in the period count once, by the latest."""
        return (
            self.select(**values)
            .select_from(StageEvent)
            .join(Unit, Unit.id == StageEvent.unit_id)
            .where(*_events(stages, period), latest_in_period(period), *self.scope.units())
            .group_by(*self.group_keys)
        )

    def people(self, end: date, followed: ColumnElement[bool] | None = None) -> Select:
        """People on the list at `end`, by the unit of their latest event by then:
        source_at_end, and followed_at_end for those meeting `followed`."""
        flag = case((followed, 1), else_=0) if followed is not None else literal(0)
        state = (
            select(unit_at(end).label("unit_id"), flag.label("followed"))
            .where(*on_list_at(end))
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


def progress_statement(scope: Scope, period: Period, by_unit: bool) -> Select:
    """Figures per unit (by_unit) or per (area, unit kind), in PROGRESS_FIELDS order."""
    parts = _Parts(scope, PROGRESS_FIELDS, by_unit)
    stages = (Stage.TRAINED, Stage.CELL_RESOLUTION, Stage.DECISION, Stage.ADMITTED)
    events = parts.events(
        stages,
        period,
        trained=_people(Stage.TRAINED),
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
    # The stored trained_date is the latest certificate. Those renewed after the end may
    # have held a valid one at the end: only for them (few) are the events read.
    earlier = aliased(StageEvent)
    held_then = (
        select(earlier.candidate_id)
        .where(
            earlier.candidate_id == Candidate.id,
            Unindexed(earlier.stage) == Stage.TRAINED.value,  # one person's events
            earlier.event_date.between(first, end),
        )
        .exists()
    )
    valid = or_(
        Candidate.trained_date.between(first, end),
        and_(Candidate.trained_date > end, held_then),
    )
    return parts.summed(events, admitted, parts.people(end, valid))


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
        trained=_people(Stage.TRAINED),
        proposed=_count(_is(Stage.CELL_RESOLUTION)),
        admitted=_count(_is(Stage.ADMITTED)),
    )
    before = parts.events([Stage.ADMITTED], year_before, admitted_year_before=func.count())
    return parts.summed(events, before, parts.people(period.end))


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
            workers=total(latest.c.workers),
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
