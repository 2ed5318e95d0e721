"""Lists of the shapes units keep: section rows, merged cells, dates in parts or in
words, the headers people type, total rows with counts; each file built here."""

from __future__ import annotations

from datetime import date

from registry.spreadsheet.headers import CANDIDATE_ALIASES, find_header
from registry.spreadsheet.keywords import EXACT, SURE
from registry.spreadsheet.lookups import CellRef, DictLookups, UnitRef
from registry.spreadsheet.pipeline import parse_file
from tests.fixtures.oleio import xls_workbook
from tests.fixtures.sheets import ods_bytes, xlsx_bytes

TODAY = date(2025, 6, 1)
CO_LOA = UnitRef(1, "THPT01", "Trường THPT Cổ Loa", "thpt", cell_id=10)
LIEN_HA = UnitRef(2, "THPT02", "Trường THPT Liên Hà", "thpt", cell_id=10)
MAY = UnitRef(3, "DN01", "Công ty TNHH May Đông Anh", "cong_ty_tnhh", cell_id=11)
LOOKUPS = DictLookups(
    [CO_LOA, LIEN_HA, MAY],
    [CellRef(10, "Chi bộ Trường học", "co_so"), CellRef(11, "Chi bộ Doanh nghiệp", "co_so")],
)
TITLE = [["UBND XÃ ĐÔNG ANH"], ["DANH SÁCH QUẦN CHÚNG ƯU TÚ NĂM 2025"], []]


def parse(data: bytes, name: str = "ds.xlsx", **options):
    return parse_file(data, name, lookups=LOOKUPS, today=TODAY, **options)


def people(result) -> list[tuple[int, str, object, object, str]]:
    """(row, name, birth date, unit id, subgroup) of every row without errors."""
    return [
        (
            r.row_number,
            r.values["full_name"],
            r.values.get("birth_date"),
            getattr(r.values.get("unit"), "id", None),
            r.values.get("subgroup"),
        )
        for r in result.rows
        if not r.errors
    ]


def errors(result) -> list[tuple[int, str, str]]:
    return [(i.row, i.column, i.code) for i in result.errors]


# --- section rows -------------------------------------------------------------------------

SECTIONED = [
    *TITLE,
    ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Ngày kết nạp Đảng"],
    ["A. KHỐI TRƯỜNG HỌC"],
    ["I", "Trường THPT Cổ Loa"],
    [1, "Nguyễn Văn An", "01/03/2005", "Nam", "Kinh"],
    [2, "Lê Thị Hà", "05/07/2006", "Nữ", "Tày"],
    ["II", "Trường THPT Liên Hà"],
    [3, "Trần Văn Đức", "03/04/2006", "Nam", "Kinh"],
    ["Cộng khối trường học", None, 3, 1],
    ["B. KHỐI DOANH NGHIỆP"],
    ["I.", "Công ty TNHH May Đông Anh"],
    [4, "Phạm Thị Thúy", "29/02/2000", "Nữ", "Mường", "ngày 05 tháng 9 năm 2023"],
    [5, "Hoàng Văn Bình", "12/12/1999", "Nam", "Kinh", "05 tháng 9, 2023"],
    ["Tổng cộng", None, 5, 2],
]


def test_section_rows_give_the_unit_and_group_of_the_rows_below_and_are_not_people():
    result = parse(xlsx_bytes(SECTIONED))

    assert errors(result) == []
    assert people(result) == [
        (7, "Nguyễn Văn An", date(2005, 3, 1), CO_LOA.id, "thpt"),
        (8, "Lê Thị Hà", date(2006, 7, 5), CO_LOA.id, "thpt"),
        (10, "Trần Văn Đức", date(2006, 4, 3), LIEN_HA.id, "thpt"),
        (14, "Phạm Thị Thúy", date(2000, 2, 29), MAY.id, "cong_nhan"),
        (15, "Hoàng Văn Bình", date(1999, 12, 12), MAY.id, "cong_nhan"),
    ]
    assert result.counts["rows"] == 5
    assert [(s.row, s.kind, s.title) for s in result.shapes.sections] == [
        (5, "group", "KHỐI TRƯỜNG HỌC"),
        (6, "unit", "Trường THPT Cổ Loa"),
        (9, "unit", "Trường THPT Liên Hà"),
        (12, "group", "KHỐI DOANH NGHIỆP"),
        (13, "unit", "Công ty TNHH May Đông Anh"),
    ]
    assert dict(result.skipped) == {
        5: "section", 6: "section", 9: "section", 11: "subtotal", 12: "section",
        13: "section", 16: "subtotal",
    }  # fmt: skip
    # Dates written in words.
    admitted = {r.row_number: r.values.get("admitted_date") for r in result.rows}
    assert admitted[14] == admitted[15] == date(2023, 9, 5)


