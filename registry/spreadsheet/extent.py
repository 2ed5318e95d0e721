"""The real extent of a sheet, read from the file itself before calamine sees it.

calamine builds a dense grid from A1 to the last cell holding a value, so what matters
is where the cells really are, not what the file declares. These scanners stream the
sheet XML (xlsx), content.xml (ods) with expat, whatever the quoting, whitespace or
namespace prefixes, and count the cells the reader would materialise: cells holding a
value (calamine skips empty and styled-only cells), with ODS repeats multiplied out.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

from registry.spreadsheet.errors import ReadError

_CHUNK = 1 << 20
_REF = re.compile(r"\s*([A-Za-z]{0,4})(\d{1,8})\s*")


@dataclass
class Extent:
    """Rows and columns from A1 to the last cell holding a value; how many cells hold one."""

    rows: int = 0
    cols: int = 0
    cells: int = 0

    def add(self, row: int, col: int, count: int = 1) -> None:
        """`count` cells with values ending at (row, col), 1-based."""
        if row > self.rows:
            self.rows = row
        if col > self.cols:
            self.cols = col
        self.cells += count

    @property
    def grid(self) -> int:
        return self.rows * self.cols


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _no_doctype(*_args: object) -> None:
    # Office files carry no DTD; one here is an entity-expansion attempt.
    raise ReadError("corrupt_file")


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    return parser


def _feed(parser: expat.XMLParserType, fh: IO[bytes]) -> None:
    try:
        while chunk := fh.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise ReadError("corrupt_file") from exc
    except (OSError, EOFError, RuntimeError, zlib.error) as exc:
        raise ReadError("corrupt_file") from exc


@dataclass
class SheetScan:
    extent: Extent
    # The dimension the sheet declares (rows, columns), when it has one.
    declared: tuple[int, int] | None = None


@dataclass
class _Place:
    """Where the scan is: the current row and column, the open cell until it counts."""

    row: int = 0
    col: int = 0
    cell: tuple[int, int] | None = None


def scan_xlsx_sheet(fh: IO[bytes]) -> SheetScan:
    """Every <row> and <c> of a worksheet part: a cell counts when it holds a <v> or <is>."""
    extent = Extent()
    scan = SheetScan(extent)
    state = _Place()

    def start(name: str, attrs: list[str]) -> None:
        local = _local(name)
        if local == "c":
            ref = _attr(attrs, "r")
            if ref is None:
                row, col = state.row or 1, state.col + 1
            else:
                row, col = _parse_ref(ref, state.row)
            state.col = col
            state.cell = (row, col)
        elif local in ("v", "is"):
            cell = state.cell
            if cell is not None:
                extent.add(*cell)
                state.cell = None  # a cell counts once
        elif local == "row":
            number = _attr(attrs, "r")
            state.row = _number(number) if number is not None else state.row + 1
            state.col = 0
            state.cell = None
        elif local == "dimension":
            scan.declared = _dimension(_attr(attrs, "ref") or "")

    def end(name: str) -> None:
        if name == "c" or name.endswith(":c"):
            state.cell = None

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    _feed(parser, fh)
    return scan


def _attr(attrs: list[str], wanted: str) -> str | None:
    for i in range(0, len(attrs), 2):
        if _local(attrs[i]) == wanted:
            return attrs[i + 1]
    return None


def _number(text: str) -> int:
    text = text.strip()
    if not text.isdigit() or len(text) > 8:
        raise ReadError("corrupt_file")
    return int(text)


def _parse_ref(ref: str, row: int) -> tuple[int, int]:
    """(row, column), 1-based, of "B12"; a reference without digits keeps the row."""
    m = _REF.fullmatch(ref)
    if m is None:
        raise ReadError("corrupt_file")
    letters, digits = m.groups()
    if not letters:
        raise ReadError("corrupt_file")
    return int(digits), _column(letters)


def _dimension(ref: str) -> tuple[int, int] | None:
    last = ref.split(":")[-1]
    m = _REF.fullmatch(last)
    if m is None or not m[1]:
        return None
    return int(m[2]), _column(m[1])


# --- ODS ----------------------------------------------------------------------------------


# Merged areas kept per ODS table: a real list has a few hundred; past this many the
# rest are left out (the cells keep their values, only the filling of blocks is lost).
MAX_MERGES = 50_000
# A merged area: ((first_row, first_col), (last_row, last_col)), 0-based.
_Merge = tuple[tuple[int, int], tuple[int, int]]


def scan_ods_content(
    fh: IO[bytes], merges: dict[str, list[_Merge]] | None = None
) -> dict[str, Extent]:
    """Table name → extent, with number-rows-repeated × number-columns-repeated
    multiplied out; a cell counts when it has an office:value-type (calamine ignores
    the others), and empty repeats only move the position, as they do in calamine.

    calamine gives no merged areas for ODS: given `merges`, the spans
    (number-rows-spanned × number-columns-spanned) are collected into it per table, as
    ((first_row, first_col), (last_row, last_col)), 0-based like calamine's.
    """
    scan = _OdsScan(merges)
    parser = _parser()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    _feed(parser, fh)
    return scan.tables


class _OdsScan:
    """The expat handlers of `scan_ods_content`, and where they are in content.xml."""

    def __init__(self, merges: dict[str, list[_Merge]] | None) -> None:
        self.merges = merges
        self.tables: dict[str, Extent] = {}
        # The merged areas of the table being read (its list in `merges`).
        self.spans: list[_Merge] = []
        # One frame per open table: [extent, next row, row repeat, row's next column,
        # row's last column holding a value, cells holding a value in the row].
        self.stack: list[list] = []

    def start(self, name: str, attrs: list[str]) -> None:
        local = _local(name)
        # Cells, the most frequent elements by far, are counted here without a call.
        if local == "table-cell" or local == "covered-table-cell":
            if not self.stack:
                return
            frame = self.stack[-1]
            repeat = _repeat(attrs, "number-columns-repeated")
            if self.merges is not None and local == "table-cell":
                _span(attrs, frame[1], frame[3], self.spans)
            if _attr(attrs, "value-type") is not None:
                frame[4] = frame[3] + repeat
                frame[5] += repeat
            frame[3] += repeat
        elif local == "table-row":
            self._start_row(attrs)
        elif local == "table":
            self._start_table(attrs)

    def _start_row(self, attrs: list[str]) -> None:
        if self.stack:
            frame = self.stack[-1]
            frame[2] = _repeat(attrs, "number-rows-repeated")
            frame[3] = frame[4] = frame[5] = 0

    def _start_table(self, attrs: list[str]) -> None:
        extent = Extent()
        name = _attr(attrs, "name") or f"#{len(self.tables) + 1}"
        self.tables[name] = extent
        self.stack.append([extent, 0, 1, 0, 0, 0])
        if self.merges is not None:
            self.spans = self.merges[name] = []

    def end(self, name: str) -> None:
        local = _local(name)
        if not self.stack:
            return
        frame = self.stack[-1]
        if local == "table-row":
            extent, first, repeat = frame[0], frame[1], frame[2]
            if frame[5]:
                extent.add(first + repeat, frame[4], frame[5] * repeat)
            frame[1] = first + repeat
            frame[2], frame[3], frame[4], frame[5] = 1, 0, 0, 0
        elif local == "table":
            self.stack.pop()


def _span(attrs: list[str], row: int, col: int, into: list[_Merge]) -> None:
    """Record the merged area a cell opens (0-based row and column where it starts)."""
    rows = _repeat(attrs, "number-rows-spanned")
    cols = _repeat(attrs, "number-columns-spanned")
    if (rows > 1 or cols > 1) and len(into) < MAX_MERGES:
        into.append(((row, col), (row + rows - 1, col + cols - 1)))


def _repeat(attrs: list[str], wanted: str) -> int:
    value = _attr(attrs, wanted)
    if value is None:
        return 1
    value = value.strip()
    if not value.isdigit() or len(value) > 12:
        raise ReadError("corrupt_file")
    return max(int(value), 1)
