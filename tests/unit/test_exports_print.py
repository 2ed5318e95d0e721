"""Every report as Nghị định 30/2020 lays it out and as it comes out of a printer: margins,
the number line, rows tall enough for their wrapped text, units over the column groups,
the rows repeated on every page, the chart on a page of its own."""

from __future__ import annotations

import zipfile
from datetime import date
from xml.etree import ElementTree

import pytest
from openpyxl.utils import get_column_letter

from exports import (
    CANDIDATE_HEADERS,
    AreaGroup,
    BreakdownBlock,
    BreakdownReport,
    BreakdownRow,
    CandidateList,
    Ct33Row,
    GroupedReport,
    GroupFigures,
    StudentRow,
    SummaryReport,
    SummaryRow,
    WorkerRow,
    build,
)
from tests.unit.test_exports_support import all_texts, find_cell, make_meta, merged, open_book

MM = 25.4  # openpyxl keeps margins in inches
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
LONG_NAME = "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên huyện Mường Khương"
SHORT_NAME = "Trường THPT số 1"


def _candidate_row() -> tuple:
    values: list[object] = [None] * (len(CANDIDATE_HEADERS) - 1)
    values[0], values[1] = "Nguyễn Văn An", date(2007, 5, 1)
    return tuple(values)


def report_data(name: str, **meta_changes):
    meta = make_meta(**meta_changes)
    if name == "students":
        rows = [StudentRow(LONG_NAME, admitted=2), StudentRow(SHORT_NAME, target=4, admitted=1)]
        return GroupedReport(meta, [AreaGroup("Xã Mường Khương", rows)])
    if name == "workers":
        return GroupedReport(meta, [AreaGroup("Xã Bảo Thắng", [WorkerRow("Công ty TNHH")])])
    if name == "ct33":
        return GroupedReport(meta, [AreaGroup("Xã Bảo Thắng", [Ct33Row("Công ty cổ phần")])])
    if name == "summary":
        row = SummaryRow("Xã Bảo Thắng", students=GroupFigures(admitted=3, admitted_year_before=2))
        return SummaryReport(meta, [row])
    if name == "breakdown":
        rows = [BreakdownRow("1. Giới tính", None, None, section=True), BreakdownRow("Nữ", 1, 2)]
        return BreakdownReport(meta, [BreakdownBlock("TỔNG CỘNG", 1, 2, rows)])
    return CandidateList(meta, [_candidate_row()], filter_note="Cả danh sách")


REPORTS = ("students", "workers", "ct33", "summary", "breakdown", "candidates")


def book_of(name: str, **meta_changes):
    return open_book(build(name, report_data(name, **meta_changes)))


@pytest.fixture(scope="module")
def students():
    return book_of("students").active


@pytest.mark.parametrize("name", REPORTS)
def test_every_sheet_has_the_decree_margins(name):
    book = book_of(name)
    for ws in book.worksheets + book.chartsheets:
        margins = ws.page_margins if hasattr(ws, "page_margins") else ws.pageMargins
        assert 20 <= margins.top * MM <= 25, (name, ws.title)
        assert 20 <= margins.bottom * MM <= 25, (name, ws.title)
        assert 30 <= margins.left * MM <= 35, (name, ws.title)
        assert 15 <= margins.right * MM <= 20, (name, ws.title)


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_is_a4_fitted_to_its_width_with_its_headers_on_each_page(name):
    ws = book_of(name).worksheets[0]
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    first = find_cell(ws, "STT").row
    # The repeated rows run from the column headers down to the row above the first line.
    numbers_row = first if name == "candidates" else find_cell(ws, "(1)").row
    assert ws.print_title_rows == f"${first}:${numbers_row}"
    assert ws.freeze_panes == f"C{numbers_row + 1}"


def test_wide_tables_print_landscape_and_a_narrow_one_upright():
    for name in ("students", "workers", "ct33", "summary", "candidates"):
        assert book_of(name).worksheets[0].page_setup.orientation == "landscape", name
    assert book_of("breakdown").active.page_setup.orientation == "portrait"


def test_the_state_number_line_leaves_the_number_blank_under_the_issuing_body(students):
    ws = book_of("students", issuer_code="SNV").active
    number = find_cell(ws, "Số:        /BC-SNV")
    body = find_cell(ws, "SỞ NỘI VỤ")
    dated = find_cell(ws, "Lào Cai, ngày 05 tháng 01 năm 2026")
    # Centred under the issuing body, on the line of the place and date (ô 3 and ô 4).
    assert (number.column, number.row) == (body.column, dated.row)
    assert number.row > body.row and number.font.sz == 13 and not number.font.b
    assert f"{number.coordinate}:" in " ".join(merged(ws))


def test_the_party_number_line_has_no_colon_and_the_type_first():
    ws = book_of(
        "ct33",
        style="party",
        issuing_body=["ĐẢNG BỘ TỈNH LÀO CAI", "BAN TỔ CHỨC"],
        issuer_code="BTCTU",
    ).active
    texts = all_texts(ws)
    assert "Số        -BC/BTCTU" in texts and not any(t.startswith("Số:") for t in texts)
    star, number = find_cell(ws, "*"), find_cell(ws, "Số        -BC/BTCTU")
    assert number.row == star.row + 1 and number.column == star.column


