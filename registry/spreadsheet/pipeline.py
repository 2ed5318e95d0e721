"""The import pipeline: read → find the header → skip what is not data → validate.

parse_file is what the web preview and the CLI call; iter_rows gives the same reading
and row skipping to the unit and area imports, with their own alias tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.textutil import clean_text, fold
from registry.domain.workdays import today_vn
from registry.spreadsheet.errors import Limits, ReadError
from registry.spreadsheet.headers import (
    CANDIDATE_ALIASES,
    DATE_PARTS,
    AliasTable,
    HeaderMap,
    find_header,
    is_column_number_row,
)
from registry.spreadsheet.legacy import LegacyFixer
from registry.spreadsheet.lookups import DictLookups, Lookups, UnitRef
from registry.spreadsheet.normalise import cell_text, is_blank
from registry.spreadsheet.reader import Row, Sheet, Workbook, read_workbook
from registry.spreadsheet.results import Issue, RowResult
from registry.spreadsheet.shapes import Section, SectionFill, Shapes, fill_merged, section_of
from registry.spreadsheet.validate import RowValidator

HEADER_SCAN = 20
# The columns whose value makes a row a person's, whatever its other cells say.
BIRTH_FIELDS = (
    "birth_date", "birth_date_male", "birth_date_female", *DATE_PARTS["birth_date"],
)  # fmt: skip
# Rows sampled to decide each column's legacy encoding: enough to be sure, few enough
# to stay cheap on a 100,000-row sheet.
_LEGACY_SAMPLE = 5000
_SUBTOTAL = re.compile(r"(tổng cộng|tổng số|tổng|cộng|total)\b", re.IGNORECASE)
_SUBTOTAL_ASCII = re.compile(r"(tong cong|tong so|tong|cong|total)\b")
_SIGNATURE = re.compile(
    r"nguoi lap|lap bieu|ky ten|ky,? ghi ro|ky va ghi ro|ky, dong dau|xac nhan|thu truong|"
    r"hieu truong|giam doc|bi thu|^t/?m\.? |^k/?t\.? |noi nhan|"
    r"ngay\W*[\d\W_]*\s*thang\W*[\d\W_]*\s*nam"
)


@dataclass
class ParseResult:
    kind: str  # xlsx, xlsm, xls, ods or csv
    sheets: list[str]
    sheet: str
    header: HeaderMap
    rows: list[RowResult]  # every data row, valid or not, in sheet order
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why) not blank
    missing: list[str] = field(default_factory=list)  # required fields with no column
    legacy: dict[str, str] = field(default_factory=dict)  # field → encoding converted
    # The sheet as read (merged blocks filled, section values written in), for the
    # group cells classify reads.
    source: Sheet | None = field(default=None, repr=False)
    shapes: Shapes = field(default_factory=Shapes)
    # The columns the rows were validated under: the header's, and a column of its own
    # for the unit or group section rows gave, when the sheet has none.
    columns: dict[int, str] = field(default_factory=dict)
    # Several sheets read as one batch (book.parse_book): each sheet's own result, and
    # the sheets set aside (name, why: "no_header" or "no_rows").
    parts: list[ParseResult] = field(default_factory=list)
    set_aside: list[tuple[str, str]] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.errors]

    @property
    def errors(self) -> list[Issue]:
        return [i for r in self.rows for i in r.errors]

    @property
    def warnings(self) -> list[Issue]:
        return [i for r in self.rows for i in r.warnings]

    @property
    def counts(self) -> dict[str, int]:
        """rows = data rows after skipped ones; valid = rows without errors."""
        valid = sum(1 for r in self.rows if not r.errors)
        return {"rows": len(self.rows), "valid": valid, "errors": len(self.rows) - valid}

    def as_dict(self) -> dict[str, object]:
        """The CLI's JSON fields this step knows (new/updated/unchanged come later)."""
        return {
            "rows": len(self.rows),
            "valid": self.counts["valid"],
            "errors": [i.as_dict() for i in self.errors],
            "warnings": [i.as_dict() for i in self.warnings],
        }


