"""Reading files by content: xlsx/xlsm/xls/ods/CSV, encodings, delimiters, and refusals."""

from __future__ import annotations

import re
import struct
from datetime import date

import pytest

from registry.spreadsheet.errors import Limits, ReadError
from registry.spreadsheet.legacy import to_tcvn3
from registry.spreadsheet.reader import read_workbook
from tests.fixtures.oleio import ole_file, xls_workbook
from tests.fixtures.sheets import (
    cp1258,
    csv_bytes,
    legacy_bytes,
    ods_bytes,
    rewrite_zip,
    xlsx_bytes,
)

ROWS = [["Họ và tên", "Ngày sinh"], ["Nguyễn Văn An", "01/03/2005"], ["Lê Thị Hà", "05/07/2006"]]


def values(sheet):
    return [[v for v in row if v != ""] for _, row in sheet.rows]


def read_error(data: bytes, filename: str = "x.xlsx", limits: Limits | None = None) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_workbook(data, filename, limits).first_with_data()
    return caught.value


# --- workbooks --------------------------------------------------------------------------


def test_xlsx_rows_keep_the_sheet_row_numbers():
    data = xlsx_bytes([["DANH SÁCH"], [], *ROWS])
    book = read_workbook(data, "ds.xlsx")
    assert (book.kind, book.sheet_names, book.date1904) == ("xlsx", ["Danh sách"], False)
    sheet = book.first_with_data()
    assert [n for n, _ in sheet.rows] == [1, 2, 3, 4, 5]
    assert sheet.rows[3] == (4, ["Nguyễn Văn An", "01/03/2005"])


def test_type_comes_from_the_content_not_the_name():
    assert read_workbook(xlsx_bytes(ROWS), "danh-sach.csv").kind == "xlsx"
    assert read_workbook(csv_bytes(ROWS), "danh-sach.xlsx").kind == "csv"


def test_xlsm_and_1904_workbooks():
    data = xlsx_bytes(ROWS, epoch1904=True)
    assert read_workbook(data, "x.xlsx").date1904
    types = re.sub(
        rb"spreadsheetml\.sheet\.main\+xml",
        b"ms-excel.sheet.macroEnabled.main+xml",
        _member(data, "[Content_Types].xml"),
    )
    book = read_workbook(rewrite_zip(data, {"[Content_Types].xml": types}), "x.xlsm")
    assert book.kind == "xlsm" and book.first_with_data().date1904


def _member(data: bytes, name: str) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


def test_first_sheet_with_data_skips_empty_and_hidden_sheets():
    data = xlsx_bytes([[]], title="Trống", more_sheets={"Ẩn": ROWS, "Dữ liệu": ROWS})
    book = read_workbook(data, "x.xlsx")
    assert book.first_with_data().name == "Ẩn"
    hidden = xlsx_bytes(ROWS, title="Ẩn", more_sheets={"Dữ liệu": ROWS}, hidden_first=True)
    book = read_workbook(hidden, "x.xlsx")
    assert book.hidden == {"Ẩn"} and book.first_with_data().name == "Dữ liệu"
    with pytest.raises(ReadError) as caught:
        book.sheet("Không có")
    assert caught.value.code == "sheet_not_found"
    assert "«Không có»" in caught.value.message


@pytest.mark.parametrize("big", [True, False])
def test_xls_in_either_sector_size(big):
    data = xls_workbook(
        {"DS": [["Họ và tên", "Ngày sinh"], ["Nguyễn Văn An", date(2005, 3, 1)], ["Lê", 38412.0]]},
        merges={"DS": [(0, 0, 0, 1)]},
        big=big,
    )
    book = read_workbook(data, "cu.xls")
    sheet = book.sheet("DS")
    assert book.kind == "xls" and not sheet.date1904
    assert sheet.rows[1] == (2, ["Nguyễn Văn An", date(2005, 3, 1)])
    assert sheet.rows[2][1][1] == 38412.0  # a raw serial stays a number
    assert sheet.merges == [((0, 0), (0, 1))]


def test_xls_1904_date_mode():
    data = xls_workbook({"DS": [["Họ và tên"], ["An"]]}, date1904=True)
    assert read_workbook(data, "cu.xls").sheet("DS").date1904


def test_ods():
    data = ods_bytes([["Họ và tên", "Ngày sinh"], ["Nguyễn Văn An", date(2005, 3, 1)]])
    book = read_workbook(data, "ds.ods")
    assert book.kind == "ods"
    assert values(book.first_with_data()) == [
        ["Họ và tên", "Ngày sinh"],
        ["Nguyễn Văn An", date(2005, 3, 1)],
    ]


# --- CSV --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (csv_bytes(ROWS, encoding="utf-8-sig"), "utf-8-sig"),
        (csv_bytes(ROWS, encoding="utf-8"), "utf-8"),
        (csv_bytes(ROWS, encoding="utf-16", delimiter="\t"), "utf-16"),
        (cp1258(csv_bytes(ROWS).decode()), "cp1258"),
    ],
)
def test_csv_encodings(data, encoding):
    book = read_workbook(data, "ds.csv")
    assert book.encoding == encoding
    assert values(book.first_with_data()) == ROWS


