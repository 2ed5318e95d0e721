"""Read a spreadsheet file into sheets of rows, whatever its real type.

The type comes from the content, never the file name: a zip is xlsx/xlsm/ods by its
content types, an OLE2 container is .xls (or an encrypted Office file), anything else
is tried as CSV. calamine reads the workbooks; cell values stay as it gives them
(str, float, bool, date/datetime), with '' for an empty cell.

The file is read in a child process (`isolation`) with a memory and time ceiling, every
sheet at once, and the parent gets the sheets' rows back: a file that would crash or
exhaust the parser is refused without touching the server process.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import cast

import python_calamine as pc

from registry.spreadsheet import guards, isolation
from registry.spreadsheet.csvread import read_csv_rows
from registry.spreadsheet.errors import Limits, ReadError
from registry.spreadsheet.extent import Extent
from registry.spreadsheet.ole import MAGIC as OLE_MAGIC
from registry.spreadsheet.ole import OleError, OleFile, biff_info

Cell = str | float | int | bool | date | datetime | time | timedelta
Row = list[Cell]
# A merged area as calamine gives it: ((first_row, first_col), (last_row, last_col)), 0-based.
Merge = tuple[tuple[int, int], tuple[int, int]]

_ENCRYPTED_STREAMS = {"EncryptedPackage", "EncryptionInfo"}


@dataclass
class Sheet:
    name: str
    # (row number as the sheet shows it, 1-based; cells from column A)
    rows: list[tuple[int, Row]]
    # Raw day numbers in this sheet count from 1904 (old Mac workbooks).
    date1904: bool = False
    merges: list[Merge] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return any(_filled(v) for _, row in self.rows for v in row)


def _filled(value: Cell) -> bool:
    return value != "" and value is not None and not (isinstance(value, str) and not value.strip())


@dataclass
class Workbook:
    kind: str  # xlsx, xlsm, xls, ods or csv
    sheet_names: list[str]
    date1904: bool = False
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only
    hidden: set[str] = field(default_factory=set)
    _loaded: dict[str, Sheet] = field(default_factory=dict, repr=False)
    _loader: Callable[[str], Sheet] | None = field(default=None, repr=False)
    # Sheet name → (code, details) of the ReadError reading it raised, kept until the
    # sheet is asked for (a broken sheet nobody needs doesn't refuse the file).
    _failed: dict[str, tuple[str, dict]] = field(default_factory=dict, repr=False)

    def sheet(self, name: str) -> Sheet:
        """One sheet, read on first use (a workbook may hold sheets nobody needs)."""
        if name not in self._loaded:
            if name not in self.sheet_names:
                raise ReadError(
                    "sheet_not_found", sheet_name=name, sheets=", ".join(self.sheet_names)
                )
            if name in self._failed:
                code, details = self._failed[name]
                raise ReadError(code, **details)
            if self._loader is None:
                raise ReadError("sheet_not_found", sheet_name=name, sheets="")
            self._loaded[name] = self._loader(name)
        return self._loaded[name]

    def load_all(self) -> Workbook:
        """Every sheet read now, and the loader dropped (so the workbook can be pickled)."""
        for name in self.sheet_names:
            try:
                self.sheet(name)
            except ReadError as error:
                self._failed[name] = (error.code, error.details)
        self._loader = None
        return self

    @property
    def sheets(self) -> list[Sheet]:
        return [self.sheet(n) for n in self.sheet_names]

    def sheets_with_data(self) -> Iterator[Sheet]:
        """Sheets holding data, visible ones first, each read when reached."""
        ordered = [n for n in self.sheet_names if n not in self.hidden]
        ordered += [n for n in self.sheet_names if n in self.hidden]
        for name in ordered:
            sheet = self.sheet(name)
            if sheet.has_data:
                yield sheet

    def first_with_data(self) -> Sheet:
        """The first visible sheet holding data (then hidden ones)."""
        for sheet in self.sheets_with_data():
            return sheet
        raise ReadError("no_data")


# Files people attach by mistake: refused by name rather than read as a broken CSV.
_OTHER_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


def detect_kind(data: bytes) -> str:
    """The container from the first bytes: "zip", "ole", "other" (a known file type
    that is no spreadsheet) or "text"."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(_OTHER_MAGIC):
        return "other"
    return "text"


def read_workbook(data: bytes, filename: str = "", limits: Limits | None = None) -> Workbook:
    """Open a file's bytes as a workbook; ReadError (with a Vietnamese message) when the
    file can't be read."""
    limits = limits or Limits()
    try:
        if limits.isolate:
            _check_bytes(data, limits)  # here, before the bytes travel to the child
            return isolation.run(read_all, (data, limits), limits)
        return _read(data, limits)
    except ReadError as exc:
        raise exc.naming(filename) from exc.__cause__


def read_all(data: bytes, limits: Limits) -> Workbook:
    """The workbook with every sheet read (what the child process sends back)."""
    return _read(data, limits).load_all()