def test_a_unit_under_a_group_section_it_does_not_belong_to_is_invalid_group():
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính"],
        ["B. KHỐI DOANH NGHIỆP"],
        ["I", "Trường THPT Cổ Loa"],
        [1, "Nguyễn Văn An", "01/03/2005", "Nam"],
    ]
    result = parse(xlsx_bytes(rows))
    assert errors(result) == [(4, "group", "invalid_group")]


def test_a_section_naming_an_unknown_unit_fails_its_rows_as_unknown_unit():
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính"],
        ["I", "Trường THPT Không Có"],
        [1, "Nguyễn Văn An", "01/03/2005", "Nam"],
        [2, "Lê Thị Hà", "05/07/2006", "Nữ"],
    ]
    result = parse(xlsx_bytes(rows))
    assert errors(result) == [(3, "unit_name", "unknown_unit"), (4, "unit_name", "unknown_unit")]
    assert "Trường THPT Không Có" in result.errors[0].message


ARABIC = [
    ["STT", "Họ và tên", "Ngày sinh", "Giới tính"],
    ["1. KHỐI TRƯỜNG HỌC"],
    [1, "Trường THPT Cổ Loa"],  # a number cell and a known unit
    [1, "Nguyễn Văn An", "01/03/2005", "Nam"],
    # A person whose name starts with a unit's word: a birth date makes the row a person.
    [2, "Trường Giang", "05/07/2006", "Nam"],
    ["2. Trường THPT Liên Hà"],  # numeral and title in one cell
    [1, "Trần Văn Đức", "03/04/2006", "Nam"],
    ["2. KHỐI DOANH NGHIỆP"],
    ["3", "Công ty TNHH May Đông Anh"],  # a text numeral
    [1, "Phạm Thị Thúy", "29/02/2000", "Nữ"],
]


def test_sections_numbered_with_arabic_numerals_are_sections_not_people():
    result = parse(xlsx_bytes(ARABIC))

    assert errors(result) == []
    assert people(result) == [
        (4, "Nguyễn Văn An", date(2005, 3, 1), CO_LOA.id, "thpt"),
        (5, "Trường Giang", date(2006, 7, 5), CO_LOA.id, "thpt"),
        (7, "Trần Văn Đức", date(2006, 4, 3), LIEN_HA.id, "thpt"),
        (10, "Phạm Thị Thúy", date(2000, 2, 29), MAY.id, "cong_nhan"),
    ]
    assert [(s.row, s.kind, s.title) for s in result.shapes.sections] == [
        (2, "group", "KHỐI TRƯỜNG HỌC"),
        (3, "unit", "Trường THPT Cổ Loa"),
        (6, "unit", "Trường THPT Liên Hà"),
        (8, "group", "KHỐI DOANH NGHIỆP"),
        (9, "unit", "Công ty TNHH May Đông Anh"),
    ]


def test_a_numbered_row_with_a_persons_name_and_nothing_else_stays_a_person():
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Đơn vị"],
        [1, "Nguyễn Văn Trường"],  # a name, not a unit: the person lacks a birth date
        [2, "Trường Sơn", None, "Nam", "Trường THPT Cổ Loa"],  # more than a title
        ["3", "Lê Thị Hà", "05/07/2006", "Nữ", "Trường THPT Cổ Loa"],
    ]
    result = parse(xlsx_bytes(rows))
    assert result.shapes.sections == []
    assert errors(result) == [
        (2, "birth_date", "required"),
        (2, "unit_name", "required"),
        (3, "birth_date", "required"),
    ]
    assert [p[1] for p in people(result)] == ["Lê Thị Hà"]


def test_an_arabic_section_naming_an_unknown_unit_fails_its_rows_as_unknown_unit():
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính"],
        [1, "Trường THPT Không Có"],
        [1, "Nguyễn Văn An", "01/03/2005", "Nam"],
    ]
    result = parse(xlsx_bytes(rows))
    assert [(s.row, s.title) for s in result.shapes.sections] == [(2, "Trường THPT Không Có")]
    assert errors(result) == [(3, "unit_name", "unknown_unit")]


def test_without_sections_or_a_unit_column_every_row_still_fails_required():
    rows = [["STT", "Họ và tên", "Ngày sinh"], [1, "Nguyễn Văn An", "01/03/2005"]]
    result = parse(xlsx_bytes(rows))
    assert result.missing == ["unit_name"]
    assert errors(result) == [(2, "unit_name", "required")]


# --- merged cells -------------------------------------------------------------------------

