"""Tax codes, the reference-sheet reader and its cell parsers (no database)."""

import io
import unicodedata
from datetime import date

import openpyxl
import pytest

from registry.domain.taxcode import TaxCodeError, check_digit, normalise_tax_code, with_check_digit
from registry.services.org import values
from registry.services.org.sheets import SheetError, read_table
from registry.services.org.values import CellError
from registry.spreadsheet.normalise import DateParser


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0100233488", "0100233488"),
        (" 0100 233 488 ", "0100233488"),
        ("0314409058-002", "0314409058-002"),
        ("0314409058002", "0314409058-002"),
        ("01.00.233.488", "0100233488"),
        ("", None),
        (None, None),
    ],
)
def test_valid_tax_codes_are_stored_with_the_branch_dash(typed, stored):
    assert normalise_tax_code(typed) == stored


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("0100233480", "chữ số kiểm tra"),  # wrong check digit
        ("010023348", "10 chữ số"),  # nine digits
        ("01002334881", "10 chữ số"),  # eleven digits
        ("0100233488-00", "10 chữ số"),
        ("0100233488-000", "001 đến 999"),
        ("01A0233488", "10 chữ số"),
        ("0100000000", "7 chữ số giữa"),
    ],
)
def test_invalid_tax_codes_say_why(typed, words):
    with pytest.raises(TaxCodeError) as error:
        normalise_tax_code(typed)
    assert words in str(error.value)


def test_check_digit_matches_published_examples_and_can_be_missing():
    assert check_digit("010023348") == "8"
    assert check_digit("031440905") == "8"
    assert with_check_digit("530000001")[-1] == check_digit("530000001")
    # Some nine-digit prefixes have no valid check digit at all (10 - 0 = 10).
    missing = next(f"53{n:07d}" for n in range(1000) if check_digit(f"53{n:07d}") is None)
    with pytest.raises(ValueError):
        with_check_digit(missing)


COLUMNS = {"code": ("mã",), "name": ("tên",), "parent_code": ("mã cấp trên",)}
LABELS = {"code": "Mã", "name": "Tên", "parent_code": "Mã cấp trên"}


def test_csv_with_bom_semicolons_and_a_title_row():
    data = "Danh sách địa bàn\nMã;TÊN;Mã cấp trên\n10;Tỉnh Lào Cai;\n\nLC-001;Phường Lào Cai;10\n"
    rows = read_table(data.encode("utf-8-sig"), "a.csv", COLUMNS, ("code", "name"), LABELS)
    assert [(r.number, r.values["code"], r.values["name"]) for r in rows] == [
        (3, "10", "Tỉnh Lào Cai"),
        (5, "LC-001", "Phường Lào Cai"),
    ]


def test_cp1258_csv_is_read():
    # Windows-1258 writes tone marks as combining characters.
    data = unicodedata.normalize("NFD", "code,name\n1,Xã Bát Xát\n").encode("cp1258")
    rows = read_table(data, "a.csv", COLUMNS, ("code", "name"), LABELS)
    assert values.text(rows[0].values["name"]) == "Xã Bát Xát"


def test_xlsx_rows_carry_excel_row_numbers():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Ghi chú đầu trang"])
    sheet.append(["Mã", "Tên", "Mã cấp trên"])
    sheet.append(["080", "Thành phố Lào Cai", "10"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = read_table(buffer.getvalue(), "x.xlsx", COLUMNS, ("code", "name"), LABELS)
    assert rows[0].number == 3 and rows[0].values["code"] == "080"


def test_missing_columns_and_unknown_files_are_refused():
    with pytest.raises(SheetError, match="Tên"):
        read_table(b"code,ten_khac\n1,a\n", "a.csv", COLUMNS, ("code", "name"), LABELS)
    with pytest.raises(SheetError, match="Không tìm thấy cột: Mã, Tên"):
        read_table(b"abc", "a.pdf", COLUMNS, ("code", "name"), LABELS)
    with pytest.raises(SheetError, match=r"zip\.xlsx"):
        read_table(b"PK\x03\x04 broken", "zip.xlsx", COLUMNS, ("code",), LABELS)


def test_cell_parsers():
    assert values.integer("1.234") == 1234 and values.integer(12.0) == 12
    assert values.integer(None) == 0
    with pytest.raises(CellError):
        values.integer("-3")
    assert values.yes_no("Có") is True and values.yes_no("x") is True
    assert values.yes_no("không") is False and values.yes_no(None) is False
    assert values.tax_code(100233488) == "0100233488"  # the leading zero Excel dropped
    parser = DateParser(date(2026, 1, 1))
    assert values.day("31/12/2025", parser) == date(2025, 12, 31)
    with pytest.raises(CellError, match="ngày"):
        values.day("32/12/2025", parser)
    assert (
        values.vocabulary_code("Công ty TNHH", {"cong_ty_tnhh": "Công ty TNHH"}) == "cong_ty_tnhh"
    )
