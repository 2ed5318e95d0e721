"""What the stage rules are told about a candidate: CandidateFacts, Readmission, stage dates.

The rules read plain values, never a database row: the stage service builds the facts
from a candidate's events (services/candidates/stages.facts_for), the import from a row.
Dates are keyed by plain stage codes (stage_dates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from registry.domain.vocabulary import STAGE_ORDER, STAGE_RANK, Stage

# The chi bộ's resolution proposing admission, where the admission conditions are judged,
# and the stages after it.
CELL = Stage.CELL_RESOLUTION.value
LATER_THAN_CELL = tuple(s.value for s in STAGE_ORDER if STAGE_RANK[s] > STAGE_RANK[CELL])


@dataclass(frozen=True)
class Readmission:
    """A former member asking to be admitted again (kết nạp lại, rule 16)."""

    left: date
    # The day a minor criminal record was expunged, when there was one.
    expunged: date | None = None


@dataclass(frozen=True)
class CandidateFacts:
    """What the rules need to know about a candidate before a new event."""

    birth_date: date | None
    education: str | None = None
    # None when unknown (then no warning); 0 is a real count.
    introducers_count: int | None = None
    # True when the candidate's cell is a chi bộ trực thuộc (it has a committee stage).
    committee_required: bool = False
    # The unit's area is flagged disadvantaged (rule 3a: the education exception).
    disadvantaged_area: bool = False
    # Latest event date per stage code, exited included when there is one.
    dates: Mapping[str, date] = field(default_factory=dict)
    exited: bool = False
    readmission: Readmission | None = None
    # The chi bộ's resolution proposing recognition (a dossier item), when there is one.
    recognition_resolution: date | None = None


def stage_dates(dates: Mapping[str, date | None]) -> dict[str, date]:
    """Plain stage-code keys (Stage members or strings), blanks dropped; an unknown stage
    raises ValueError."""
    return {Stage(key).value: value for key, value in dates.items() if value is not None}
