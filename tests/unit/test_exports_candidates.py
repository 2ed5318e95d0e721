"""`candidates`: the detail list re-imports through the canonical headers."""

from __future__ import annotations

import os
import weakref
from datetime import date, datetime
from enum import StrEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet import _writer as openpyxl_writer
from python_calamine import CalamineWorkbook

from exports import CANDIDATE_HEADERS, CandidateList, build
from exports.data import CANDIDATE_ROW_LENGTH
from tests.unit.test_exports_support import (
    VISIBLE_TEXT,
    all_texts,
    find_cell,
    make_meta,
    open_book,
)


class Kind(StrEnum):
    FORMULA = "=1+1"


def candidate(name: str, **values) -> tuple:
    """A list row (no STT) with the named columns set."""
    row = dict.fromkeys(CANDIDATE_HEADERS[1:])
    row["Họ và tên"] = name
    for header, value in values.items():
        assert header in row, header
        row[header] = value
    return tuple(row.values())


ROWS = [
    candidate(
        "Nguyễn Thị Hoà",
        **{
            "Ngày sinh": date(2007, 3, 9),
            "Giới tính": "Nữ",
            "Dân tộc": "Tày",
            "Số CCCD": "010307001234",
            "Mã đơn vị": "THPT01",
            "Đơn vị": "Trường THPT số 1",
            "Công đoàn viên": False,
            "Ngày cấp GCN lớp nhận thức": date(2025, 3, 1),
            "Ngày kết nạp": datetime(2025, 11, 20),
            "Ghi chú": '=HYPERLINK("http://evil","bấm")',
        },
    ),
    candidate(
        "-Lê Văn Bình",
        **{
            "Số CCCD": 1234567890,  # a number from a careless query: kept as text, not padded
            "Quê quán": "+84 912 345 678",
            "Công đoàn viên": True,
            "Số QĐ kết nạp": "@SUM(A1)",
            "Đối tượng": Kind.FORMULA,
            "Lý do": "-1",
        },
    ),
]


def list_of(rows, **kwargs) -> CandidateList:
    return CandidateList(make_meta(title="Danh sách quần chúng ưu tú"), rows, **kwargs)


@pytest.fixture(scope="module")
def sheet():
    return open_book(build("candidates", list_of(iter(ROWS), filter_note="Đã kết nạp"))).active


def header_row(ws) -> int:
    return find_cell(ws, "Họ và tên").row


def test_header_row_is_the_canonical_import_header(sheet):
    h = header_row(sheet)
    assert tuple(c.value for c in sheet[h]) == CANDIDATE_HEADERS
    assert sheet[h][0].font.b


def test_title_period_and_note_above_the_header(sheet):
    texts = all_texts(sheet)
    assert "DANH SÁCH QUẦN CHÚNG ƯU TÚ" in texts
    assert "Năm 2025 (từ ngày 01/01/2025 đến ngày 31/12/2025)" in texts
    assert "Đã kết nạp" in texts
    assert header_row(sheet) <= 20  # the import looks for its header in the first 20 rows


def test_rows_are_numbered_and_dates_are_real_dates(sheet):
    h = header_row(sheet)
    first = [c for c in sheet[h + 1]]
    assert [first[0].value, sheet.cell(h + 2, 1).value] == [1, 2]
    born = first[CANDIDATE_HEADERS.index("Ngày sinh")]
    assert born.value == datetime(2007, 3, 9)
    assert born.data_type == "d" and born.number_format == "dd/mm/yyyy"
    admitted = first[CANDIDATE_HEADERS.index("Ngày kết nạp")]
    assert admitted.value == datetime(2025, 11, 20) and admitted.number_format == "dd/mm/yyyy"


def test_cccd_is_text_with_its_leading_zero(sheet):
    h, col = header_row(sheet), CANDIDATE_HEADERS.index("Số CCCD") + 1
    assert sheet.cell(h + 1, col).value == "010307001234"
    assert sheet.cell(h + 1, col).data_type == "s"
    assert sheet.cell(h + 2, col).value == "1234567890"


def test_formula_like_text_is_written_as_text_unchanged(sheet):
    h = header_row(sheet)
    expected = {
        (h + 1, "Ghi chú"): '=HYPERLINK("http://evil","bấm")',
        (h + 2, "Họ và tên"): "-Lê Văn Bình",
        (h + 2, "Quê quán"): "+84 912 345 678",
        (h + 2, "Số QĐ kết nạp"): "@SUM(A1)",
        (h + 2, "Lý do"): "-1",
        (h + 2, "Đối tượng"): "=1+1",
    }
    for (row, header), value in expected.items():
        cell = sheet.cell(row, CANDIDATE_HEADERS.index(header) + 1)
        assert (cell.value, cell.data_type) == (value, "s"), header


