"""Checks made before calamine parses a workbook.

calamine builds a dense grid from A1 to the last cell holding a value, so one cell at
XFD1048576 asks for billions of cells and aborts the process (a Rust allocation
failure can't be caught), and one cell at GR199999 costs a gigabyte. Each sheet's real
extent is therefore measured before it is parsed (every cell reference, every ODS
repeat: `extent`), and refused past the limits or when far larger than the cells it
holds; the zip itself is checked against decompression bombs. The reading itself runs
in a child process with a memory and time ceiling (`isolation`), so what these checks
miss costs a refused file, not the server.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import IO

from registry.spreadsheet import extent
from registry.spreadsheet.errors import Limits, ReadError

_MIB = 1 << 20
# Entries this small can't hurt whatever their ratio; XML of a real sheet compresses
# 5–30 times, so a ratio past the limit on a large entry is a bomb.
_RATIO_FLOOR = 4 * _MIB
_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\s[^>]*>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\s[^>]*>")
_DATE1904 = re.compile(r'<(?:\w+:)?workbookPr\s[^>]*date1904="(?:1|true)"')


@dataclass
class ZipFacts:
    kind: str  # xlsx, xlsm or ods
    date1904: bool = False
    sheet_paths: dict[str, str] = field(default_factory=dict)  # sheet name → XML path


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def open_zip(data: IO[bytes], limits: Limits) -> tuple[zipfile.ZipFile, ZipFacts]:
    """Open an Office zip, refuse bombs, encrypted entries and non-spreadsheets."""
    try:
        zf = zipfile.ZipFile(data)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError("corrupt_file") from exc
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ReadError("password_protected")
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and (
            info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio
        ):
            raise ReadError("zip_bomb")
    if total > limits.max_uncompressed:
        raise ReadError("zip_bomb")
    names = set(zf.namelist())
    if "mimetype" in names:
        mimetype = _read_small(zf, "mimetype")
        if "opendocument.spreadsheet" in mimetype and "content.xml" in names:
            return zf, ZipFacts("ods")
        raise ReadError("unsupported_type")
    if "[Content_Types].xml" not in names:
        raise ReadError("unsupported_type")
    types = _read_small(zf, "[Content_Types].xml")
    if "xl/workbook.bin" in names or "sheet.binary" in types:
        raise ReadError("xlsb")
    if "xl/workbook.xml" not in names or "spreadsheetml" not in types:
        raise ReadError("unsupported_type")
    kind = "xlsm" if "macroEnabled" in types else "xlsx"
    workbook = _read_small(zf, "xl/workbook.xml")
    facts = ZipFacts(kind, bool(_DATE1904.search(workbook)))
    facts.sheet_paths = _sheet_paths(zf, workbook, names)
    return zf, facts


def _read_small(zf: zipfile.ZipFile, name: str, limit: int = 8 * _MIB) -> str:
    try:
        with zf.open(name) as fh:
            raw = fh.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise ReadError("corrupt_file") from exc
    if len(raw) > limit:
        raise ReadError("zip_bomb")
    return raw.decode("utf-8", "replace")


def _attrs(tag: str) -> dict[str, str]:
    return {k.split(":")[-1]: html.unescape(v) for k, v in _ATTR.findall(tag)}


def _sheet_paths(zf: zipfile.ZipFile, workbook: str, names: set[str]) -> dict[str, str]:
    """Sheet name → path of its XML, from workbook.xml and its relationships."""
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = _read_small(zf, rels_name) if rels_name in names else ""
    targets: dict[str, str] = {}
    for tag in _RELATIONSHIP.findall(rels):
        a = _attrs(tag)
        target = a.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[a.get("Id", "")] = path
    paths: dict[str, str] = {}
    for tag in _SHEET_TAG.findall(workbook):
        a = _attrs(tag)
        sheet_path = targets.get(a.get("id", ""))
        if sheet_path and sheet_path in names:
            paths[a.get("name", "")] = sheet_path
    return paths


# The form Excel and openpyxl write every cell in: <c r="B12" …>. A sheet whose every
# cell has it is measured by a quick scan; any other form of a cell tag (no r, other
# quotes, a namespace prefix, a second r, whitespace inside) sends the sheet to the
# full XML scan, which follows the cell positions as calamine does.
_STD_LETTERS = re.compile(rb'<c r="([A-Z]{1,3})')
_STD_DIGITS = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"')
_STD_ROWS = re.compile(rb'<row r="(\d{1,7})"')
_NON_STANDARD = re.compile(rb'<c(?! r="[A-Z]{1,3}\d{1,7}")[\s/>]')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_R_ATTRIBUTES = re.compile(rb"r(?<=[\s:]r)\s*=")
_ROW_R = b'<row r="'
_ANY_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*["']([^"']*)""")
_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _greater(value: str, alphabet: str, longest: int) -> str:
    """A regex matching the strings of `alphabet` (no longer than `longest`) that stand
    for more than `value`: longer ones, or as long and larger at the first difference."""
    first, last = alphabet[0], alphabet[-1]
    k = len(value)
    options = [f"[{first}-{last}]{{{k + 1},{longest}}}"] if k < longest else []
    for i, ch in enumerate(value):
        bigger = alphabet[alphabet.index(ch) + 1 :]
        if bigger:
            rest = f"[{first}-{last}]{{{k - i - 1}}}" if k - i - 1 else ""
            options.append(f"{value[:i]}[{bigger[0]}-{bigger[-1]}]{rest}")
    return "|".join(options) or "(?!)"


