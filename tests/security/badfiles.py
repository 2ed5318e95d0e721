"""Hostile spreadsheet files, built in memory, and a child process with a memory ceiling
to read them in (a reader that allocated without bound would be killed, not hang CI)."""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.fixtures.oleio import ole_file, record, xls_workbook
from tests.fixtures.sheets import ods_bytes, xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CEILING = 1 << 30  # 1 GiB of address space for the child
ROWS = [["Họ và tên", "Ngày sinh", "Mã đơn vị"], ["Phạm Thị Lan", "02/01/2006", "THA"]]


def _sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


def _replace(data: bytes, name: str, payload: bytes | None = None, writer=None) -> bytes:
    """A copy of a zip with one member replaced (by bytes, or written by `writer(fh)`)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info.filename, src.read(info.filename))
        if writer is not None:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as fh:
                writer(fh)
        else:
            dst.writestr(name, payload)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A sheet of 400 MB of rows that deflates to well under 1 MB."""
    head = _sheet_xml(xlsx_bytes(ROWS)).split(b"<sheetData>")[0] + b"<sheetData>"
    row = b'<row r="3"><c r="A3" t="inlineStr"><is><t>x</t></is></c></row>' * 16_384

    def write(fh):
        fh.write(head)
        for _ in range(400 << 20 >> 20):
            fh.write(row[: 1 << 20])
        fh.write(b"</sheetData></worksheet>")

    return _replace(xlsx_bytes(ROWS), "xl/worksheets/sheet1.xml", writer=write)


def declared_full_sheet() -> bytes:
    """A sheet that declares A1:XFD1048576 (every row and column Excel has)."""
    data = xlsx_bytes(ROWS)
    sheet = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', _sheet_xml(data))
    return _replace(data, "xl/worksheets/sheet1.xml", sheet)


def _far_cell(ref: str) -> bytes:
    """A real cell at `ref` and no dimension element to warn of it."""
    data = xlsx_bytes(ROWS)
    sheet = re.sub(rb"<dimension[^>]*/>", b"", _sheet_xml(data))
    cell = f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{ref}" t="inlineStr">'
    cell += "<is><t>x</t></is></c></row>"
    if ref.endswith("1") and not ref[-2].isdigit():  # first row: same row as the header
        sheet = sheet.replace(
            b"</row>", f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode(), 1
        )
    else:
        sheet = sheet.replace(b"</sheetData>", cell.encode() + b"</sheetData>")
    return _replace(data, "xl/worksheets/sheet1.xml", sheet)


def last_row_cell() -> bytes:
    return _far_cell("A1048576")


def last_column_cell() -> bytes:
    return _far_cell("XFD1")