def test_without_an_issuer_code_the_number_line_still_names_the_report():
    assert "Số:        /BC" in all_texts(book_of("workers", issuer_code="").active)


def test_a_long_unit_name_gets_a_row_tall_enough_for_its_lines(students):
    long_row = find_cell(students, LONG_NAME).row
    short_row = find_cell(students, SHORT_NAME).row
    width = students.column_dimensions["B"].width
    # The name is over twice as long as its column is wide: three lines of 12 pt at least.
    assert len(LONG_NAME) > 2 * width
    assert students.row_dimensions[long_row].height >= 3 * 12
    assert find_cell(students, LONG_NAME).alignment.wrap_text
    assert (students.row_dimensions[short_row].height or 15.75) < 20


BODY = "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP VÀ KHU KINH TẾ TỈNH LÀO CAI"


def _box_width(ws, cell) -> float:
    box = next(r for r in ws.merged_cells.ranges if cell.coordinate in r)
    letters = (get_column_letter(c) for c in range(box.min_col, box.max_col + 1))
    return sum(ws.column_dimensions[letter].width for letter in letters)


def test_header_lines_that_wrap_get_the_room_they_need():
    ws = book_of("breakdown", issuing_body=["UBND TỈNH LÀO CAI", BODY]).active
    body = find_cell(ws, BODY)
    assert len(BODY) > _box_width(ws, body)  # more letters than the block is wide
    assert body.alignment.wrap_text and ws.row_dimensions[body.row].height >= 2 * 12
    title = find_cell(ws, "BÁO CÁO KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN")
    assert ws.row_dimensions[title.row].height >= 13


def test_formula_labels_of_the_number_row_fit_their_columns(students):
    cell = find_cell(students, "(10)=(9)/(3)")
    assert students.column_dimensions[cell.column_letter].width >= len(cell.value)
    ct33 = book_of("ct33").active
    label = find_cell(ct33, "(4)=(5)+(6)+(7)")
    assert ct33.column_dimensions[label.column_letter].width < len(label.value)
    # Too long for one line: it wraps into a row of two.
    assert label.alignment.wrap_text and ct33.row_dimensions[label.row].height >= 2 * 12


def test_units_stand_over_each_column_group_when_they_differ(students):
    units = find_cell(students, "Đơn vị tính")
    row = units.row
    assert row == find_cell(students, "(1)").row - 1
    cells = {c: students.cell(row, c).value for c in range(1, 17)}
    assert (cells[3], cells[10], cells[11]) == ("Người", "%", "Người")
    assert {f"A{row}:B{row}", f"C{row}:I{row}", f"K{row}:P{row}"} <= merged(students)
    assert all(students.cell(row, c).border.top.style == "thin" for c in range(1, 17))

    summary = book_of("summary")["Tổng hợp"]
    row = find_cell(summary, "Đơn vị tính").row
    values = [summary.cell(row, c).value for c in range(1, 18)]
    assert values[2] == "Người" and values[7] == "%" and values[16] == "%"

    breakdown = book_of("breakdown").active
    row = find_cell(breakdown, "Đơn vị tính").row
    assert [breakdown.cell(row, c).value for c in range(3, 7)] == ["Người", "%", "Người", "%"]


def test_the_detail_list_has_no_unit_row_and_prints_three_pages_across():
    ws = book_of("candidates").active
    assert "Đơn vị tính" not in all_texts(ws)
    assert ws.page_setup.fitToWidth == 3 and ws.print_title_cols == "$A:$B"
    title = find_cell(ws, "BÁO CÁO KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN")
    span = next(r for r in ws.merged_cells.ranges if title.coordinate in r)
    # Not in the columns repeated on every page, and within the first page.
    assert span.min_col == 3 and span.max_col < len(CANDIDATE_HEADERS) // 2


def test_the_signer_name_stands_under_the_signer_title(students):
    title = find_cell(students, "PHÓ GIÁM ĐỐC")
    name = find_cell(students, "Trần Văn Ký")
    assert name.column == title.column and name.row >= title.row + 3 and name.font.b
    preparer = find_cell(students, "Nguyễn Thị Lập")
    assert preparer.row == name.row and preparer.column < name.column


def test_the_chart_fills_a_printed_page():
    stream = build("summary", report_data("summary"))
    sheet = open_book(stream)["Biểu đồ"]
    assert sheet.pageSetup.orientation == "landscape" and int(sheet.pageSetup.paperSize) == 9
    # openpyxl forgets a chart sheet's drawing size on reading; LibreOffice draws the chart
    # at that size, so it is read from the file itself.
    with zipfile.ZipFile(stream) as archive:
        drawing = ElementTree.fromstring(archive.read("xl/drawings/drawing1.xml"))
    ext = drawing.find("xdr:absoluteAnchor/xdr:ext", {"xdr": DRAWING_NS})
    assert ext is not None
    emu_per_mm = 36_000
    # The A4 landscape page within the margins, not openpyxl's empty size.
    assert int(ext.get("cx")) / emu_per_mm == pytest.approx(297 - 30 - 15, abs=1)
    assert int(ext.get("cy")) / emu_per_mm == pytest.approx(210 - 20 - 20, abs=1)
