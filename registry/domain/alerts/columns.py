"""The stored facts an alert reads: AlertCandidate, a row of the candidate table.

Both views of the alerts read the same columns: alerts_for (alerts.candidate) a
candidate's values, alert_windows (alerts.windows) bounds on them. from_row builds an
AlertCandidate from a row keyed by column name; its columns() gives the row back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from registry.domain.vocabulary import STAGE_DATE_COLUMNS, Stage

_COL = STAGE_DATE_COLUMNS
EXITED_COLUMN = _COL[Stage.EXITED]
# Stages that, when recorded, mean the step an alert waits for has happened (or been
# skipped past), so the alert no longer applies.
STAGES_AFTER_CELL = (
    Stage.COMMITTEE_RESOLUTION,
    Stage.DECISION,
    Stage.ADMITTED,
    Stage.FULL_MEMBER,
)
# The chi bộ's recognition resolution (a dossier item, stored on the candidate row).
RECOGNITION_COLUMN = "recognition_resolution_date"


def _as_date(value: object) -> date | None:
    return value if isinstance(value, date) else None


@dataclass(frozen=True)
class AlertCandidate:
    """The stored facts an alert looks at (a row of the candidate table)."""

    birth_date: date | None
    group: str | None
    dates: Mapping[str, date] = field(default_factory=dict)  # stage code → date
    exited: bool = False
    # Date of the latest event; derived from the stage dates when not given.
    last_event_date: date | None = None
    # The last day the dossier holds every required item, valid (None: it does not).
    dossier_valid_until: date | None = None
    # The chi bộ's resolution proposing recognition, when there is one.
    recognition_resolution_date: date | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> AlertCandidate:
        """Build from a dict keyed by the candidate columns (source_date, …, exited_date)."""
        dates = {s: d for s, c in _COL.items() if (d := _as_date(row.get(c))) is not None}
        group = row.get("group")
        return cls(
            birth_date=_as_date(row.get("birth_date")),
            group=str(group) if group is not None else None,
            dates=dates,
            exited=bool(row.get("exited")) or Stage.EXITED in dates,
            last_event_date=_as_date(row.get("last_event_date")),
            dossier_valid_until=_as_date(row.get("dossier_valid_until")),
            recognition_resolution_date=_as_date(row.get(RECOGNITION_COLUMN)),
        )

    def date_of(self, stage: str) -> date | None:
        return self.dates.get(stage)

    def last_event(self) -> date | None:
        if self.last_event_date is not None:
            return self.last_event_date
        return max(self.dates.values(), default=None)

    def columns(self) -> dict[str, object]:
        """The row as the DB layer sees it: column name → value."""
        values: dict[str, object] = {c: self.dates.get(s) for s, c in _COL.items()}
        if self.exited and values[EXITED_COLUMN] is None:
            values[EXITED_COLUMN] = True  # exited without a date on file still fills the column
        values.update(
            birth_date=self.birth_date,
            group=self.group,
            last_event_date=self.last_event(),
            dossier_valid_until=self.dossier_valid_until,
            recognition_resolution_date=self.recognition_resolution_date,
        )
        return values
