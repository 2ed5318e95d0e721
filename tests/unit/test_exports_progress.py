"""`students` and `workers`: figures, subtotals, totals, header block, print settings."""

from __future__ import annotations

import pytest

from exports import AreaGroup, GroupedReport, StudentRow, WorkerRow, build
from tests.unit.test_exports_support import (
    all_texts,
    find_cell,
    line,
    line_cells,
    make_meta,
    merged,
    open_book,
)

SCHOOL = StudentRow(
    "Trường THPT số 1 Lào Cai",
    target=10,
    source_at_end=30,
    trained=12,
    followed_at_end=20,
    proposed=6,
    decided=5,
    admitted=4,
    women=3,
    ethnic_minority=1,
    religious=1,
    thpt=4,
)
CENTRE = StudentRow(
    "Trung tâm GDNN - GDTX Cam Đường", source_at_end=8, trained=3, admitted=2, gdnn_gdtx=2
)
OTHER = StudentRow("Trường THPT Bảo Thắng", target=5, source_at_end=9, admitted=5, college=1)


def students_report(**meta) -> GroupedReport:
    return GroupedReport(
        make_meta(**meta),
        [
            AreaGroup("Phường Cam Đường", [SCHOOL, CENTRE]),
            AreaGroup("Xã Bảo Thắng", [OTHER], target=20),  # the area's own target wins
        ],
    )


@pytest.fixture(scope="module")
def sheet():
    return open_book(build("students", students_report())).active


def test_unit_lines_hold_the_figures_in_column_order(sheet):
    assert line(sheet, SCHOOL.name)[:16] == [
        1, SCHOOL.name, 10, 30, 12, 20, 6, 5, 4, 0.4, 3, 1, 1, 4, 0, 0,
    ]  # fmt: skip
    assert line(sheet, CENTRE.name)[:10] == [2, CENTRE.name, None, 8, 3, 0, 0, 0, 2, None]


def test_area_subtotal_carries_the_area_name_and_sums(sheet):
    values = line(sheet, "Phường Cam Đường")
    assert values[:10] == ["I", "Phường Cam Đường", 10, 38, 15, 20, 6, 5, 6, 0.6]
    assert values[10:16] == [3, 1, 1, 4, 2, 0]
    assert line(sheet, "Xã Bảo Thắng")[:3] == ["II", "Xã Bảo Thắng", 20]
    assert line(sheet, "Xã Bảo Thắng")[9] == pytest.approx(0.25)


def test_grand_total_adds_up_the_areas(sheet):
    values = line(sheet, "TỔNG CỘNG")
    assert values[2:9] == [30, 47, 15, 20, 6, 5, 11]
    assert values[9] == pytest.approx(11 / 30)
    assert values[10:16] == [3, 1, 1, 4, 2, 1]
    assert all(c.font.b for c in line_cells(sheet, "TỔNG CỘNG")[:16])
    assert all(c.font.b for c in line_cells(sheet, "Phường Cam Đường")[:16])
    assert not line_cells(sheet, SCHOOL.name)[1].font.b


def test_percent_cells_are_numbers_with_a_percent_format(sheet):
    assert line_cells(sheet, "TỔNG CỘNG")[9].number_format == "0.0%"
    assert line_cells(sheet, SCHOOL.name)[9].data_type == "n"
    assert line_cells(sheet, SCHOOL.name)[3].number_format == "#,##0"


def test_report_target_wins_over_the_sum_of_areas():
    report = students_report()
    report = GroupedReport(report.meta, report.groups, target=44)
    values = line(open_book(build("students", report)).active, "TỔNG CỘNG")
    assert values[2] == 44
    assert values[9] == pytest.approx(11 / 44)


def test_column_headers_are_merged_over_two_rows_with_a_number_row(sheet):
    h = find_cell(sheet, "STT").row
    assert {f"A{h}:A{h + 1}", f"B{h}:B{h + 1}", f"J{h}:J{h + 1}"} <= merged(sheet)
    assert {f"G{h}:I{h}", f"K{h}:P{h}"} <= merged(sheet)
    assert sheet[f"G{h}"].value == "Kết quả trong kỳ"
    assert sheet[f"K{h}"].value == "Trong số đã kết nạp"
    assert [sheet.cell(h + 1, c).value for c in range(7, 10)] == [
        "Chi bộ đề nghị kết nạp",
        "Có quyết định kết nạp",
        "Đã kết nạp (tổ chức lễ)",
    ]
    units = [sheet.cell(h + 2, c).value for c in range(1, 17)]
    assert (units[0], units[2], units[9], units[10]) == ("Đơn vị tính", "Người", "%", "Người")
    assert {f"A{h + 2}:B{h + 2}", f"C{h + 2}:I{h + 2}", f"K{h + 2}:P{h + 2}"} <= merged(sheet)
    numbers = [sheet.cell(h + 3, c).value for c in range(1, 17)]
    assert numbers[:3] == ["(1)", "(2)", "(3)"]
    assert numbers[9] == "(10)=(9)/(3)"
    assert all(sheet.cell(h, c).border.top.style == "thin" for c in range(1, 17))


def test_print_setup_is_a4_landscape_one_page_wide(sheet):
    h = find_cell(sheet, "STT").row
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    # The column headers, the units and the column numbers on every page.
    assert sheet.print_title_rows == f"${h}:${h + 3}"
    assert sheet.freeze_panes == f"C{h + 4}"


