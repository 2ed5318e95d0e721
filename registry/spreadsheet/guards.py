"""Checks made before calamine parses a workbook.

calamine builds a dense grid from the first to the last used cell, so one cell at
XFD1048576 asks for billions of cells and aborts the process (a Rust allocation
failure can't be caught). The sheet XML is therefore scanned for its declared
dimension and for any cell or row reference past the limits before it is parsed, and
the zip itself is checked against decompression bombs.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO

from registry.spreadsheet.errors import Limits, ReadError

_MIB = 1 << 20
# Entries this small can't hurt whatever their ratio; XML of a real sheet compresses
# 5–30 times, so a ratio past the limit on a large entry is a bomb.
_RATIO_FLOOR = 4 * _MIB
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
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
        path = targets.get(a.get("id", ""))
        if path and path in names:
            paths[a.get("name", "")] = path
    return paths


def _past_limits(limits: Limits) -> re.Pattern[bytes]:
    """References that may exceed the limits: as many column letters as the last allowed
    column or more, or as many row digits as the row limit or more."""
    letters = len(column_letters(limits.max_cols))
    digits = len(str(limits.max_rows))
    return re.compile(rb' r="([A-Z]{%d,}\d+|[A-Z]*\d{%d,})"' % (letters, digits))


_REF = re.compile(rb"([A-Z]*)(\d+)")


def check_sheet_xml(zf: zipfile.ZipFile, path: str, sheet: str, limits: Limits) -> None:
    """Refuse a sheet whose declared dimension or any cell reference is past the limits."""
    try:
        with zf.open(path) as fh:
            head = fh.read(64 * 1024)
            m = _DIMENSION.search(head)
            if m and (m[4] or m[2]):
                last_col = m[3] or m[1] or b"A"
                check_size(sheet, int(m[4] or m[2]), column_number(last_col.decode()), limits)
            rows, cols = _scan_refs(fh, head, _past_limits(limits))
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise ReadError("corrupt_file") from exc
    # The largest reference, so the message tells how big the sheet really is.
    check_size(sheet, rows, cols, limits)


def _scan_refs(fh: IO[bytes], head: bytes, pattern: re.Pattern[bytes]) -> tuple[int, int]:
    rows = cols = 0
    chunk, tail = head, b""
    while chunk:
        buf = tail + chunk
        for ref in pattern.findall(buf):
            col, row = _REF.fullmatch(ref).groups()  # type: ignore[union-attr]
            rows = max(rows, int(row))
            cols = max(cols, column_number(col.decode()) if col else 0)
        tail = buf[-32:]
        chunk = fh.read(1 << 20)
    return rows, cols


_ODS_REPEAT = re.compile(rb"number-(rows|columns)-repeated=\"(\d{4,})\"")


def check_ods(zf: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an ODS that repeats a non-empty row or cell past the limits.

    LibreOffice writes long repeats of empty rows and cells at the end of a sheet; only
    repeats that hold a value (office:value-type) make calamine allocate.
    """
    try:
        with zf.open("content.xml") as fh:
            tail = b""
            while chunk := fh.read(1 << 20):
                buf = tail + chunk
                for m in _ODS_REPEAT.finditer(buf):
                    _check_repeat(buf, m, limits)
                tail = buf[-4096:]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise ReadError("corrupt_file") from exc


def _check_repeat(buf: bytes, m: re.Match[bytes], limits: Limits) -> None:
    rows = m[1] == b"rows"
    if int(m[2]) <= (limits.max_rows if rows else limits.max_cols):
        return
    if rows:
        end = buf.find(b"</table:table-row>", m.end())
        region = buf[m.end() : end if end >= 0 else len(buf)]
    else:
        region = buf[buf.rfind(b"<", 0, m.start()) : buf.find(b">", m.end())]
    if b"value-type" in region:
        if rows:
            raise ReadError("too_many_rows", limit=limits.max_rows)
        raise ReadError("too_many_columns", limit=limits.max_cols)


def check_size(sheet: str, rows: int, cols: int, limits: Limits) -> None:
    if rows > limits.max_rows:
        raise ReadError("too_many_rows", sheet=sheet, count=rows, limit=limits.max_rows)
    if cols > limits.max_cols:
        raise ReadError("too_many_columns", sheet=sheet, count=cols, limit=limits.max_cols)