class RowFilter:
    """Tells data rows from the blank, subtotal, section, repeated-header and signature
    rows that lists carry."""

    def __init__(
        self,
        header: HeaderMap,
        header_rows: Sequence[Sequence[object]],
        fixer: LegacyFixer | None,
        birth_fields: Sequence[str],
        is_unit: Callable[[str], bool] = lambda _name: False,
    ) -> None:
        index = header.column_of()
        self.label_cols = [index[f] for f in ("row_no", "full_name", "name", "code") if f in index]
        self.birth_cols = [index[f] for f in birth_fields if f in index]
        # The header's own cells, to spot it repeated on each printed page.
        self.header_cells: dict[int, set[str]] = {col: set() for col in index.values()}
        for row in header_rows:
            for col, cells in self.header_cells.items():
                if col < len(row) and isinstance(cell := row[col], str) and cell:
                    cells.add(cell)
        self.header_depth = header.header_rows
        self.fixer = fixer
        self.footer = False
        self.pending = 0  # rows still to skip under a repeated header
        self.is_unit = is_unit
        # The unit and group the last section rows opened, for the rows below them.
        self.sections: list[Section] = []
        self.unit = ""
        self.group = ""

    def _label(self, row: Sequence[object], col: int) -> str:
        value = row[col] if col < len(row) else ""
        if isinstance(value, str) and self.fixer is not None and not value.isascii():
            value = self.fixer.convert(col, value)
        return clean_text(value) if isinstance(value, str) else cell_text(value)

    def _repeats_header(self, row: Sequence[object]) -> bool:
        same = sum(
            1
            for col, cells in self.header_cells.items()
            if col < len(row) and row[col].__class__ is str and row[col] in cells
        )
        return same >= 2

    def why_skip(self, row: Sequence[object], number: int = 0) -> str | None:
        """None for a data row, else why not: "blank", "header", "column_numbers",
        "subtotal", "section" or "signature"."""
        if not any(not is_blank(v) for v in row):
            return "blank"
        if self.pending:
            self.pending -= 1
            if self.pending == 0 and not is_column_number_row(row):
                return self.why_skip(row, number)
            return "header" if self.pending else "column_numbers"
        if self._repeats_header(row):
            # The rest of a multi-row header and its column-number row follow it.
            self.pending = self.header_depth
            return "header"
        labels = [self._label(row, c) for c in self.label_cols]
        first = next((t for t in labels if t), "")
        if first and _is_subtotal(first):
            # Also when other cells hold counts (men and women under the birth dates).
            return "subtotal"
        if any(col < len(row) and not is_blank(row[col]) for col in self.birth_cols):
            return None
        return self._why_skip_undated(row, number)

    def _why_skip_undated(self, row: Sequence[object], number: int) -> str | None:
        section = section_of(number, row, self.label_cols, self._label, self.is_unit)
        if section is not None:
            self.sections.append(section)
            if section.kind == "group":
                self.group, self.unit = section.group, ""
            else:
                self.unit = section.title
            return "section"
        filled = [v for v in row if not is_blank(v)]
        if self.footer or (
            len(filled) <= 3 and any(_is_signature(v) for v in filled if isinstance(v, str))
        ):
            self.footer = True
            return "signature"
        if is_column_number_row(row):
            return "column_numbers"
        return None


def _is_subtotal(text: str) -> bool:
    lowered = text.lower()
    if _SUBTOTAL.match(lowered):
        return True
    # Without marks, "Cong" could be the name "Công": only plain ASCII text counts.
    return text.isascii() and _SUBTOTAL_ASCII.match(lowered) is not None


def _is_signature(text: str) -> bool:
    return bool(text.strip()) and _SIGNATURE.search(fold(text)) is not None


def _sheet_and_header(
    book: Workbook, name: str | None, table: AliasTable, header_row: int | None
) -> tuple[Sheet, HeaderMap]:
    """The named sheet, else the first sheet with data whose header can be found (a
    workbook often starts with a cover or instructions sheet)."""
    if name is not None:
        sheet = book.sheet(name)
        return sheet, _header(sheet, table, header_row)
    first_error: ReadError | None = None
    for sheet in book.sheets_with_data():
        try:
            return sheet, _header(sheet, table, header_row)
        except ReadError as exc:
            first_error = first_error or exc
    raise first_error or ReadError("no_data")


def _header(sheet: Sheet, table: AliasTable, header_row: int | None) -> HeaderMap:
    rows = sheet.rows
    if header_row is not None:
        rows = [(n, r) for n, r in rows if n >= header_row]
    found = find_header(rows, table, sheet.merges, scan=HEADER_SCAN if header_row is None else 1)
    if found is None:
        raise ReadError("no_header", sheet=sheet.name, scan=HEADER_SCAN)
    return found


def _row_filter(
    sheet: Sheet,
    header: HeaderMap,
    fixer: LegacyFixer,
    birth_fields: Sequence[str],
    is_unit: Callable[[str], bool] = lambda _name: False,
) -> RowFilter:
    last = header.header_row + header.header_rows
    rows = [r for n, r in sheet.rows if header.header_row <= n < last]
    return RowFilter(header, rows, fixer, birth_fields, is_unit)


