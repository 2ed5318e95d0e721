"""The dossier's optional columns of a list: the two introducers and the cell's vote.

Each introducer is four columns (name, the introduction's date, the date they became a
full member, the months they worked with the candidate); the vote one ("18/20": in
favour / full members). The values go through registry.domain.dossier's checks, the
ones the dossier page makes, so a list is refused where the page would refuse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime

from registry.domain import dossier
from registry.domain.rules.settings import RuleSettings
from registry.domain.textutil import fold
from registry.spreadsheet.headers import INTRODUCER_COLUMNS
from registry.spreadsheet.normalise import cell_text, is_blank
from registry.spreadsheet.results import RowState, quote

_MONTHS = re.compile(r"(\d{1,3})(?:\s*thang)?")
ReadDate = Callable[[RowState, str], date | None]
ReadText = Callable[[str], str]
ReadRaw = Callable[[str], object]


def months_of(value: object) -> int | None:
    """A whole number of months: 18, 18.0, "18" or "18 tháng"; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    m = _MONTHS.fullmatch(fold(cell_text(value)).strip())
    return int(m[1]) if m else None


def introducer_rows(values: Mapping[str, object]) -> list[dossier.Introduction]:
    """The member introducers a validated row names, in column order."""
    found = []
    for name, day, member, months in INTRODUCER_COLUMNS:
        if name in values and isinstance(when := values.get(day), date):
            found.append(
                dossier.Introduction(
                    dossier.MEMBER,
                    str(values[name]),
                    when,
                    values.get(member),  # type: ignore[arg-type]  # a date when present
                    values.get(months),  # type: ignore[arg-type]  # an int when present
                )
            )
    return found


def vote_of(values: Mapping[str, object]) -> tuple[int, int] | None:
    """The cell's vote a validated row holds, as (in favour, full members)."""
    text = values.get("cell_vote")
    return dossier.parse_vote(text) if isinstance(text, str) else None


class DossierColumns:
    """Checks the dossier columns a sheet has, row by row."""

    def __init__(self, fields: Mapping[str, int], today: date, settings: RuleSettings) -> None:
        self.groups = [g for g in INTRODUCER_COLUMNS if any(f in fields for f in g)]
        self.vote = "cell_vote" in fields
        self.today = today
        self.settings = settings

    def named(self, r: RowState) -> int:
        """How many introducers the row names (0 without the columns)."""
        return sum(g[0] in r.values for g in self.groups)

    def check(self, r: RowState, read_date: ReadDate, text: ReadText, raw: ReadRaw) -> None:
        for group in self.groups:
            self._introducer(r, group, read_date, text, raw)
        if self.vote:
            self._vote(r, raw("cell_vote"), text("cell_vote"))

    def _introducer(
        self,
        r: RowState,
        group: tuple[str, str, str, str],
        read_date: ReadDate,
        text: ReadText,
        raw: ReadRaw,
    ) -> None:
        name_f, day_f, member_f, months_f = group
        name = text(name_f)
        day, member = read_date(r, day_f), read_date(r, member_f)
        months_value = raw(months_f)
        filled = name or day or member or not is_blank(months_value)
        if not filled or r.failed & set(group):
            return
        n = name_f.split("_")[1]
        if not name:
            r.error(name_f, "required", f"Có thông tin người giới thiệu {n} nhưng thiếu họ tên.")
            return
        r.values[name_f] = name
        if day is None:
            r.error(day_f, "required", f"Thiếu ngày {name} giới thiệu (người giới thiệu {n}).")
            return
        months = None
        if not is_blank(months_value):
            months = months_of(months_value)
            if months is None:
                r.error(
                    months_f,
                    "invalid_value",
                    f"Số tháng công tác cùng {quote(months_value)} không phải số tháng.",
                )
                return
            r.values[months_f] = months
        intro = dossier.Introduction(dossier.MEMBER, name, day, member, months)
        try:
            warnings = dossier.check_introduction(
                intro, dossier.Person(), self.today, self.settings
            )
        except dossier.DossierError as error:
            column = {dossier.NOT_FULL_MEMBER: member_f, "required": months_f}.get(
                error.code, day_f
            )
            r.error(column, error.code, str(error))
            return
        for warning in warnings:
            r.warn(months_f, "few_months_together", warning)

    def _vote(self, r: RowState, value: object, text: str) -> None:
        if is_blank(value):
            return
        if isinstance(value, date | datetime):
            r.error(
                "cell_vote",
                dossier.INVALID_VOTE,
                "Ô biểu quyết đã bị Excel đổi thành ngày: hãy định dạng cột là văn bản và ghi "
                "lại, ví dụ 18/20.",
            )
            return
        try:
            votes = dossier.parse_vote(text)
            dossier.check_vote(*votes, self.settings)
        except dossier.DossierError as error:
            r.error("cell_vote", error.code, str(error))
            return
        r.values["cell_vote"] = dossier.format_vote(*votes)
