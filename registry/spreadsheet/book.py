"""Several sheets of one workbook read as one batch ("Khối 10", "Khối 11", …).

Each sheet keeps its own header, row numbers and shapes; a person's rows are told apart
by (sheet, row). Sheets that hold no candidate table (a cover, instructions, a summary
of counts) are set aside and named. A person on two sheets is `duplicate_in_file` on
the later one, as on one sheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.textutil import fold_key
from registry.domain.workdays import today_vn
from registry.spreadsheet.errors import Limits, ReadError
from registry.spreadsheet.headers import CANDIDATE_ALIASES
from registry.spreadsheet.lookups import DictLookups, Lookups, UnitRef
from registry.spreadsheet.pipeline import ParseResult, _header, parse_file, parse_sheet
from registry.spreadsheet.reader import read_workbook
from registry.spreadsheet.results import RowResult
from registry.spreadsheet.shapes import Shapes

Override = Mapping[int, str | None]
# The sheet name a batch keeps when every sheet holding a list is read as one batch.
ALL_SHEETS = "*"


def parse_book(
    data: bytes,
    filename: str = "",
    sheets: Sequence[str] = (),
    *,
    all_sheets: bool = False,
    overrides: Mapping[str, Override] | None = None,
    lookups: Lookups | None = None,
    today: date | None = None,
    default_unit: UnitRef | None = None,
    limits: Limits | None = None,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> ParseResult:
    """Read the sheets named (or with `all_sheets`, every sheet holding a candidate
    table) as one list. `overrides` maps a header signature to the mapping confirmed
    for it. One sheet named, or none, reads as parse_file does."""
    if not all_sheets and len(sheets) <= 1:
        return parse_file(
            data, filename, sheets[0] if sheets else None, None, lookups, today,
            default_unit, limits, settings=settings,
        )  # fmt: skip
    book = read_workbook(data, filename, limits)
    lookups = lookups or DictLookups()
    today = today or today_vn()
    names = list(sheets) or [s.name for s in book.sheets_with_data()]
    parts: list[ParseResult] = []
    set_aside: list[tuple[str, str]] = []
    for name in names:
        sheet = book.sheet(name)
        try:
            header = _header(sheet, CANDIDATE_ALIASES, None)
        except ReadError:
            if sheets:
                raise  # a sheet asked for by name must hold a list
            set_aside.append((name, "no_header"))
            continue
        saved = (overrides or {}).get(header.signature)
        if saved:
            header = header.with_override(saved)
        part = parse_sheet(
            book, sheet, header, lookups, today, default_unit=default_unit, settings=settings
        )
        if not part.rows:
            set_aside.append((name, "no_rows"))
            continue
        parts.append(_stamped(part))
    if not parts:
        raise ReadError("no_data")
    return _combined(parts, set_aside)


def _stamped(part: ParseResult) -> ParseResult:
    """Each row and issue of a sheet marked with the sheet's name."""
    for row in part.rows:
        row.sheet = part.sheet
        row.errors = [replace(i, sheet=part.sheet) for i in row.errors]
        row.warnings = [replace(i, sheet=part.sheet) for i in row.warnings]
    return part


def _combined(parts: list[ParseResult], set_aside: list[tuple[str, str]]) -> ParseResult:
    first = parts[0]
    rows = [row for part in parts for row in part.rows]
    _duplicates_across(parts)
    shapes = Shapes(
        [f for p in parts for f in p.shapes.filled],
        [s for p in parts for s in p.shapes.sections],
    )
    return ParseResult(
        kind=first.kind,
        sheets=first.sheets,
        sheet=first.sheet,
        header=first.header,
        rows=rows,
        skipped=[s for p in parts for s in p.skipped],
        missing=sorted({m for p in parts for m in p.missing}),
        legacy={k: v for p in parts for k, v in p.legacy.items()},
        source=first.source,
        shapes=shapes,
        parts=parts,
        set_aside=set_aside,
    )


def _duplicates_across(parts: list[ParseResult]) -> None:
    """The later of two rows on different sheets for one person (same CCCD, else same
    name, birth date and unit) is `duplicate_in_file`; within a sheet the validator
    has said so already."""
    by_number: dict[str, RowResult] = {}
    by_key: dict[tuple[object, ...], RowResult] = {}
    for part in parts:
        for row in part.rows:
            v = row.values
            number = v.get("id_number")
            if isinstance(number, str):
                first = by_number.setdefault(number, row)
                if first.sheet != row.sheet:
                    _duplicate(row, "id_number", first, f"cùng số CCCD/CMND {number}")
                continue
            if "name_key" in v and "birth_date" in v:
                unit = v.get("unit")
                where = getattr(unit, "id", None) or fold_key(str(v.get("unit_name", "")))
                first = by_key.setdefault((v["name_key"], v["birth_date"], where), row)
                if first.sheet != row.sheet:
                    _duplicate(row, "full_name", first, "cùng họ tên, ngày sinh và đơn vị")


def _duplicate(row: RowResult, column: str, first: RowResult, why: str) -> None:
    if all(i.column != column for i in row.errors):
        row.errors.append(
            row.issue(column, "duplicate_in_file", f"Trùng với {first.where()} ({why}).")
        )
