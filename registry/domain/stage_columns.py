"""The candidate's stage columns, computed from its stage events.

A candidate row keeps, beside its events, what lists and reports read without a join:
the current stage, a `<stage>_date` column per stage, the certificate and decision
numbers, the exit reason and the date of the last event. This is the one computation of
those columns; the stage service, the import writer and the demo store what it returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from registry.domain.vocabulary import DOCUMENT_COLUMNS, STAGE_DATE_COLUMNS, STAGE_RANK, Stage

# Every column columns_from_events fills, in a fixed order.
STAGE_COLUMNS: tuple[str, ...] = (
    "stage",
    *STAGE_DATE_COLUMNS.values(),
    *DOCUMENT_COLUMNS.values(),
    "exit_reason",
    "last_event_date",
)


class EventFact(NamedTuple):
    """What the columns need of one event."""

    stage: str
    date: date
    number: str | None  # certificate or decision number
    reason: str | None  # exit reason code


def columns_from_events(ordered: Iterable[tuple[str, date, str | None, str | None]]) -> dict:
    """The stage columns for (stage, date, number, reason) events already in event order
    (date, then sequence): the latest event of a stage gives its date and number."""
    latest: dict[str, tuple[date, str | None, str | None]] = {}
    last: date | None = None
    for stage, when, number, reason in ordered:
        latest[stage] = (when, number, reason)
        last = when if last is None or when > last else last
    cols: dict[str, object] = {
        column: latest[stage][0] if stage in latest else None
        for stage, column in STAGE_DATE_COLUMNS.items()
    }
    for stage, column in DOCUMENT_COLUMNS.items():
        cols[column] = latest[stage][1] if stage in latest else None
    exited = latest.get(Stage.EXITED.value)
    cols["exit_reason"] = exited[2] if exited else None
    reached = [s for s in latest if s in STAGE_RANK]
    cols["stage"] = (
        Stage.EXITED.value
        if exited
        else max(reached, key=STAGE_RANK.__getitem__, default=Stage.SOURCE.value)
    )
    cols["last_event_date"] = last
    return cols