def test_state_header_block_and_signatures(sheet):
    assert sheet["A1"].value == "UBND TỈNH LÀO CAI"
    assert not sheet["A1"].font.b
    assert sheet["A2"].value == "SỞ NỘI VỤ" and sheet["A2"].font.b and sheet["A2"].font.u
    national = find_cell(sheet, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    motto = find_cell(sheet, "Độc lập - Tự do - Hạnh phúc")
    assert national.row == 1 and national.font.b
    assert motto.row == 2 and motto.font.b
    dated = find_cell(sheet, "Lào Cai, ngày 05 tháng 01 năm 2026")
    assert dated.font.i and dated.column == national.column
    title = find_cell(sheet, "BÁO CÁO KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN")
    assert title.font.b and title.font.sz == 13
    assert find_cell(sheet, "Năm 2025 (từ ngày 01/01/2025 đến ngày 31/12/2025)")
    # Counts and a percentage: the units stand over the columns, none over the table.
    assert "Đơn vị tính: người" not in all_texts(sheet)
    assert find_cell(sheet, "Địa bàn: Tỉnh Lào Cai")
    for text in ("Người lập biểu", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Thị Lập", "Trần Văn Ký"):
        assert find_cell(sheet, text).font.b, text
    assert find_cell(sheet, "(Ký, ghi rõ họ tên)").font.i
    assert find_cell(sheet, "(Ký, đóng dấu, ghi rõ họ tên)").font.i
    assert find_cell(sheet, "Người lập biểu").column == 1
    assert find_cell(sheet, "Trần Văn Ký").column == national.column
    assert find_cell(sheet, "Trần Văn Ký").row > find_cell(sheet, "TỔNG CỘNG").row


def test_no_form_code_is_invented(sheet):
    assert not [t for t in all_texts(sheet) if "Biểu" in t or "Mẫu" in t]


def test_form_code_goes_top_right_when_given():
    ws = open_book(build("students", students_report(form_code="Biểu số 01/SNV"))).active
    code = find_cell(ws, "Biểu số 01/SNV")
    assert code.row == 1 and code.column > 2
    assert find_cell(ws, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").row == 2


def test_party_style_header():
    report = students_report(style="party", issuing_body=["TỈNH ỦY LÀO CAI", "BAN TỔ CHỨC"])
    ws = open_book(build("students", report)).active
    texts = all_texts(ws)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in texts
    assert "Độc lập - Tự do - Hạnh phúc" not in texts
    assert ws["A1"].value == "TỈNH ỦY LÀO CAI"
    assert ws["A2"].value == "BAN TỔ CHỨC" and ws["A2"].font.b
    assert ws["A3"].value == "*"
    assert find_cell(ws, "ĐẢNG CỘNG SẢN VIỆT NAM").font.b
    assert find_cell(ws, "Lào Cai, ngày 05 tháng 01 năm 2026").font.i


def test_every_cell_is_times_new_roman(sheet):
    fonts = {c.font.name for row in sheet.iter_rows() for c in row}
    assert fonts == {"Times New Roman"}


def test_formula_like_unit_names_stay_text():
    names = ['=HYPERLINK("http://x","y")', "+84912345678", "-1", "@SUM(A1)"]
    rows = [StudentRow(name, admitted=1) for name in names]
    ws = open_book(build("students", GroupedReport(make_meta(), [AreaGroup("-Xã A", rows)]))).active
    for name in [*names, "-Xã A"]:
        cell = find_cell(ws, name)
        assert cell.data_type == "s"


def test_an_area_without_lines_shows_zero_counts():
    report = GroupedReport(make_meta(), [AreaGroup("Xã Trống")])
    values = line(open_book(build("students", report)).active, "Xã Trống")
    assert values[2] is None  # no target
    assert values[3:9] == [0] * 6
    assert values[9] is None


def test_wrong_line_type_is_refused():
    report = GroupedReport(make_meta(), [AreaGroup("Xã A", [WorkerRow("Công ty TNHH")])])
    with pytest.raises(TypeError, match="StudentRow"):
        build("students", report)


def test_workers_break_admissions_down_by_union_membership():
    report = GroupedReport(
        make_meta(title="Báo cáo phát triển đảng viên trong công nhân"),
        [
            AreaGroup(
                "Phường Cam Đường",
                [
                    WorkerRow("Công ty TNHH", target=4, admitted=3, women=1, youth_union=2),
                    WorkerRow("Doanh nghiệp tư nhân", admitted=1, trade_union=1),
                ],
            )
        ],
    )
    ws = open_book(build("workers", report)).active
    h = find_cell(ws, "STT").row
    assert ws.cell(h, 2).value == "Địa bàn, loại hình doanh nghiệp"
    assert [ws.cell(h + 1, c).value for c in range(11, 16)] == [
        "Nữ",
        "Dân tộc thiểu số",
        "Người có tôn giáo",
        "Đoàn viên Đoàn TNCS Hồ Chí Minh",
        "Đoàn viên công đoàn",
    ]
    assert f"K{h}:O{h}" in merged(ws)
    assert line(ws, "Công ty TNHH")[8:15] == [3, 0.75, 1, 0, 0, 2, 0]
    assert line(ws, "Phường Cam Đường")[8:15] == [4, 1, 1, 0, 0, 2, 1]
    assert line(ws, "TỔNG CỘNG")[2] == 4
