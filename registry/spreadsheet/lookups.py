"""How the pipeline finds units and party cells without touching the database.

The caller preloads what the importer's scope holds (one query for units, one for
cells) into DictLookups, or passes any object with the same two methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Protocol

from registry.domain.textutil import clean_text, fold_key


@dataclass(frozen=True)
class UnitRef:
    id: object
    code: str
    name: str
    kind: str  # a UNIT_KINDS code; decides the group when the row has none
    cell_id: object | None = None  # the party cell that looks after the unit


@dataclass(frozen=True)
class CellRef:
    id: object
    name: str
    kind: str  # "co_so" or "truc_thuoc" (only the latter has the committee stage)


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


# Found, but outside the importer's scope: say so without showing the record.
OUT_OF_SCOPE: Final = _Marker("OUT_OF_SCOPE")
# More than one unit has this name: the row must give the code.
AMBIGUOUS: Final = _Marker("AMBIGUOUS")
Found = UnitRef | CellRef | _Marker | None


def unit_code_key(code: str | None) -> str:
    """Key for matching unit codes: trimmed, single-spaced, upper case."""
    return clean_text(code).upper()


def unit_name_key(name: str | None) -> str:
    """Key for matching unit and cell names (fold_key: no case, marks or punctuation)."""
    return fold_key(name)


def cell_name_key(name: str | None) -> str:
    """Cell names match with or without the leading "Chi bộ"."""
    key = fold_key(name)
    return key[5:] if key.startswith("chibo") and len(key) > 5 else key


class Lookups(Protocol):
    def unit(self, code: str | None, name: str | None) -> UnitRef | _Marker | None:
        """The unit with this code (unit_code_key) or else this name (unit_name_key)."""

    def cell(self, name: str | None, cell_id: object | None = None) -> CellRef | _Marker | None:
        """The cell with this name (cell_name_key), or with this id when name is None."""


class DictLookups:
    """Lookups over plain dicts, built from rows read in one query each."""

    def __init__(
        self,
        units: Iterable[UnitRef] = (),
        cells: Iterable[CellRef] = (),
        *,
        other_unit_codes: Iterable[str] = (),
        other_unit_names: Iterable[str] = (),
        other_cell_names: Iterable[str] = (),
    ) -> None:
        """`other_*` are codes and names that exist outside the importer's scope."""
        self._by_code: dict[str, UnitRef | _Marker] = {}
        self._by_name: dict[str, UnitRef | _Marker] = {}
        for code in other_unit_codes:
            self._by_code[unit_code_key(code)] = OUT_OF_SCOPE
        for name in other_unit_names:
            self._by_name[unit_name_key(name)] = OUT_OF_SCOPE
        for unit in units:
            self._by_code[unit_code_key(unit.code)] = unit
            key = unit_name_key(unit.name)
            seen = self._by_name.get(key)
            self._by_name[key] = unit if seen is None or seen is OUT_OF_SCOPE else AMBIGUOUS
        self._cells: dict[str, CellRef | _Marker] = {}
        self._cell_ids: dict[object, CellRef] = {}
        for name in other_cell_names:
            self._cells[cell_name_key(name)] = OUT_OF_SCOPE
        for cell in cells:
            key = cell_name_key(cell.name)
            earlier = self._cells.get(key)
            self._cells[key] = cell if earlier is None or earlier is OUT_OF_SCOPE else AMBIGUOUS
            self._cell_ids[cell.id] = cell

    def unit(self, code: str | None, name: str | None) -> UnitRef | _Marker | None:
        found = self._by_code.get(unit_code_key(code)) if code else None
        if found is None and name:
            found = self._by_name.get(unit_name_key(name))
        return found

    def cell(self, name: str | None, cell_id: object | None = None) -> CellRef | _Marker | None:
        if name:
            return self._cells.get(cell_name_key(name))
        return self._cell_ids.get(cell_id) if cell_id is not None else None
