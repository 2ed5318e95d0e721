"""registry.domain.rules.transitions.check_row for many rows at once.

check_row costs more than the rest of a row's validation, and rows of one list share
their stage dates (a cell's resolution, a class's certificate), while the birth date
differs for everyone. The birth date only matters for the age rules, so the verdict
without it is cached by the dates, and check_row is run in full only for a row whose
age is outside the limits, where its messages are needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from registry.domain.rules.settings import RuleSettings
from registry.domain.rules.transitions import check_row
from registry.domain.rules.verdict import Verdict
from registry.domain.vocabulary import STAGE_ORDER, STAGE_RANK, Stage
from registry.domain.workdays import full_months_between

_EARLY = frozenset({Stage.SOURCE.value, Stage.TRAINED.value, Stage.DOSSIER.value})
_CELL = Stage.CELL_RESOLUTION.value
_LATER = frozenset(s.value for s in STAGE_ORDER if STAGE_RANK[s.value] > STAGE_RANK[_CELL])
_NOTHING = Verdict()


def _could_fail(dates: Mapping[str, date]) -> bool:
    """False for a row at the first stages with its source date first: check_row has
    nothing to say about it (trained and dossier may come in either order)."""
    if not dates.keys() <= _EARLY:
        return True
    source = dates.get(Stage.SOURCE.value)
    return source is not None and any(d < source for d in dates.values())


class StageRules:
    def __init__(self, today: date, settings: RuleSettings) -> None:
        self.today = today
        self.settings = settings
        self._verdicts: dict[tuple[object, ...], Verdict] = {}

    def _age_matters(self, dates: Mapping[str, date], birth: date) -> bool:
        """Whether an age rule could fire (then check_row must see the birth date)."""
        cell = dates.get(_CELL)
        if cell is not None:
            months = full_months_between(birth, cell)
            return not self.settings.min_age_months <= months <= self.settings.max_age_months
        later = [d for s, d in dates.items() if s in _LATER]
        return bool(later) and full_months_between(birth, min(later)) < self.settings.min_age_months

    def check(
        self,
        dates: Mapping[str, date],
        birth: date | None,
        *,
        committee_required: bool | None,
        introducers: int | None,
    ) -> Verdict:
        """check_row(dates, birth, …) without an education (the caller warns about it)."""
        if not dates or not _could_fail(dates):
            return _NOTHING
        if birth is not None and self._age_matters(dates, birth):
            return self._check(dates, birth, committee_required, introducers)
        key = (*dates.items(), committee_required, introducers)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._check(dates, None, committee_required, introducers)
            self._verdicts[key] = verdict
        return verdict

    def _check(
        self,
        dates: Mapping[str, date],
        birth: date | None,
        committee_required: bool | None,
        introducers: int | None,
    ) -> Verdict:
        return check_row(
            dates,
            birth,
            None,
            self.today,
            self.settings,
            committee_required=committee_required,
            introducers_count=introducers,
        )