def _check_bytes(data: bytes, limits: Limits) -> None:
    if not data or not data.strip():
        raise ReadError("empty_file")
    if len(data) > limits.max_file_bytes:
        raise ReadError(
            "too_large", size=round(len(data) / 2**20, 1), limit=limits.max_file_bytes >> 20
        )


def _read(data: bytes, limits: Limits) -> Workbook:
    _check_bytes(data, limits)
    kind = detect_kind(data)
    if kind == "zip":
        return _read_zip(data, limits)
    if kind == "ole":
        return _read_xls(data, limits)
    if kind == "other":
        raise ReadError("unsupported_type")
    csv = read_csv_rows(data, limits)
    # Rows of texts are rows of cells (lists are invariant, hence the cast); nothing
    # stores another kind of value into them.
    sheet = Sheet("CSV", cast("list[tuple[int, Row]]", csv.rows))
    return Workbook(
        "csv",
        [sheet.name],
        encoding=csv.encoding,
        delimiter=csv.delimiter,
        _loaded={sheet.name: sheet},
    )


def _read_zip(data: bytes, limits: Limits) -> Workbook:
    zf, facts = guards.open_zip(io.BytesIO(data), limits)
    ods_merges = guards.check_ods(zf, limits) if facts.kind == "ods" else {}
    calamine = _open_calamine(data)

    def load(name: str) -> Sheet:
        path = facts.sheet_paths.get(name)
        if path is not None:
            guards.check_sheet_xml(zf, path, name, limits)
        elif facts.kind != "ods":
            # A sheet the relationships don't name can't be checked: refuse it.
            raise ReadError("corrupt_file")
        sheet = _load_sheet(calamine, name, facts.date1904, limits)
        if not sheet.merges:
            sheet.merges = ods_merges.get(name, [])
        return sheet

    return _workbook(facts.kind, calamine, facts.date1904, load)


def _read_xls(data: bytes, limits: Limits) -> Workbook:
    try:
        ole = OleFile(data)
        names = ole.names()
        if names & _ENCRYPTED_STREAMS:
            raise ReadError("password_protected")
        stream = next((n for n in ("Workbook", "Book") if n in names), None)
        if stream is None:
            raise ReadError("unsupported_type")
        info = biff_info(ole.read(stream))
    except OleError as exc:
        raise ReadError("corrupt_file") from exc
    if info.encrypted:
        raise ReadError("password_protected")
    # calamine builds every sheet's grid when it opens an .xls: measure them all first.
    for name, (rows, cols) in info.dimensions.items():
        guards.check_size(name, rows, cols, limits)
    for name, cells in info.cells.items():
        guards.check_extent(name, Extent(cells.rows, cells.cols, cells.cells), limits)
    calamine = _open_calamine(data)

    def load(name: str) -> Sheet:
        return _load_sheet(calamine, name, info.date1904, limits)

    return _workbook("xls", calamine, info.date1904, load)


def _open_calamine(data: bytes) -> pc.CalamineWorkbook:
    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError as exc:
        raise ReadError("password_protected") from exc
    except (pc.CalamineError, zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError("corrupt_file") from exc


def _workbook(
    kind: str, calamine: pc.CalamineWorkbook, date1904: bool, load: Callable[[str], Sheet]
) -> Workbook:
    names: list[str] = []
    hidden: set[str] = set()
    for meta in calamine.sheets_metadata:
        if meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        names.append(meta.name)
        if meta.visible != pc.SheetVisibleEnum.Visible:
            hidden.add(meta.name)
    return Workbook(kind, names, date1904=date1904, hidden=hidden, _loader=load)


def _load_sheet(calamine: pc.CalamineWorkbook, name: str, date1904: bool, limits: Limits) -> Sheet:
    try:
        raw = calamine.get_sheet_by_name(name)
        end = raw.end
        if end is not None:
            guards.check_size(name, end[0] + 1, end[1] + 1, limits)
        rows = raw.to_python(skip_empty_area=False) if end is not None else []
        merges = list(raw.merged_cell_ranges or [])
    except pc.PasswordError as exc:
        raise ReadError("password_protected") from exc
    except pc.CalamineError as exc:
        raise ReadError("corrupt_file") from exc
    return Sheet(
        name,
        list(enumerate(_shared(rows), start=1)),
        date1904=date1904,
        merges=merges,
    )


def _shared(rows: list[Row]) -> list[Row]:
    """Make equal text and date cells one object each. A list repeats its unit, cell,
    place and dates on every row: at 100,000 rows the copies cost about 110 MB."""
    texts: dict[str, str] = {}
    days: dict[date, date] = {}
    for row in rows:
        for i, value in enumerate(row):
            if type(value) is str:
                row[i] = texts.setdefault(value, value)
            elif type(value) is date:
                row[i] = days.setdefault(value, value)
    return rows
