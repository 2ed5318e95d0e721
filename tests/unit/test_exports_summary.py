"""`summary`: both groups per area, a year earlier, the chart sheet and the tidy data."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl.chart import BarChart

from exports import GroupFigures, SummaryReport, SummaryRow, build
from exports.summary import year_earlier
from tests.unit.test_exports_support import find_cell, line, line_cells, make_meta, open_book

ROWS = [
    SummaryRow(
        "Phường Cam Đường",
        students=GroupFigures(30, 12, 6, admitted=5, admitted_year_before=4),
        workers=GroupFigures(10, 4, 2, admitted=2, admitted_year_before=0),
    ),
    SummaryRow("Xã Bảo Thắng", students=GroupFigures(admitted=3, admitted_year_before=6)),
]


@pytest.fixture(scope="module")
def book():
    return open_book(build("summary", SummaryReport(make_meta(), ROWS)))


def test_sheets_in_order(book):
    assert book.sheetnames == ["Tổng hợp", "Biểu đồ", "Dữ liệu"]


def test_area_lines_put_the_groups_side_by_side(book):
    ws = book["Tổng hợp"]
    values = line(ws, "Phường Cam Đường")
    assert values[:7] == [1, "Phường Cam Đường", 30, 12, 6, 5, 4]
    assert values[7] == pytest.approx(0.25)
    assert values[8:14] == [10, 4, 2, 2, 0, None]  # nothing a year earlier: no change
    assert values[14:17] == [7, 4, pytest.approx(0.75)]
    assert line(ws, "Xã Bảo Thắng")[7] == pytest.approx(-0.5)
    assert line_cells(ws, "Xã Bảo Thắng")[7].number_format == "0.0%"


def test_total_line(book):
    values = line(book["Tổng hợp"], "TỔNG CỘNG")
    assert values[2:7] == [30, 12, 6, 8, 10]
    assert values[7] == pytest.approx(-0.2)
    assert values[14:16] == [10, 10]
    assert values[16] == 0


def test_summary_prints_like_the_others(book):
    ws = book["Tổng hợp"]
    h = find_cell(ws, "STT").row
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == f"${h}:${h + 4}"
    assert find_cell(ws, "Trần Văn Ký").font.b


def test_chart_sheet_holds_a_bar_chart_of_admissions(book):
    sheet = book["Biểu đồ"]
    assert len(sheet._charts) == 1
    chart = sheet._charts[0]
    assert isinstance(chart, BarChart)
    title = chart.title.tx.rich.p[0].r[0]
    assert title.t == "Kết nạp đảng viên theo địa bàn - Năm 2025"
    assert title.rPr.latin.typeface == "Times New Roman"
    assert [s.tx.v for s in chart.series] == [
        "Kỳ báo cáo (01/01/2025 - 31/12/2025)",
        "Cùng kỳ năm trước (01/01/2024 - 31/12/2024)",
    ]
    first = line_cells(book["Tổng hợp"], "Phường Cam Đường")[0].row
    assert chart.series[0].val.numRef.f == f"'Tổng hợp'!$O${first}:$O${first + 1}"
    assert chart.series[1].val.numRef.f == f"'Tổng hợp'!$P${first}:$P${first + 1}"
    assert chart.series[0].cat.strRef.f == f"'Tổng hợp'!$B${first}:$B${first + 1}"


def test_tidy_data_is_an_excel_table(book):
    ws = book["Dữ liệu"]
    table = ws.tables["SoLieu"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Địa bàn", "Đối tượng", "Chỉ tiêu", "Kỳ", "Giá trị")
    assert [c.name for c in table.tableColumns] == list(rows[0])
    assert table.ref == f"A1:E{len(rows)}"
    assert len(rows) == 1 + 2 * 2 * 5
    admitted = [r for r in rows[1:] if r[2] == "Kết nạp đảng viên" and r[3].startswith("Kỳ báo")]
    assert sum(r[4] for r in admitted) == 10
    assert (
        "Xã Bảo Thắng",
        "Học sinh, sinh viên",
        "Kết nạp đảng viên",
        "Cùng kỳ năm trước (01/01/2024 - 31/12/2024)",
        6,
    ) in rows
    assert ws.freeze_panes == "A2"


def test_year_earlier_keeps_the_day_or_falls_back_from_29_february():
    assert year_earlier(date(2025, 6, 30)) == date(2024, 6, 30)
    assert year_earlier(date(2024, 2, 29)) == date(2023, 2, 28)
