"""Header detection: title blocks, merged multi-row headers, column-number rows, aliases."""

from __future__ import annotations

import pytest

from registry.spreadsheet.headers import (
    AREA_ALIASES,
    CANDIDATE_ALIASES,
    CANONICAL_HEADERS,
    UNIT_ALIASES,
    find_header,
    is_column_number_row,
)
from registry.spreadsheet.legacy import to_tcvn3, to_vni


def numbered(rows, first=1):
    return list(enumerate(rows, start=first))


def fields(header):
    return [header.columns.get(i) for i in range(len(header.labels))]


def test_canonical_template_maps_to_itself():
    header = find_header(numbered([[label for _, label in CANONICAL_HEADERS]]))
    assert header is not None
    assert fields(header) == [name for name, _ in CANONICAL_HEADERS]
    assert header.header_row == 1 and header.data_start == 2 and header.unmapped == ()


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Ho ten", "full_name"),
        ("HỌ TÊN", "full_name"),
        ("Họ và tên học sinh", "full_name"),
        ("  họ   và TÊN ", "full_name"),
        ("Ngày tháng năm sinh", "birth_date"),
        ("Ngày, tháng, năm sinh", "birth_date"),
        ("Nam/Nữ", "gender"),
        ("Số CMND/CCCD", "id_number"),
        ("CCCD", "id_number"),
        ("Số định danh cá nhân", "id_number"),
        ("Trường", "unit_name"),
        ("Doanh nghiệp", "unit_name"),
        ("Tên đơn vị", "unit_name"),
        ("Ngày kết nạp vào Đảng", "admitted_date"),
        ("Nữ", "gender_female_mark"),
        ("Họ đệm", "family_middle"),
        ("Tên", "given_name"),
        ("Lớp", "class_or_job"),
        ("Công đoàn viên", "trade_union"),
        ("full_name", "full_name"),
    ],
)
def test_aliases(label, field):
    assert CANDIDATE_ALIASES.match([label]) == field


def test_title_block_two_row_merged_header_and_column_numbers():
    rows = [
        ["UBND HUYỆN A", None, None, None, None],
        ["DANH SÁCH QUẦN CHÚNG ƯU TÚ NĂM 2024"],
        [],
        ["STT", "Họ và tên", "Ngày tháng năm sinh", None, "Quyết định kết nạp", None],
        [None, None, "Nam", "Nữ", "Số", "Ngày"],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        [1, "Nguyễn Văn An", "01/03/2005", None, "12-QĐ/ĐU", "01/02/2024"],
    ]
    # calamine's merged areas: 0-based ((first_row, first_col), (last_row, last_col)).
    merges = [((3, 0), (4, 0)), ((3, 1), (4, 1)), ((3, 2), (3, 3)), ((3, 4), (3, 5))]
    header = find_header(numbered(rows), merges=merges)
    assert (header.header_row, header.header_rows, header.data_start) == (4, 2, 7)
    assert fields(header) == [
        "row_no",
        "full_name",
        "birth_date_male",
        "birth_date_female",
        "decision_no",
        "decision_date",
    ]
    assert header.labels[2] == "Ngày tháng năm sinh / Nam"


def test_parent_label_carried_right_without_merge_information():
    rows = [
        ["STT", "Họ và tên", "Giới tính", None, "Ngày sinh"],
        [None, None, "Nam", "Nữ", None],
        ["1", "2", "3", "4", "5"],
        [1, "Nguyễn Văn An", "x", None, "01/03/2005"],
    ]
    header = find_header(numbered(rows))
    assert fields(header) == [
        "row_no",
        "full_name",
        "gender_male_mark",
        "gender_female_mark",
        "birth_date",
    ]
    assert header.data_start == 4


def test_a_data_row_is_not_taken_for_a_second_header_row():
    rows = [
        ["STT", "Họ và tên", "Giới tính", "Ngày sinh"],
        [1, "Nguyễn Văn An", "Nam", "01/03/2005"],
    ]
    header = find_header(numbered(rows))
    assert header.header_rows == 1 and header.data_start == 2
    assert fields(header) == ["row_no", "full_name", "gender", "birth_date"]


def test_split_name_columns_and_legacy_headers():
    rows = [[to_tcvn3("Họ đệm"), to_tcvn3("Tên"), to_vni("Ngày sinh"), to_tcvn3("Số CCCD")]]
    header = find_header(numbered(rows))
    assert fields(header) == ["family_middle", "given_name", "birth_date", "id_number"]


def test_column_number_rows():
    assert is_column_number_row(["1", "2", "3", "4"])
    assert is_column_number_row([1.0, 2.0, None, 4.0])
    assert is_column_number_row(["(1)", "(2)", "(3)"])
    assert is_column_number_row(["A", "B", "C", "D"])
    assert not is_column_number_row([1, "Nguyễn Văn An", "01/03/2005"])
    assert not is_column_number_row(["1", "2"])
    assert not is_column_number_row(["3", "2", "1"])


def test_no_header_in_the_first_twenty_rows():
    rows = [["x"]] * 20 + [[], [], ["Họ và tên", "Ngày sinh"]]
    assert find_header(numbered(rows)) is None
    assert find_header(numbered([["Ngày sinh", "Giới tính"]])) is None  # no name column


def test_signature_is_stable_and_follows_the_headers():
    a = find_header(numbered([["STT", "Họ và tên", "Ngày sinh"]]))
    b = find_header(numbered([["stt", "HỌ VÀ TÊN", "Ngày  sinh", None]]))
    c = find_header(numbered([["STT", "Họ và tên", "Năm sinh"]]))
    assert a.signature == b.signature != c.signature


def test_override_mapping():
    header = find_header(numbered([["STT", "Họ và tên", "Ngày sinh", "Cột lạ", "Ghi chú"]]))
    assert header.unmapped == (3,)
    changed = header.with_override({3: "hometown", 4: None, 0: "note"})
    assert changed.columns == {0: "note", 1: "full_name", 2: "birth_date", 3: "hometown"}
    assert changed.unmapped == (4,)
    assert changed.column_of()["hometown"] == 3
    with pytest.raises(ValueError, match="unknown field"):
        header.with_override({3: "shoe_size"})


def test_unit_and_area_tables():
    units = find_header(
        numbered([["code", "name", "kind", "area_code", "tax_code", "cell"]]), UNIT_ALIASES
    )
    assert fields(units) == ["code", "name", "kind", "area_code", "tax_code", "cell"]
    vi = find_header(
        numbered([["Mã đơn vị", "Tên đơn vị", "Loại hình", "Mã số thuế"]]), UNIT_ALIASES
    )
    assert fields(vi) == ["code", "name", "kind", "tax_code"]
    areas = find_header(
        numbered([["Mã", "Tên", "Cấp", "Mã cấp trên", "Hiệu lực từ", "Hiệu lực đến"]]), AREA_ALIASES
    )
    assert fields(areas) == ["code", "name", "level", "parent_code", "valid_from", "valid_to"]