def test_csv_of_legacy_font_bytes_is_left_for_the_converter():
    data = legacy_bytes(to_tcvn3(csv_bytes(ROWS).decode()))
    book = read_workbook(data, "ds.csv")
    assert book.encoding == "cp1252"
    assert values(book.first_with_data())[1] == [to_tcvn3("Nguyễn Văn An"), "01/03/2005"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffing(delimiter):
    rows = [["Họ và tên", "Ngày sinh", "Ghi chú"], ["Nguyễn Văn An", "01/03/2005", "a, b; c"]]
    book = read_workbook(csv_bytes(rows, delimiter=delimiter), "ds.csv")
    assert book.delimiter == delimiter
    assert values(book.first_with_data()) == rows


def test_csv_sep_line_and_multi_line_cells_keep_line_numbers():
    text = 'sep=;\r\nHọ và tên;Ghi chú\r\nAn;"dòng 1\r\ndòng 2"\r\nBình;x\r\n'
    sheet = read_workbook(text.encode(), "ds.csv").first_with_data()
    assert [(n, row) for n, row in sheet.rows] == [
        (2, ["Họ và tên", "Ghi chú"]),
        (3, ["An", "dòng 1\r\ndòng 2"]),
        (5, ["Bình", "x"]),
    ]


# --- refusals ---------------------------------------------------------------------------


def test_empty_and_nul_bytes():
    assert read_error(b"", "x.csv").code == "empty_file"
    assert read_error(b"  \r\n", "x.csv").code == "empty_file"
    error = read_error(b"H\xe1\xbb\x8d,t\x00\xean\r\n", "x.csv")
    assert error.code == "nul_bytes" and "NUL" in error.message


def test_truncated_and_foreign_files():
    data = xlsx_bytes(ROWS)
    error = read_error(data[: len(data) // 2], "ds.xlsx")
    assert error.code == "corrupt_file" and "«ds.xlsx»" in error.message and "hỏng" in error.message
    assert read_error(b"PK\x03\x04garbage").code == "corrupt_file"
    docx = rewrite_zip(data, {"[Content_Types].xml": b"<Types>wordprocessingml</Types>"})
    error = read_error(docx, "ds.docx")
    assert error.code == "unsupported_type" and "chỉ nhận" in error.message
    xls = xls_workbook({"DS": [["a"]]})
    assert read_error(xls[:1024], "ds.xls").code == "corrupt_file"
    assert read_error(b"%PDF-1.4\n%\xe2\xe3", "ds.pdf").code == "unsupported_type"
    word = ole_file({"WordDocument": b"x" * 5000})
    assert read_error(word, "ds.doc").code == "unsupported_type"


def test_password_protected_files():
    encrypted = ole_file(
        {"EncryptionInfo": b"\x04\x00\x04\x00" * 64, "EncryptedPackage": b"\x00" * 5000}
    )
    error = read_error(encrypted, "ds.xlsx")
    assert error.code == "password_protected" and "mật khẩu" in error.message
    # An .xls whose globals start with FILEPASS (RC4 encryption).
    plain = xls_workbook({"DS": [["a"]]})
    stream = _member_ole(plain)
    filepass = struct.pack("<HH", 0x002F, 6) + b"\x01\x00\x01\x00\x01\x00"
    bof_end = 4 + 16
    locked = ole_file({"Workbook": stream[:bof_end] + filepass + stream[bof_end:]})
    assert read_error(locked, "ds.xls").code == "password_protected"


def _member_ole(data: bytes) -> bytes:
    from registry.spreadsheet.ole import OleFile

    return OleFile(data).read("Workbook")


def test_file_size_limit():
    error = read_error(xlsx_bytes(ROWS), limits=Limits(max_file_bytes=100))
    assert error.code == "too_large" and "tối đa" in error.message


def test_zip_bomb():
    data = rewrite_zip(xlsx_bytes(ROWS), {}, extra={"xl/media/image1.bin": b"\x00" * (8 << 20)})
    error = read_error(data)
    assert error.code == "zip_bomb" and "an toàn" in error.message
    assert read_error(xlsx_bytes(ROWS), limits=Limits(max_uncompressed=2000)).code == "zip_bomb"


def test_declared_dimension_over_the_limit():
    data = xlsx_bytes(ROWS)
    sheet = _member(data, "xl/worksheets/sheet1.xml")
    huge = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', sheet)
    error = read_error(rewrite_zip(data, {"xl/worksheets/sheet1.xml": huge}))
    assert error.code == "too_many_rows"
    assert "1048576" in error.message and "200000" in error.message


def test_cell_references_over_the_limit_without_a_dimension():
    rows = [["Họ và tên", "Ngày sinh"]] + [[f"Người {i}", "01/03/2005"] for i in range(30)]
    data = xlsx_bytes(rows)
    sheet = re.sub(rb"<dimension[^>]*/>", b"", _member(data, "xl/worksheets/sheet1.xml"))
    data = rewrite_zip(data, {"xl/worksheets/sheet1.xml": sheet})
    error = read_error(data, limits=Limits(max_rows=20))
    assert error.code == "too_many_rows" and "31" in error.message
    wide = xlsx_bytes([list(range(8))])
    assert read_error(wide, limits=Limits(max_cols=5)).code == "too_many_columns"


def test_csv_limits():
    rows = [["a", "b"]] * 30
    assert read_error(csv_bytes(rows), "x.csv", Limits(max_rows=20)).code == "too_many_rows"
    assert (
        read_error(csv_bytes([list(range(8))]), "x.csv", Limits(max_cols=5)).code
        == "too_many_columns"
    )


def test_ods_repeats_holding_values():
    tail = (
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    )
    assert read_error(ods_bytes([["Họ và tên"]], tail=tail), "x.ods").code == "too_many_rows"
    empty = (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    assert read_workbook(ods_bytes([["Họ và tên"]], tail=empty), "x.ods").first_with_data()