MERGED = [
    ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Đơn vị", "Chi bộ"],
    [1, "Nguyễn Văn An", "01/03/2005", "Nam", "Trường THPT Cổ Loa", "Chi bộ Trường học"],
    [2, "Lê Thị Hà", "05/07/2006", "Nữ"],
    [3, "Trần Văn Đức", "03/04/2006", "Nam"],
    [4, "Phạm Thị Thúy", "29/02/2000", "Nữ", "Công ty TNHH May Đông Anh", "Chi bộ Doanh nghiệp"],
    [5, "Hoàng Văn Bình", "12/12/1999", "Nam"],
    [],
]


def test_cells_merged_vertically_give_their_value_to_every_row_of_the_block():
    data = xlsx_bytes(MERGED, merges=["E2:E4", "F2:F4", "E5:E7", "F5:F7"])
    result = parse(data)

    assert errors(result) == []
    assert [p[3] for p in people(result)] == [1, 1, 1, 3, 3]
    cells = [r.values["cell"].id for r in result.rows]
    assert cells == [10, 10, 10, 11, 11]
    assert [(f.column, f.first, f.last, f.value) for f in result.shapes.filled] == [
        (4, 2, 4, "Trường THPT Cổ Loa"),
        (5, 2, 4, "Chi bộ Trường học"),
        (4, 5, 7, "Công ty TNHH May Đông Anh"),
        (5, 5, 7, "Chi bộ Doanh nghiệp"),
    ]
    # The blank row 7 inside the block is still no person.
    assert result.counts["rows"] == 5


def test_merged_cells_of_an_ods_list_are_read_from_its_spans():
    data = ods_bytes(MERGED, merges=["E2:E4", "E5:E6"])
    result = parse(data, "ds.ods")
    assert errors(result) == []
    assert [p[3] for p in people(result)] == [1, 1, 1, 3, 3]


def test_merged_cells_of_an_xls_list_fill_their_block():
    rows = [list(r) + [None] * (6 - len(r)) for r in MERGED[:-1]]
    data = xls_workbook({"DS": rows}, merges={"DS": [(1, 4, 3, 4), (4, 4, 5, 4)]})
    result = parse(data, "ds.xls")
    assert errors(result) == []
    assert [p[3] for p in people(result)] == [1, 1, 1, 3, 3]


# --- multi-row headers with parts ---------------------------------------------------------

PARTS = [
    *TITLE,
    [
        "TT",
        "Họ và tên",
        "Ngày, tháng, năm sinh",
        None,
        None,
        "Giới tính (Nam/Nữ)",
        "Trường/Đơn vị",
        "Lớp bồi dưỡng nhận thức về Đảng",
        None,
        "Ghi chú",
    ],
    [None, None, "Ngày", "Tháng", "Năm", None, None, "Ngày cấp GCN", "Số GCN"],
    [1, "Nguyễn Văn An", 1, 3, 2005, "Nam", "Trường THPT Cổ Loa", "15/01/2024", "GCN-01"],
    [2, "Lê Thị Hà", "05", "07", "2006", "Nữ", "Trường THPT Cổ Loa"],
    [3, "Trần Văn Đức", 3, 4, 6, "Nam", "Trường THPT Liên Hà", date(2024, 2, 1), 17],
    [4, "Hoàng Văn Bình", 31, 2, 2006, "Nam", "Trường THPT Liên Hà"],
    [5, "Đỗ Thị Mai", None, 9, 2006, "Nữ", "Trường THPT Liên Hà"],
]
PARTS_MERGES = ["A4:A5", "B4:B5", "C4:E4", "F4:F5", "G4:G5", "H4:I4", "J4:J5"]


def test_a_birth_date_in_three_columns_under_a_merged_parent_is_joined():
    result = parse(xlsx_bytes(PARTS, merges=PARTS_MERGES))

    header = result.header
    assert (header.header_row, header.header_rows, header.data_start) == (4, 2, 6)
    assert header.columns == {
        0: "row_no", 1: "full_name", 2: "birth_date_day", 3: "birth_date_month",
        4: "birth_date_year", 5: "gender", 6: "unit_name", 7: "trained_date",
        8: "certificate_no", 9: "note",
    }  # fmt: skip
    assert header.labels[2] == "Ngày, tháng, năm sinh / Ngày"
    assert people(result) == [
        (6, "Nguyễn Văn An", date(2005, 3, 1), 1, "thpt"),
        (7, "Lê Thị Hà", date(2006, 7, 5), 1, "thpt"),
        (8, "Trần Văn Đức", date(2006, 4, 3), 2, "thpt"),
    ]
    values = {r.row_number: r.values for r in result.rows}
    assert values[6]["trained_date"] == date(2024, 1, 15)
    assert values[6]["certificate_no"] == "GCN-01"
    assert values[8]["certificate_no"] == "17"
    # 31/02 is no date; a missing day is named; neither row is lost.
    assert errors(result) == [(9, "birth_date", "invalid_date"), (10, "birth_date", "invalid_date")]
    assert "31/2/2006" in result.errors[0].message
    assert result.counts["rows"] == 5  # the sub-header row is no data row