def _fixer(sheet: Sheet, header: HeaderMap) -> LegacyFixer:
    data = [r for n, r in sheet.rows if n >= header.data_start]
    step = max(1, len(data) // _LEGACY_SAMPLE)
    sample = data[::step]
    columns = {
        col: [cell for row in sample if col < len(row) and isinstance(cell := row[col], str)]
        for col in header.columns
    }
    return LegacyFixer(columns)


def _data_rows(
    rows: Sequence[tuple[int, Row]],
    header: HeaderMap,
    rf: RowFilter,
    skipped: list[tuple[int, str]],
) -> Iterator[tuple[int, Row]]:
    for number, row in rows:
        if number < header.data_start:
            continue
        why = rf.why_skip(row, number)
        if why is None:
            yield number, row
        elif why != "blank":
            skipped.append((number, why))


def parse_file(
    data: bytes,
    filename: str = "",
    sheet: str | None = None,
    mapping_override: Mapping[int, str | None] | None = None,
    lookups: Lookups | None = None,
    today: date | None = None,
    default_unit: UnitRef | None = None,
    limits: Limits | None = None,
    *,
    header_row: int | None = None,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> ParseResult:
    """Read, map and validate a candidate list.

    `sheet` picks a sheet by name (default: the first with data and a header);
    `mapping_override` is the user's column → field choice (None ignores a column);
    `header_row` forces the header's first row; `lookups` finds units and cells in the
    importer's scope; `default_unit` stands for a blank unit (the CLI's --unit). Raises
    ReadError when the file can't be read or has no recognisable header; problems with
    rows are in the result.
    """
    book = read_workbook(data, filename, limits)
    chosen, header = _sheet_and_header(book, sheet, CANDIDATE_ALIASES, header_row)
    if mapping_override:
        header = header.with_override(mapping_override)
    return parse_sheet(
        book,
        chosen,
        header,
        lookups or DictLookups(),
        today or today_vn(),
        default_unit=default_unit,
        settings=settings,
    )


def parse_sheet(
    book: Workbook,
    chosen: Sheet,
    header: HeaderMap,
    lookups: Lookups,
    today: date,
    *,
    default_unit: UnitRef | None = None,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> ParseResult:
    """Validate the rows of one sheet of a read workbook under its header map.

    Merged blocks and section values are written into the sheet's rows (see
    shapes.fill_merged): the sheet is this parse's own."""
    rows = chosen.rows
    filled = fill_merged(rows, chosen.merges, header.data_start)
    fixer = _fixer(chosen, header)
    rf = _row_filter(
        chosen, header, fixer, BIRTH_FIELDS, lambda name: lookups.unit(None, name) is not None
    )
    width = max(max((len(r) for _n, r in rows), default=0), max(header.columns, default=-1) + 1)
    fill = SectionFill(header.columns, width)
    skipped: list[tuple[int, str]] = []
    data: list[tuple[int, Row]] = []
    for number, row in _data_rows(rows, header, rf, skipped):
        if rf.unit or rf.group:
            fill.apply(row, rf.unit, rf.group)
        data.append((number, row))
    # A column of its own for the section's unit (or group) only when sections were found.
    columns: Mapping[int, str] = fill.columns if rf.sections else header.columns
    validator = RowValidator(
        columns,
        lookups,
        today,
        date1904=chosen.date1904,
        default_unit=default_unit,
        fixer=fixer if fixer.active else None,
        settings=settings,
    )
    results = [validator.validate(n, r) for n, r in data]
    unit_sections = any(s.kind == "unit" for s in rf.sections)
    return ParseResult(
        kind=book.kind,
        sheets=book.sheet_names,
        sheet=chosen.name,
        header=header,
        rows=results,
        skipped=skipped,
        missing=_missing(header, default_unit, unit_sections),
        legacy=_legacy_columns(header, fixer),
        source=chosen,
        shapes=Shapes(filled, rf.sections),
        columns=dict(columns),
    )


def _missing(
    header: HeaderMap, default_unit: UnitRef | None, unit_sections: bool = False
) -> list[str]:
    present = set(header.columns.values())
    missing = []
    if not present & {"full_name", "given_name"}:
        missing.append("full_name")
    if not present & set(BIRTH_FIELDS):
        missing.append("birth_date")
    if default_unit is None and not unit_sections and not present & {"unit_code", "unit_name"}:
        missing.append("unit_name")
    return missing


def _legacy_columns(header: HeaderMap, fixer: LegacyFixer) -> dict[str, str]:
    """Field → the legacy encoding(s) its converted cells were in ("tcvn3", "tcvn3+vni")."""
    return {
        header.columns[col]: "+".join(sorted(str(r) for r in readings))
        for col, readings in fixer.converted.items()
        if col in header.columns
    }


def iter_rows(
    data: bytes,
    filename: str,
    table: AliasTable,
    *,
    sheet: str | None = None,
    limits: Limits | None = None,
    mapping_override: Mapping[int, str | None] | None = None,
    book: Workbook | None = None,
) -> Iterator[tuple[int, dict[str, object]]]:
    """(row number, {field: value}) for each data row of a units, areas or similar
    list. Text is converted from legacy fonts and cleaned; dates and numbers stay as
    read. Raises ReadError like parse_file. `book` is `data` already read."""
    book = book or read_workbook(data, filename, limits)
    chosen, header = _sheet_and_header(book, sheet, table, None)
    if mapping_override:
        header = header.with_override(mapping_override, table)
    fixer = _fixer(chosen, header)
    rf = _row_filter(chosen, header, fixer, ())
    for number, row in _data_rows(chosen.rows, header, rf, []):
        values: dict[str, object] = {}
        for col, name in header.columns.items():
            value = row[col] if col < len(row) else ""
            if isinstance(value, str):
                value = clean_text(fixer.convert(col, value))
            if not is_blank(value):
                values[name] = value
        if values:
            yield number, values
