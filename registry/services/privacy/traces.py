"""Where a person still shows outside their own record: stored files and kept texts.

A person reaches other records through every file that named them: the batch that
added them, a later batch where they were "unchanged", previews that were never
committed. Those hold no link to the candidate, so each stored file is read through the
import reader and its rows are compared with the person: by CCCD, or by the folded name
together with the birth date (DESIGN "Personal data").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeGuard

from registry.domain.textutil import fold
from registry.domain.workdays import today_vn
from registry.models import Candidate
from registry.spreadsheet import Limits, ReadError, read_workbook
from registry.spreadsheet.legacy import decode_tcvn3, decode_vni
from registry.spreadsheet.normalise import DateParser, Invalid

_ID_NOISE = re.compile(r"[\s.\-']")


@dataclass(frozen=True)
class Probe:
    """What identifies one person in a file: the CCCD, or name and birth date together."""

    id_number: str | None
    name_key: str
    birth_date: date | None

    @classmethod
    def of(cls, candidate: Candidate) -> Probe:
        return cls(candidate.id_number or None, fold(candidate.full_name), candidate.birth_date)

    def names(self, text: str) -> bool:
        """The folded name stands in `text` as whole words."""
        return bool(self.name_key) and f" {self.name_key} " in f" {fold(text)} "

    def is_person(self, name: str, birth: str | date | None) -> bool:
        """A name and a birth date (a date, or written dd/mm/yyyy) that are this person's."""
        if self.birth_date is None or not self.names(name or ""):
            return False
        if isinstance(birth, str):
            return birth.strip() == self.birth_date.strftime("%d/%m/%Y")
        return birth == self.birth_date


def _whole_number(value: object) -> TypeGuard[int | float]:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and float(value).is_integer()
    )


class _RowReader:
    """Tells whether one row of a sheet holds the person."""

    def __init__(self, probe: Probe, date1904: bool) -> None:
        self.probe = probe
        self.dates = DateParser(today_vn(), date1904)

    def _date(self, value: object) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return None
        if isinstance(value, str) and not any(ch.isdigit() for ch in value):
            return None
        try:
            return self.dates(value)
        except (Invalid, ValueError, OverflowError):
            return None

    def _has_id(self, cells: Sequence[object]) -> bool:
        number = self.probe.id_number
        if not number:
            return False
        for value in cells:
            if isinstance(value, str):
                if number in value or _ID_NOISE.sub("", value) == number:
                    return True
            elif _whole_number(value) and str(int(value)).zfill(len(number)) == number:
                return True
        return False

    def _has_birth(self, cells: Sequence[object]) -> bool:
        birth = self.probe.birth_date
        if birth is None:
            return False
        if any(self._date(value) == birth for value in cells):
            return True
        # "Ngày | Tháng | Năm" in three cells.
        parts = (birth.day, birth.month, birth.year)
        numbers = [v if isinstance(v, int | float) else None for v in cells]
        return any(tuple(numbers[i : i + 3]) == parts for i in range(len(numbers) - 2))

    def _has_name(self, cells: Sequence[object]) -> bool:
        # The whole row as one text: a name split as "Họ đệm | Tên" reads as one.
        line = " ".join(v for v in cells if isinstance(v, str) and v.strip())
        if not line:
            return False
        if self.probe.names(line):
            return True
        # Text typed with the legacy fonts reads as the person's name once decoded.
        return not line.isascii() and any(
            self.probe.names(decode(line)) for decode in (decode_tcvn3, decode_vni)
        )

    def holds(self, cells: Sequence[object]) -> bool:
        return self._has_id(cells) or (self._has_birth(cells) and self._has_name(cells))


def file_holds(probe: Probe, data: bytes, filename: str, limits: Limits) -> bool:
    """Whether any row of any sheet of a stored file holds the person."""
    try:
        book = read_workbook(data, filename, limits)
        for name in book.sheet_names:
            sheet = book.sheet(name)
            reader = _RowReader(probe, sheet.date1904)
            if any(reader.holds(cells) for _number, cells in sheet.rows):
                return True
    except ReadError:
        # Every kept file was read once at upload; one that no longer reads can't be
        # shown to anyone either (the error workbook and the preview read it the same way).
        return False
    return False


class TextScrubber:
    """Replaces the person's strings (their name in any case, their CCCD) in free text."""

    def __init__(self, replacements: dict[str, str]) -> None:
        usable = {old: new for old, new in replacements.items() if old and len(old) >= 4}
        words = "|".join(re.escape(o) for o in sorted(usable, key=len, reverse=True))
        # Whole words only ("Nguyễn Văn An" is not inside "Nguyễn Văn Anh"), but
        # "ds_Nguyễn Văn An.xlsx" does hold it: "_" separates words here.
        self.pattern = re.compile(rf"(?<![^\W_])(?:{words})(?![^\W_])", re.I) if usable else None
        self.strings = list(usable)
        self.replacements = {old.casefold(): new for old, new in usable.items()}

    def text(self, value: str) -> str:
        if self.pattern is None:
            return value
        return self.pattern.sub(lambda m: self.replacements.get(m[0].casefold(), "***"), value)

    def json(self, value: Any, fields: dict[str, Any] | None = None) -> Any:
        """A JSON value with the strings replaced at any depth; `fields` (key → value)
        replace whole values, for records that are about the person."""
        if isinstance(value, dict):
            return {
                k: (fields[k] if fields and k in fields else self.json(v, fields))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.json(v, fields) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def samples(self, rows: Iterable[Any], probe: Probe, pseudonym: str) -> list[Any]:
        """Preview rows (batches.SAMPLE_ROWS): the person's own rows lose their identity."""
        out = []
        for row in rows:
            if isinstance(row, dict) and (
                probe.is_person(row.get("full_name", ""), row.get("birth_date"))
            ):
                row = {**row, "full_name": pseudonym, "birth_date": "", "id_number": ""}
            out.append(self.json(row))
        return out