def truncated() -> bytes:
    data = xlsx_bytes(ROWS)
    return data[: len(data) // 2]


def png_named_xlsx() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(2048)


def password_protected() -> bytes:
    """An encrypted Office file: an OLE2 container with EncryptionInfo/EncryptedPackage."""
    return ole_file(
        {"EncryptionInfo": b"\x04\x00\x04\x00" * 64, "EncryptedPackage": b"\x00" * 5000}
    )


def csv_with_nul() -> bytes:
    return "Họ và tên,Ngày sinh\r\nPhạm Thị\x00 Lan,02/01/2006\r\n".encode()


def long_line_csv() -> bytes:
    """10 MB on one line: five million tiny fields."""
    return b"x," * (5 << 20)


def long_cell_csv() -> bytes:
    """10 MB in a single field (no delimiter at all)."""
    return b"Nguy\xc3\xaan" * (10 << 20 >> 3)


def without_dimension(tail: bytes) -> bytes:
    """The small list with `tail` (raw rows) added to its sheet and no <dimension>."""
    data = xlsx_bytes(ROWS)
    sheet = re.sub(rb"<dimension[^>]*/>", b"", _sheet_xml(data))
    return _replace(
        data, "xl/worksheets/sheet1.xml", sheet.replace(b"</sheetData>", tail + b"</sheetData>")
    )


def single_quoted_last_cell() -> bytes:
    """The last cell Excel has, its references in single quotes (4.9 KB): calamine aborts
    the process allocating the grid."""
    return without_dimension(
        b"<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>"
    )


def newline_before_r() -> bytes:
    """The same cell with a newline before each r=."""
    return without_dimension(
        b'<row\nr="1048576"><c\nr="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )


def cells_without_references() -> bytes:
    """A row of 300 cells holding values and no r attribute: column 300 by position."""
    cells = b"<c t='inlineStr'><is><t>x</t></is></c>" * 300
    return without_dimension(b"<row>" + cells + b"</row>")


def sparse_xlsx() -> bytes:
    """One cell at GR199999, within 200,000 × 200, no dimension: a 1.6 GB grid."""
    return without_dimension(
        b'<row r="199999"><c r="GR199999" t="inlineStr"><is><t>x</t></is></c></row>'
    )


def _number(row: int, col: int) -> bytes:
    return record(0x0203, struct.pack("<HHHd", row, col, 15, 1.0))


def xls_lying_dimensions() -> bytes:
    """DIMENSIONS says two rows and three columns; a NUMBER record sits at row 65535,
    column 65535."""
    return xls_workbook({"Danh sách": ROWS}, extra={"Danh sách": [_number(65535, 65535)]})


def sparse_xls() -> bytes:
    """A NUMBER at row 65535, column 199 (within the limits) of a two-row list: 6 KB."""
    return xls_workbook({"Danh sách": ROWS}, extra={"Danh sách": [_number(65535, 199)]})


def ods_repeated_rows() -> bytes:
    """One row of one cell repeated over 200 columns, the row repeated 199,990 times:
    within 200,000 × 200, yet 40 million cells to materialise (past 5 GB)."""
    cell = (
        '<table:table-cell table:number-columns-repeated="200" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell>"
    )
    tail = f'<table:table-row table:number-rows-repeated="199990">{cell}</table:table-row>'
    return ods_bytes(ROWS, tail=tail)


# The files that crash or exhaust a reader without a child process and extent checks.
CRASHING = (
    "single_quoted_last_cell",
    "newline_before_r",
    "xls_lying_dimensions",
    "ods_repeated_rows",
    "sparse_xlsx",
    "sparse_xls",
)

# name → (file name, builder, error codes a reader may answer with)
BAD_FILES = {
    "png_named_xlsx": ("danh_sach.xlsx", png_named_xlsx, {"unsupported_type"}),
    "zip_bomb": ("bom.xlsx", zip_bomb, {"zip_bomb"}),
    "declared_full_sheet": ("to.xlsx", declared_full_sheet, {"too_many_rows"}),
    "cell_in_last_row": ("dong_cuoi.xlsx", last_row_cell, {"too_many_rows"}),
    "cell_in_last_column": ("cot_cuoi.xlsx", last_column_cell, {"too_many_columns"}),
    "truncated": ("cut.xlsx", truncated, {"corrupt_file"}),
    "password": ("khoa.xlsx", password_protected, {"password_protected"}),
    "csv_nul": ("nul.csv", csv_with_nul, {"nul_bytes"}),
    "csv_long_line": ("dai.csv", long_line_csv, {"too_many_columns", "corrupt_file"}),
    "csv_long_cell": ("o_dai.csv", long_cell_csv, {"corrupt_file", "no_header"}),
    "single_quoted_last_cell": ("nhay_don.xlsx", single_quoted_last_cell, {"too_many_rows"}),
    "newline_before_r": ("xuong_dong.xlsx", newline_before_r, {"too_many_rows"}),
    "cells_without_references": ("khong_r.xlsx", cells_without_references, {"too_many_columns"}),
    "sparse_xlsx": ("thua.xlsx", sparse_xlsx, {"sparse_sheet"}),
    "xls_lying_dimensions": ("khai_sai.xls", xls_lying_dimensions, {"too_many_columns"}),
    "sparse_xls": ("thua.xls", sparse_xls, {"sparse_sheet"}),
    "ods_repeated_rows": ("lap.ods", ods_repeated_rows, {"too_many_cells"}),
}

_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({ceiling}, {ceiling}))
from registry.spreadsheet import ReadError, parse_file
data = open(sys.argv[1], "rb").read()
try:
    result = parse_file(data, sys.argv[2])
    print(json.dumps({{"ok": True, "rows": len(result.rows)}}))
except ReadError as error:
    print(json.dumps({{"ok": False, "code": error.code, "message": error.message}}))
"""


def read_in_child(path: Path, filename: str, timeout: float = 60) -> dict:
    """parse_file(path's bytes) in a child under a 1 GiB ceiling; its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD.format(ceiling=MEMORY_CEILING), str(path), filename],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"child ended with {done.returncode}: {done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])
