"""parse_file and iter_rows end to end on the kind of files units really send."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from registry.spreadsheet.errors import ReadError
from registry.spreadsheet.headers import AREA_ALIASES, UNIT_ALIASES
from registry.spreadsheet.legacy import to_tcvn3, to_vni
from registry.spreadsheet.lookups import CellRef, DictLookups, UnitRef
from registry.spreadsheet.pipeline import iter_rows, parse_file
from tests.fixtures.oleio import xls_workbook
from tests.fixtures.sheets import cp1258, csv_bytes, legacy_bytes, xlsx_bytes

TODAY = date(2025, 6, 1)
CO_LOA = UnitRef(1, "THPT01", "Trường THPT Cổ Loa", "thpt", cell_id=10)
LOOKUPS = DictLookups([CO_LOA], [CellRef(10, "Chi bộ Trường THPT Cổ Loa", "co_so")])


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


UNIT = "Trường THPT Cổ Loa"
CELL = "Chi bộ Trường THPT Cổ Loa"
# Columns: A STT, B Họ và tên, C–D Ngày tháng năm sinh (Nam | Nữ), E Số CCCD, F Dân tộc,
# G Tôn giáo, H Trình độ học vấn, I Đơn vị, J Chi bộ, K–L Giấy chứng nhận (Số | Ngày cấp),
# M Ngày chi bộ đề nghị, N Ngày kết nạp, O Ngày công nhận chính thức, P Ghi chú.
MESSY = [
    ["UBND HUYỆN ĐÔNG ANH"],
    ["DANH SÁCH QUẦN CHÚNG ƯU TÚ NĂM 2024"],
    [],
    ["STT", "Họ và tên", "Ngày tháng năm sinh", None, "Số CCCD", "Dân tộc", "Tôn giáo",
     "Trình độ học vấn", "Đơn vị", "Chi bộ", "Giấy chứng nhận lớp nhận thức", None,
     "Ngày chi bộ đề nghị", "Ngày kết nạp", "Ngày công nhận chính thức", "Ghi chú"],
    [None, None, "Nam", "Nữ", None, None, None, None, None, None, "Số", "Ngày cấp"],
    [f"({i})" for i in range(1, 17)],
    ["I", "Trường THPT Cổ Loa"],
    [1, "Nguyễn Văn An", date(2005, 3, 1), None, 1205001234, "Kinh", "Không", "12/12", UNIT,
     CELL, "GCN-01", "15/01/2024", serial(date(2024, 6, 10))],
    [2, to_tcvn3("Lê Thị Hà"), None, "05/07/2006", "001306004567", to_tcvn3("Tày"),
     to_tcvn3("Phật giáo"), "9/12", to_tcvn3(UNIT), to_tcvn3(CELL), None, None, None, None,
     None, to_tcvn3("Chi bộ đề nghị")],
    [3, to_vni("Trần Văn Đức"), "3/4/07", None, "3.40123E+11", nfd("Mường"), None, "8/12",
     nfd(UNIT), None, None, "01/02/2024", "01/05/2024"],
    [4, nfd("Phạm Thị Thuý"), None, date(2004, 2, 29), 1304001234, "Kinh", None, None, UNIT,
     None, "GCN-04", date(2019, 6, 9), date(2024, 6, 10), date(2024, 7, 1), date(2025, 3, 1)],
    [5, "Nguyễn Văn Ân", date(2005, 3, 1), None, 1205001234, "Kinh", None, None, UNIT],
    [6, "Lê Thị Hà", None, "05/07/2006", None, "Tày", None, None, UNIT],
    [7, "Hoàng Văn Bình", date(2000, 1, 1), None, None, "4", "Đạo Ông Bà", None, UNIT, None,
     None, "01/01/2024", "10/06/2024", "01/06/2024"],
    [None, "Cộng: 7 người"],
    [],
    [None, None, None, None, None, None, None, None, "Người lập biểu", None, None, None,
     "Ngày 15 tháng 6 năm 2025"],
    [None, None, None, None, None, None, None, None, "(Ký, ghi rõ họ tên)"],
    [None, None, None, None, None, None, None, None, "Nguyễn Văn Bé"],
]  # fmt: skip
MERGES = ["A2:P2", "A4:A5", "B4:B5", "C4:D4", "E4:E5", "F4:F5", "G4:G5", "H4:H5", "I4:I5",
          "J4:J5", "K4:L4", "M4:M5", "N4:N5", "O4:O5", "P4:P5", "B7:P7"]  # fmt: skip


@pytest.fixture(scope="module")
def messy():
    return parse_file(xlsx_bytes(MESSY, merges=MERGES), "ds.xlsx", lookups=LOOKUPS, today=TODAY)


def issues(result):
    return [(i.row, i.column, i.code) for i in result.errors], [
        (i.row, i.column, i.code) for i in result.warnings
    ]


def test_messy_layout_is_understood(messy):
    header = messy.header
    assert (messy.kind, messy.sheets, messy.sheet) == ("xlsx", ["Danh sách"], "Danh sách")
    assert (header.header_row, header.header_rows, header.data_start) == (4, 2, 7)
    assert [header.columns[i] for i in range(16)] == [
        "row_no", "full_name", "birth_date_male", "birth_date_female", "id_number",
        "ethnicity", "religion", "education", "unit_name", "cell_name", "certificate_no",
        "trained_date", "cell_resolution_date", "admitted_date", "full_member_date", "note",
    ]  # fmt: skip
    assert [r.row_number for r in messy.rows] == [8, 9, 10, 11, 12, 13, 14]
    assert messy.skipped == [
        (7, "section"),
        (15, "subtotal"),
        (17, "signature"),
        (18, "signature"),
        (19, "signature"),
    ]
    assert messy.counts == {"rows": 7, "valid": 2, "errors": 5}
    assert messy.missing == []


def test_messy_values(messy):
    an, ha, duc, thuy, *_ = (r.values for r in messy.rows)
    assert an["full_name"] == "Nguyễn Văn An" and an["gender"] == "M"
    assert an["birth_date"] == date(2005, 3, 1)
    assert an["id_number"] == "001205001234"  # the number cell had lost its zeros
    assert (an["ethnicity"], an["religion"], an["education"]) == ("01", "99", "12/12")
    assert an["unit"] is CO_LOA and an["cell"].id == 10
    assert an["trained_date"] == date(2024, 1, 15) and an["certificate_no"] == "GCN-01"
    assert an["cell_resolution_date"] == date(2024, 6, 10)  # a raw serial number
    # TCVN3 cells are converted.
    assert (ha["full_name"], ha["name_key"], ha["gender"]) == ("Lê Thị Hà", "le thi ha", "F")
    assert ha["birth_date"] == date(2006, 7, 5)
    assert (ha["ethnicity"], ha["religion"]) == ("02", "01")
    assert ha["unit_name"] == UNIT and ha["cell_name"] == CELL and ha["cell"].id == 10
    assert ha["note"] == "Chi bộ đề nghị"
    # VNI and NFD cells too; "3/4/07" takes the century that is not in the future.
    assert duc["full_name"] == "Trần Văn Đức" and duc["birth_date"] == date(2007, 4, 3)
    assert duc["ethnicity"] == "04" and duc["unit"] is CO_LOA
    assert thuy["full_name"] == "Phạm Thị Thuý" == unicodedata.normalize("NFC", thuy["full_name"])
    assert thuy["id_number"] == "001304001234" and thuy["gender"] == "F"
    assert thuy["admitted_date"] == date(2024, 7, 1)
    assert messy.legacy == {
        "full_name": "tcvn3+vni",
        "ethnicity": "tcvn3",
        "religion": "tcvn3",
        "unit_name": "tcvn3",
        "cell_name": "tcvn3",
        "note": "tcvn3",
    }


def test_messy_errors_and_warnings(messy):
    errors, warnings = issues(messy)
    assert errors == [
        (10, "id_number", "lost_precision"),
        (10, "cell_resolution_date", "underage"),
        (11, "full_member_date", "stage_order"),
        (11, "trained_date", "expired_certificate"),
        (12, "id_number", "duplicate_in_file"),
        (13, "full_name", "duplicate_in_file"),
        (14, "ethnicity", "unknown_ethnicity"),
        (14, "admitted_date", "stage_order"),
    ]
    assert warnings == [
        (10, "education", "low_education"),
        (14, "religion", "unknown_religion"),
    ]
    by_code = {(i.row, i.code): i.message for i in messy.errors}
    assert by_code[12, "duplicate_in_file"] == "Trùng với dòng 8 (cùng số CCCD/CMND 001205001234)."
    assert (
        by_code[13, "duplicate_in_file"] == "Trùng với dòng 9 (cùng họ tên, ngày sinh và đơn vị)."
    )
    assert by_code[10, "underage"].startswith("Chưa đủ 18 tuổi")
    assert all(m == unicodedata.normalize("NFC", m) for m in by_code.values())
    assert messy.as_dict()["errors"][0] == {
        "row": 10,
        "column": "id_number",
        "code": "lost_precision",
        "message": by_code[10, "lost_precision"],
    }
    assert set(messy.as_dict()) == {"rows", "valid", "errors", "warnings"}


def test_1904_workbook_raw_serials():
    rows = [
        ["Họ và tên", "Ngày sinh", "Ngày vào Đoàn", "Đơn vị"],
        ["Nguyễn Văn An", 38412 - 1462, date(2020, 3, 26), UNIT],
    ]
    result = parse_file(xlsx_bytes(rows, epoch1904=True), "mac.xlsx", lookups=LOOKUPS, today=TODAY)
    assert result.rows[0].values["birth_date"] == date(2005, 3, 1)
    assert result.rows[0].values["youth_union_date"] == date(2020, 3, 26)


@pytest.mark.parametrize(
    ("encode", "delimiter"),
    [
        (lambda t: t.encode("utf-8-sig"), ","),
        (lambda t: t.encode("utf-16"), "\t"),
        (cp1258, ";"),
        (lambda t: legacy_bytes(to_tcvn3(t)), ";"),
        (lambda t: legacy_bytes(to_vni(t)), ","),
    ],
)
def test_csv_end_to_end(encode, delimiter):
    rows = [
        ["Họ và tên", "Ngày sinh", "Giới tính", "Đơn vị", "Ghi chú"],
        ["Nguyễn Văn An", "01/03/2005", "Nam", UNIT, "Hồ sơ đủ"],
        ["Lê Thị Hà", "05/07/2006", "Nữ", UNIT, ""],
    ]
    text = csv_bytes(rows, delimiter=delimiter).decode()
    result = parse_file(encode(text), "ds.csv", lookups=LOOKUPS, today=TODAY)
    assert result.kind == "csv" and result.counts == {"rows": 2, "valid": 2, "errors": 0}
    assert [r.row_number for r in result.rows] == [2, 3]
    first = result.rows[0].values
    assert (first["full_name"], first["gender"], first["note"]) == (
        "Nguyễn Văn An",
        "M",
        "Hồ sơ đủ",
    )
    assert result.rows[1].values["full_name"] == "Lê Thị Hà"


def test_xls_end_to_end():
    data = xls_workbook(
        {
            "Danh sách": [
                ["DANH SÁCH"],
                [],
                ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Đơn vị"],
                [1, "Nguyễn Văn An", date(2005, 3, 1), 1205001234, UNIT],
            ]
        }
    )
    result = parse_file(data, "cu.xls", lookups=LOOKUPS, today=TODAY)
    assert result.kind == "xls" and result.rows[0].row_number == 4
    assert result.rows[0].values["id_number"] == "001205001234"
    assert result.rows[0].ok


def test_choices_the_app_passes():
    rows = [["Họ và tên", "Ngày sinh", "Cột lạ"], ["Nguyễn Văn An", "01/03/2005", "Hà Nội"]]
    data = xlsx_bytes([["x"]], title="Bìa", more_sheets={"DS": rows})
    result = parse_file(
        data, "ds.xlsx", default_unit=CO_LOA, today=TODAY, mapping_override={2: "hometown"}
    )
    assert result.sheet == "DS" and result.rows[0].ok
    assert result.rows[0].values["hometown"] == "Hà Nội"
    assert result.rows[0].values["unit"] is CO_LOA
    assert parse_file(data, "ds.xlsx", sheet="DS", today=TODAY).missing == ["unit_name"]
    with pytest.raises(ReadError) as caught:
        parse_file(data, "ds.xlsx", sheet="Bìa", today=TODAY)
    assert caught.value.code == "no_header" and "«Bìa»" in caught.value.message
    later = parse_file(
        xlsx_bytes([["Họ và tên", "Ngày sinh"], ["Họ và tên", "Ngày sinh"], ["An", "01/03/2005"]]),
        "ds.xlsx",
        today=TODAY,
        header_row=2,
        default_unit=CO_LOA,
    )
    assert later.header.header_row == 2 and [r.row_number for r in later.rows] == [3]


def test_repeated_header_rows_are_skipped():
    rows = [
        ["STT", "Họ và tên", "Ngày sinh"],
        [1, "An", "01/03/2005"],
        ["STT", "Họ và tên", "Ngày sinh"],
        [2, "Bình", "02/03/2005"],
    ]
    result = parse_file(xlsx_bytes(rows), "ds.xlsx", today=TODAY, default_unit=CO_LOA)
    assert [r.row_number for r in result.rows] == [2, 4]
    assert result.skipped == [(3, "header")]


def test_iter_rows_for_units_and_areas():
    heading = ["Mã đơn vị", "Tên đơn vị", "Loại hình", "Mã địa bàn", "MST"]
    school = ["THPT01", to_tcvn3("Trường THPT Cổ Loa"), "thpt", "00001", "0101234567"]
    firm = ["DN01", to_tcvn3("Công ty TNHH May"), "cong_ty_tnhh", "00001", 101234568]
    units = [["DANH MỤC ĐƠN VỊ"], heading, school, [], firm]
    found = list(iter_rows(xlsx_bytes(units), "dv.xlsx", UNIT_ALIASES))
    assert [n for n, _ in found] == [3, 5]
    assert found[0][1] == {
        "code": "THPT01",
        "name": "Trường THPT Cổ Loa",
        "kind": "thpt",
        "area_code": "00001",
        "tax_code": "0101234567",
    }
    assert found[1][1]["name"] == "Công ty TNHH May"
    assert found[1][1]["tax_code"] == 101234568.0  # numbers stay as read
    areas = [
        ["code", "name", "level", "parent_code"],
        ["01", "Hà Nội", "province", ""],
        ["00001", "Phường Phúc Xá", "commune", "01"],
    ]
    assert [values for _, values in iter_rows(csv_bytes(areas), "db.csv", AREA_ALIASES)] == [
        {"code": "01", "name": "Hà Nội", "level": "province"},
        {"code": "00001", "name": "Phường Phúc Xá", "level": "commune", "parent_code": "01"},
    ]