def test_union_membership_flag_is_an_x(sheet):
    h, col = header_row(sheet), CANDIDATE_HEADERS.index("Công đoàn viên") + 1
    assert [sheet.cell(h + 1, col).value, sheet.cell(h + 2, col).value] == [None, "x"]


def test_printing_freezing_and_filtering(sheet):
    h = header_row(sheet)
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9
    # Three pages across, in reading order, the number and the name on each.
    assert sheet.page_setup.fitToWidth == 3 and sheet.page_setup.fitToHeight == 0
    assert sheet.page_setup.pageOrder == "overThenDown"
    assert sheet.print_title_cols == "$A:$B"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == f"${h}:${h}"
    assert sheet.freeze_panes == f"C{h + 1}"
    assert sheet.auto_filter.ref == f"A{h}:AN{h + 2}"  # 40 columns: A to AN
    ranges = [str(cf.sqref) for cf in sheet.conditional_formatting]
    assert ranges == [f"A{h + 1}:AN{h + 2}"]


def test_data_cells_use_times_new_roman_without_a_style_each(sheet):
    h = header_row(sheet)
    assert {c.font.name for row in sheet.iter_rows() for c in row} == {"Times New Roman"}
    assert sheet.cell(h + 1, 2).style_id == 0  # plain text carries no style of its own


def test_reimports_through_calamine_with_the_same_values():
    stream = build("candidates", list_of(ROWS))
    rows = CalamineWorkbook.from_filelike(stream).get_sheet_by_index(0).to_python()
    h = next(i for i, r in enumerate(rows) if r[1] == "Họ và tên")
    assert tuple(rows[h]) == CANDIDATE_HEADERS
    got = dict(zip(CANDIDATE_HEADERS, rows[h + 1], strict=True))
    assert got["Số CCCD"] == "010307001234"
    assert got["Ngày sinh"] == date(2007, 3, 9)
    assert got["Ghi chú"] == '=HYPERLINK("http://evil","bấm")'
    assert rows[h + 2][CANDIDATE_HEADERS.index("Số QĐ kết nạp")] == "@SUM(A1)"


@settings(max_examples=40, deadline=None)
@given(st.lists(VISIBLE_TEXT, min_size=1, max_size=4))
def test_any_note_reimports_unchanged(notes):
    # The list skips safe_value for ordinary text: this checks that shortcut misses nothing.
    rows = [candidate("An", **{"Ghi chú": note}) for note in notes]
    sheet = CalamineWorkbook.from_filelike(build("candidates", list_of(rows))).get_sheet_by_index(0)
    got = sheet.to_python()
    col = CANDIDATE_HEADERS.index("Ghi chú")
    assert [r[col] for r in got[-len(notes) :]] == notes


def test_an_empty_list_still_has_its_header():
    ws = open_book(build("candidates", list_of([]))).active
    assert tuple(c.value for c in ws[header_row(ws)]) == CANDIDATE_HEADERS


def test_a_row_of_the_wrong_length_is_refused_and_leaves_no_temporary_file(monkeypatch):
    created: list[str] = []
    original = openpyxl_writer.create_temporary_file

    def recording(*args, **kwargs):
        created.append(original(*args, **kwargs))
        return created[-1]

    monkeypatch.setattr(openpyxl_writer, "create_temporary_file", recording)
    rows = [*ROWS, ("too", "short")]
    with pytest.raises(ValueError, match=f"row 3: 2 values, expected {CANDIDATE_ROW_LENGTH}"):
        build("candidates", list_of(iter(rows)))
    assert created
    assert not [name for name in created if os.path.exists(name)]


def test_rows_stream_through_without_being_kept():
    class Row(list):  # a list can be watched with a weak reference, a tuple cannot
        pass

    seen: list[weakref.ref] = []

    def cursor():
        for i in range(2000):
            # Only the row being written may still be alive when the next one is fetched.
            assert sum(ref() is not None for ref in seen) <= 1
            row = Row(candidate(f"Người {i}", **{"Ngày sinh": date(2000, 1, 1)}))
            seen.append(weakref.ref(row))
            yield row
            del row

    ws = open_book(build("candidates", list_of(cursor()))).active
    assert len(seen) == 2000
    assert ws.max_row == header_row(ws) + 2000
