"""`ct33`: Chỉ thị 33 figures per area and enterprise kind."""

from __future__ import annotations

import pytest

from exports import AreaGroup, Ct33Row, GroupedReport, build
from tests.unit.test_exports_support import (
    find_cell,
    line,
    line_cells,
    make_meta,
    merged,
    open_book,
)

TNHH = Ct33Row(
    "Công ty TNHH",
    operating=40,
    with_chi_bo_co_so=3,
    with_dang_bo_co_so=1,
    with_chi_bo_truc_thuoc=4,
    members=60,
    members_held_here=45,
    owner_members=5,
    admitted=6,
    with_trade_union=20,
    trade_union_members=900,
    with_youth_union=10,
    youth_union_members=300,
    members_without_org=12,
)
HTX = Ct33Row("Hợp tác xã", operating=10, with_chi_bo_co_so=2, members=8, members_without_org=3)
FDI = Ct33Row("Doanh nghiệp có vốn đầu tư nước ngoài", operating=0)


@pytest.fixture(scope="module")
def sheet():
    report = GroupedReport(
        make_meta(title="Báo cáo thực hiện Chỉ thị 33-CT/TW"),
        [AreaGroup("Phường Cam Đường", [TNHH, HTX]), AreaGroup("Xã Bảo Thắng", [FDI])],
    )
    return open_book(build("ct33", report)).active


def test_kind_lines_total_the_party_organisations(sheet):
    assert line(sheet, "Công ty TNHH")[:17] == [
        1, "Công ty TNHH", 40, 8, 3, 1, 4, 0.2, 60, 45, 5, 6, 12, 20, 900, 10, 300,
    ]  # fmt: skip
    assert line_cells(sheet, "Công ty TNHH")[7].number_format == "0.0%"


def test_no_enterprise_leaves_the_percent_blank(sheet):
    assert line(sheet, FDI.name)[7] is None


def test_subtotals_and_grand_total(sheet):
    assert line(sheet, "Phường Cam Đường")[:9] == [
        "I",
        "Phường Cam Đường",
        50,
        10,
        5,
        1,
        4,
        0.2,
        68,
    ]
    total = line(sheet, "TỔNG CỘNG")
    assert total[2:7] == [50, 10, 5, 1, 4]
    assert total[12] == 15
    assert total[7] == pytest.approx(0.2)


def test_three_header_rows(sheet):
    h = find_cell(sheet, "STT").row
    assert sheet[f"D{h}"].value == "Doanh nghiệp có tổ chức đảng"
    assert sheet[f"E{h + 1}"].value == "Chia ra"
    assert [sheet.cell(h + 2, c).value for c in (5, 6, 7)] == [
        "Chi bộ cơ sở",
        "Đảng bộ cơ sở",
        "Chi bộ trực thuộc",
    ]
    spans = {f"A{h}:A{h + 2}", f"C{h}:C{h + 2}", f"D{h}:G{h}", f"D{h + 1}:D{h + 2}"}
    assert spans | {f"E{h + 1}:G{h + 1}", f"I{h}:M{h}", f"N{h}:O{h}", f"P{h}:Q{h}"} <= merged(sheet)
    assert sheet.cell(h + 3, 1).value == "Đơn vị tính"
    assert sheet.cell(h + 4, 4).value == "(4)=(5)+(6)+(7)"
    assert sheet.print_title_rows == f"${h}:${h + 4}"
    assert sheet.freeze_panes == f"C{h + 5}"