def _beyond(cols: int, rows: int) -> re.Pattern[bytes]:
    """A cell reference (standard form) past column `cols` or past row `rows`."""
    col = _greater(column_letters(cols), _LETTERS, 3)
    row = _greater(str(rows), _DIGITS, 7)
    return re.compile(f'<c r="(?:(?:{col})\\d|[A-Z]{{1,3}}(?:{row})")'.encode())


def check_sheet_xml(zf: zipfile.ZipFile, path: str, sheet: str, limits: Limits) -> None:
    """Refuse a sheet whose declared dimension or real extent is past the limits, or
    whose grid would be far larger than the cells it holds (see `check_extent`)."""
    try:
        with zf.open(path) as fh:
            quick = _quick_scan(fh)
        if quick is not None:
            declared, found = quick
            if declared:
                check_size(sheet, *declared, limits)
            if _fits(found, limits):
                return
        # Unusual markup, or a sheet the quick scan would refuse: measure it exactly.
        with zf.open(path) as fh:
            scan = extent.scan_xlsx_sheet(fh)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error) as exc:
        raise ReadError("corrupt_file") from exc
    if scan.declared:
        check_size(sheet, *scan.declared, limits)
    check_extent(sheet, scan.extent, limits)


def _quick_scan(fh: IO[bytes]) -> tuple[tuple[int, int] | None, extent.Extent] | None:
    """(declared dimension, extent) of a sheet written the standard way, or None for any
    other markup. The extent is never smaller than calamine's: every cell tag counts,
    empty ones too, and rows run at least to the last <row r>; the <v>/<is> tags count
    the cells holding a value. Rows usually come in order, so each chunk is only
    searched for a reference past the extent so far; one found is measured."""
    rows = cols = values = 0
    declared: tuple[int, int] | None = None
    tail, head = b"", True
    while True:
        chunk = fh.read(1 << 20)
        buf = tail + chunk
        # Keep a tag still open at the end of the chunk for the next one.
        opened = buf.rfind(b"<")
        cut = opened if chunk and opened > buf.rfind(b">") else len(buf)
        buf, tail = buf[:cut], buf[cut:]
        if len(tail) > 1 << 16:
            return None  # a tag longer than any a sheet needs
        if _NON_STANDARD.search(buf) or _PREFIXED_CELL.search(buf):
            return None
        refs = buf.count(b'<c r="')
        if len(_R_ATTRIBUTES.findall(buf)) != refs + buf.count(_ROW_R):
            return None
        row_numbers = _STD_ROWS.findall(buf)
        if row_numbers:
            rows = max(rows, max(map(int, row_numbers)))
        if refs and (not cols or _beyond(cols, rows).search(buf)):
            cols = max(cols, max(column_number(x.decode()) for x in _STD_LETTERS.findall(buf)))
            rows = max(rows, max((int(d) for d in _STD_DIGITS.findall(buf)), default=0))
        values += buf.count(b"<v>") + buf.count(b"<is>")
        if head:  # <dimension> comes before <sheetData>
            if m := _ANY_DIMENSION.search(buf):
                declared = _declared(m[1].decode("ascii", "replace"))
            head = declared is None and b"sheetData" not in buf
        if not chunk:
            break
    return declared, extent.Extent(rows=rows, cols=cols, cells=values)


def _declared(ref: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*([A-Za-z]+)?(\d+)?(?::([A-Za-z]+)(\d+))?\s*", ref)
    if not m or not (m[4] or m[2]):
        return None
    return int(m[4] or m[2]), column_number((m[3] or m[1] or "A").upper())


def _fits(found: extent.Extent, limits: Limits) -> bool:
    try:
        check_extent("", found, limits)
    except ReadError:
        return False
    return True


def check_extent(sheet: str, found: extent.Extent, limits: Limits) -> None:
    """Refuse a sheet past the row or column limit, one holding more cells than the
    reader may materialise, or a sparse one: calamine builds the whole grid from A1 to
    the last cell, so a grid larger than `grid_cells` must be filled at least one cell
    in `sparse_ratio`, or memory would follow the extent rather than the data."""
    check_size(sheet, found.rows, found.cols, limits)
    if found.cells > limits.max_cells:
        raise ReadError("too_many_cells", sheet=sheet, count=found.cells, limit=limits.max_cells)
    if found.grid > max(limits.grid_cells, limits.sparse_ratio * found.cells):
        raise ReadError(
            "sparse_sheet",
            sheet=sheet,
            cell=f"{column_letters(found.cols)}{found.rows}",
            count=found.cells,
        )


def check_ods(zf: zipfile.ZipFile, limits: Limits) -> dict[str, list]:
    """Refuse an ODS any of whose tables, with its repeats multiplied out, is past the
    limits (calamine reads every table when it opens the file); answer each table's
    merged areas, which the same pass reads (calamine gives none for ODS).

    LibreOffice writes long repeats of empty rows and cells at the end of a sheet: they
    hold no value, calamine materialises nothing for them, and they are not counted.
    """
    merges: dict[str, list] = {}
    try:
        with zf.open("content.xml") as fh:
            tables = extent.scan_ods_content(fh, merges)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error) as exc:
        raise ReadError("corrupt_file") from exc
    for name, found in tables.items():
        check_extent(name, found, limits)
    return merges


def check_size(sheet: str, rows: int, cols: int, limits: Limits) -> None:
    if rows > limits.max_rows:
        raise ReadError("too_many_rows", sheet=sheet, count=rows, limit=limits.max_rows)
    if cols > limits.max_cols:
        raise ReadError("too_many_columns", sheet=sheet, count=cols, limit=limits.max_cols)