def test_ngay_sinh_over_nam_nu_is_still_the_old_layout_not_date_parts():
    rows = [
        ["STT", "Họ và tên", "Ngày tháng năm sinh", None, "Đơn vị"],
        [None, None, "Nam", "Nữ"],
        [1, "Nguyễn Văn An", "01/03/2005", None, "Trường THPT Cổ Loa"],
        [2, "Lê Thị Hà", None, "05/07/2006", "Trường THPT Cổ Loa"],
        ["Cộng", None, 1, 1],
    ]
    result = parse(xlsx_bytes(rows, merges=["C1:D1"]))
    assert result.header.columns[2] == "birth_date_male"
    assert [(r.values["full_name"], r.values["gender"]) for r in result.rows] == [
        ("Nguyễn Văn An", "M"),
        ("Lê Thị Hà", "F"),
    ]
    # The total row's counts under "Nam" and "Nữ" are no person and no invalid_gender.
    assert errors(result) == []
    assert dict(result.skipped) == {5: "subtotal"}


# --- the headers people type ----------------------------------------------------------------

LONG = [
    [
        "Số TT",
        "Họ và tên\nquần chúng",
        "Sinh ngày",
        "Giới tính (Nam/Nữ)",
        "Số định danh cá nhân",
        "Nơi công tác",
        "Ngày cấp giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng",
        "Ngày kết nạp Đảng",
        "Ngày được công nhận đảng viên chính thức",
        "Họ tên người giới thiệu",
    ],
    [
        1,
        "Nguyễn Văn An",
        "01/03/1998",
        "Nam",
        "001098001234",
        "Công ty TNHH May Đông Anh",
        "15/01/2023",
        "10/03/2023",
        "10/03/2024",
        "Trần Văn Hùng",
    ],
]


def test_long_and_compound_headers_match_by_their_words_with_a_score():
    header = find_header(list(enumerate(LONG, start=1)), CANDIDATE_ALIASES)
    assert header is not None
    assert header.columns == {
        0: "row_no", 1: "full_name", 2: "birth_date", 3: "gender", 4: "id_number",
        5: "unit_name", 6: "trained_date", 7: "admitted_date", 8: "full_member_date",
        9: "introducers",
    }  # fmt: skip
    assert header.scores[4] == EXACT  # an alias names it
    assert SURE <= header.scores[5] < EXACT  # "Nơi công tác": by its words
    assert SURE <= header.scores[6] < EXACT
    # "Họ tên người giới thiệu" could be a name column: the user is asked.
    assert header.scores[9] < SURE
    assert header.uncertain == (9,)


def test_a_confirmed_column_is_sure():
    header = find_header(list(enumerate(LONG, start=1)), CANDIDATE_ALIASES)
    assert header is not None
    confirmed = header.with_override({9: "introducers"})
    assert confirmed.uncertain == ()


def test_a_long_header_file_imports_its_people_and_dates():
    result = parse(xlsx_bytes(LONG))
    assert errors(result) == []
    values = result.rows[0].values
    assert values["full_name"] == "Nguyễn Văn An"
    assert values["unit"] == MAY
    assert values["id_number"] == "001098001234"
    assert (values["trained_date"], values["admitted_date"], values["full_member_date"]) == (
        date(2023, 1, 15),
        date(2023, 3, 10),
        date(2024, 3, 10),
    )
    assert values["introducers"] == "Trần Văn Hùng"


def test_headers_that_name_no_field_stay_unmapped():
    for label in ("Địa chỉ", "Mã số thuế", "Trình độ chuyên môn", "Số điện thoại"):
        assert CANDIDATE_ALIASES.scored([label]) is None, label


def test_the_words_tell_the_party_admission_from_the_youth_union():
    assert CANDIDATE_ALIASES.scored(["Ngày kết nạp\nvào Đoàn TNCS"])[0] == "youth_union_date"
    assert CANDIDATE_ALIASES.scored(["Ngày được kết nạp vào Đảng"])[0] == "admitted_date"
    assert CANDIDATE_ALIASES.scored(["Số quyết định\nkết nạp Đảng"])[0] == "decision_no"
    assert CANDIDATE_ALIASES.scored(["Ngày ra quyết định\nkết nạp Đảng"])[0] == "decision_date"
