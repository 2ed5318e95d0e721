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

All of these read stored stage columns, or stage_event through the index
ix_stage_event_history (candidate_id, event_date, sequence, stage, unit_id), one seek
per person.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from registry.domain.periods import Period
from registry.domain.vocabulary import Stage
from registry.models import Candidate, StageEvent

# Stages the rules let a person reach more than once (a new certificate replaces an
# expired one); every other stage is refused a second time.
REPEATABLE_STAGES = (Stage.TRAINED.value,)


def being_followed_at(day: date) -> list[ColumnElement[bool]]:
    """Being followed at `day`: source reached, not exited, not yet admitted by then."""
    return [
        Candidate.source_date <= day,
        or_(Candidate.admitted_date.is_(None), Candidate.admitted_date > day),
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


def unit_at(day: date, candidate_id: ColumnElement[int] | None = None):
    """The unit of the person's latest event on or before `day` (a scalar subquery)."""
    event = aliased(StageEvent)
    person = Candidate.id if candidate_id is None else candidate_id
    query = (
        select(event.unit_id)
        .where(event.candidate_id == person, event.event_date <= day)
        .order_by(event.event_date.desc(), event.sequence.desc(), event.id.desc())
        .limit(1)
    )
    if candidate_id is None:
        query = query.correlate(Candidate)
    return query.scalar_subquery()


def latest_in_period(period: Period) -> ColumnElement[bool]:
    """StageEvent is its person's latest event of its stage in `period` (always true for a
    stage recorded once; a renewed certificate leaves only the latest in the period)."""
    later = aliased(StageEvent)
    newer = exists().where(
        later.candidate_id == StageEvent.candidate_id,
        later.stage == StageEvent.stage,
        later.event_date <= period.end,
        or_(
            later.event_date > StageEvent.event_date,
            and_(
                later.event_date == StageEvent.event_date,
                or_(
                    later.sequence > StageEvent.sequence,
                    and_(later.sequence == StageEvent.sequence, later.id > StageEvent.id),
                ),
            ),
        ),
    )
    return or_(StageEvent.stage.not_in(REPEATABLE_STAGES), ~newer)


__all__ = [
    "REPEATABLE_STAGES",
    "being_followed_at",
    "latest_in_period",
    "on_list_in",
    "unit_at",
]
