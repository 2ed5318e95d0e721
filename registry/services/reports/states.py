"""The states and the counting rules every figure uses (DESIGN "Export contract"), once.

- *Being followed at a date* (the dashboard's headline, the reports' "on the source list
  at the period end"): source reached by then, not exited and not yet admitted (nor
  recorded as a full member) by then.
- *On the list in a period* (the detail list): entered by the period end (the source
  date, else the earliest event, else the day the record was created), not exited before
  the start and no recorded full membership before the start.
- Where a person counts: an event in its own unit; a state at a date in the unit of the
  person's latest event on or before that date (`unit_at`), never the current unit, so a
  later transfer rewrites no past figure.
- A stage that may be recorded twice (a renewed certificate) counts once per period, by
  its latest event in the period (`latest_in_period`); the stage rules allow every other
  stage once per person.
- A person on the list at a date counts at the unit of their latest event by then
  (`unit_at`): latest by date, then by the order of recording (`sequence`).

All of these read stored stage columns, or stage_event through the index
ix_stage_event_history (candidate_id, event_date, sequence, stage, unit_id), one seek
per person.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from registry.domain.periods import Period
from registry.domain.vocabulary import Stage
from registry.models import Candidate, StageEvent
from registry.services.candidates.sqlite_plans import Unindexed

# Stages the rules let a person reach more than once (a new certificate replaces an
# expired one); every other stage is refused a second time.
REPEATABLE_STAGES = (Stage.TRAINED.value,)


def being_followed_at(day: date) -> list[ColumnElement[bool]]:
    """Being followed at `day`: source reached, not exited, not yet admitted by then."""
    # SQLite would otherwise read the many rows not admitted by then through the
    # admitted_date index, one table row each, instead of scanning a covering index.
    admitted = Unindexed(Candidate.admitted_date)
    return [
        Candidate.source_date <= day,
        or_(admitted.is_(None), admitted > day),
        or_(Candidate.full_member_date.is_(None), Candidate.full_member_date > day),
        or_(Candidate.exited_date.is_(None), Candidate.exited_date > day),
    ]


def _earliest_event():
    first = aliased(StageEvent)
    return (
        select(func.min(first.event_date))
        .where(first.candidate_id == Candidate.id)
        .correlate(Candidate)
        .scalar_subquery()
    )


def on_list_in(period: Period) -> list[ColumnElement[bool]]:
    """On the list at some time in `period` (the detail list of a period)."""
    after_end = datetime.combine(period.end + timedelta(days=1), time.min)
    earliest = _earliest_event()
    entered = or_(
        Candidate.source_date <= period.end,
        and_(
            Candidate.source_date.is_(None),
            or_(
                earliest <= period.end,
                and_(earliest.is_(None), Candidate.created_at < after_end),
            ),
        ),
    )
    return [
        entered,
        or_(Candidate.exited_date.is_(None), Candidate.exited_date >= period.start),
        or_(Candidate.full_member_date.is_(None), Candidate.full_member_date >= period.start),
    ]


def unit_at(day: date) -> ColumnElement[int]:
    """The unit of the person's latest event on or before `day`.

    Someone whose unit never changed and whose events all lie in it (`moved` false, kept
    by triggers) was in their current unit then; only for the others are the events read.
    """
    return case((Candidate.moved.is_(True), _latest_event_unit(day)), else_=Candidate.unit_id)


def _latest_event_unit(day: date):
    event = aliased(StageEvent)
    query = (
        select(event.unit_id)
        .where(event.candidate_id == Candidate.id, event.event_date <= day)
        # The index's own order, so the first entry found is the answer.
        .order_by(
            event.event_date.desc(),
            event.sequence.desc(),
            event.stage.desc(),
            event.unit_id.desc(),
        )
        .limit(1)
        .correlate(Candidate)
    )
    return query.scalar_subquery()


def latest_in_period(period: Period, stages: Iterable[str]) -> list[ColumnElement[bool]]:
    """Conditions that StageEvent, an event of one of `stages`, is its person's latest
    event of its stage in `period`: always true for a stage recorded once, so none when
    no stage of `stages` repeats; of renewed certificates, the latest in the period.

    Two certificates on the same latest day: the one of the higher unit id (an arbitrary
    but fixed choice, so the person counts in one unit). Certificates of one day in one
    unit both pass, so count them with COUNT(DISTINCT candidate_id). Only columns of the
    covering indexes are read.
    """
    # Written out for stages that cannot repeat, the condition still costs: PostgreSQL
    # plans the EXISTS into every row's cost and picks a slower join and a sort that
    # spills (Chỉ thị 33's admissions at a million candidates: 62 ms, 34 ms without).
    if not set(map(str, stages)) & set(REPEATABLE_STAGES):
        return []
    later = aliased(StageEvent)
    # EXISTS (SELECT candidate_id …), not SELECT *: SQLite then reads the index alone.
    newer = (
        select(later.candidate_id)
        .where(
            later.candidate_id == StageEvent.candidate_id,
            # Unindexed: SQLite would otherwise walk every event of the stage in the
            # period (stage, event_date index) for each row, instead of one person's.
            Unindexed(later.stage) == StageEvent.stage,
            later.event_date <= period.end,
            or_(
                later.event_date > StageEvent.event_date,
                and_(
                    later.event_date == StageEvent.event_date,
                    later.unit_id > StageEvent.unit_id,
                ),
            ),
        )
        .exists()
    )
    return [or_(StageEvent.stage.not_in(REPEATABLE_STAGES), ~newer)]


__all__ = [
    "REPEATABLE_STAGES",
    "being_followed_at",
    "latest_in_period",
    "on_list_in",
    "unit_at",
]
