"""What surrounds the figures: header and signatures from settings, merged headers, printing,
the summary chart, and the detail list (full CCCD, formula-like text, re-import)."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl.chart import BarChart

from registry.domain.periods import custom, whole_year
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.services.imports import candidate_import as importer
from registry.services.reports.headings import ReportSettings, save_settings
from tests.integration.reports_world import build_world, person, workbook_of
from tests.unit.test_exports_support import all_texts, find_cell, line, merged


@pytest.fixture
def world(ctx):
    return build_world()


def test_default_header_names_the_province_and_the_department(world):
    ws = workbook_of(world["users"]["province"], "students", world["areas"]["province"])[0].active
    assert ws["A1"].value == "UBND TỈNH THỬ NGHIỆM"
    assert ws["A2"].value == "SỞ NỘI VỤ" and ws["A2"].font.b
    texts = all_texts(ws)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    today = today_vn()
    assert any(t.startswith(f"Thử Nghiệm, ngày {today.day:02d}") for t in texts)
    assert "Năm 2025 (từ ngày 01/01/2025 đến ngày 31/12/2025)" in texts
    assert "Địa bàn: Tỉnh Thử Nghiệm" in texts


def test_header_and_signatures_come_from_the_settings(world):
    save_settings(
        db.session,
        world["users"]["admin"],
        world["orgs"]["snv"],
        ReportSettings(
            issuing_body=["UBND TỈNH THỬ", "SỞ NỘI VỤ TỈNH THỬ"],
            place="Cam Đường",
            signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
            signer_name="Trần Văn Ký",
            preparer_name="Nguyễn Thị Lập",
            form_code="Biểu số 01/PTĐV",
        ),
    )
    db.session.commit()
    ws = workbook_of(world["users"]["province"], "workers", world["areas"]["province"])[0].active
    texts = all_texts(ws)
    assert texts[0] == "Biểu số 01/PTĐV"
    assert "UBND TỈNH THỬ" in texts and "SỞ NỘI VỤ TỈNH THỬ" in texts
    assert any(t.startswith("Cam Đường, ngày") for t in texts)
    for text in ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Ký", "Người lập biểu", "Nguyễn Thị Lập"):
        assert text in texts
    assert find_cell(ws, "Trần Văn Ký").font.b
    assert find_cell(ws, "Trần Văn Ký").row > find_cell(ws, "TỔNG CỘNG").row


def test_an_area_officer_prints_their_own_header_in_the_party_style(world):
    officer, north = world["users"]["north"], world["areas"]["north"]
    save_settings(
        db.session,
        officer,
        world["orgs"]["north"],
        ReportSettings(issuing_body=["ĐẢNG ỦY PHƯỜNG BẮC"], place="Bắc", style="party"),
    )
    db.session.commit()
    texts = all_texts(workbook_of(officer, "students", north)[0].active)
    assert "ĐẢNG ỦY PHƯỜNG BẮC" in texts and "ĐẢNG CỘNG SẢN VIỆT NAM" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in texts
    # The province's report keeps the province's default header.
    province_texts = all_texts(
        workbook_of(world["users"]["province"], "students", world["areas"]["province"])[0].active
    )
    assert "ĐẢNG ỦY PHƯỜNG BẮC" not in province_texts


def test_column_headers_are_merged_and_printing_is_a4_landscape(world):
    ws = workbook_of(world["users"]["province"], "students", world["areas"]["province"])[0].active
    stt = find_cell(ws, "STT")
    h = stt.row
    ranges = merged(ws)
    assert f"A{h}:A{h + 1}" in ranges  # STT spans the two header rows
    results = find_cell(ws, "Kết quả trong kỳ")
    assert f"{results.coordinate}:I{h}" in ranges  # over the three result columns
    title = find_cell(ws, "BÁO CÁO KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN TRONG HỌC SINH, SINH VIÊN")
    assert f"A{title.row}:P{title.row}" in ranges
    assert line(ws, "(1)", label_col=1)[:3] == ["(1)", "(2)", "(3)"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${h}:${h + 3}"  # headers, units, column numbers
    assert ws.freeze_panes == f"C{h + 4}"
    assert ws["A1"].font.name == "Times New Roman"


def test_names_that_look_like_formulas_stay_text_in_the_grouped_reports(world):
    world["units"]["school"].name = "=1+1 Trường"
    world["areas"]["north"].name = "-Phường Bắc"
    db.session.commit()
    ws = workbook_of(world["users"]["province"], "students", world["areas"]["province"])[0].active
    for text in ("=1+1 Trường", "-Phường Bắc"):
        cell = find_cell(ws, text)
        assert cell.data_type == "s" and cell.value == text


def test_summary_has_a_chart_of_this_period_and_the_year_before(world):
    book = workbook_of(world["users"]["province"], "summary", world["areas"]["province"])[0]
    assert book.sheetnames == ["Tổng hợp", "Biểu đồ", "Dữ liệu"]
    chart = book["Biểu đồ"]._charts[0]
    assert isinstance(chart, BarChart)
    assert [s.tx.v for s in chart.series] == [
        "Kỳ báo cáo (01/01/2025 - 31/12/2025)",
        "Cùng kỳ năm trước (01/01/2024 - 31/12/2024)",
    ]
    first = find_cell(book["Tổng hợp"], "Phường Bắc").row
    last = find_cell(book["Tổng hợp"], "Xã Nam").row
    assert chart.series[0].val.numRef.f == f"'Tổng hợp'!$O${first}:$O${last}"
    tidy = list(book["Dữ liệu"].iter_rows(values_only=True))
    assert ("Phường Bắc", "Học sinh, sinh viên", "Kết nạp đảng viên") in {r[:3] for r in tidy}


def test_detail_list_has_every_column_full_cccd_and_reads_back_on_import(world):
    person(
        '=HYPERLINK("http://x","bấm")',
        world["units"]["school"],
        date(2024, 9, 5),
        ("trained", date(2025, 3, 3)),
        id_number="001306012345",
        note="+84 912 345 678",
        hometown="@Lào Cai",
        gender="F",
        ethnicity="08",
        religion="01",
        birth_date=date(2006, 5, 1),
    )
    db.session.commit()
    user = world["users"]["province"]
    # A period holding every candidate of the world (the detail list of a period holds
    # those on the list at some time in it).
    everyone = custom(date(2019, 1, 1), date(2026, 12, 31))
    book, export = workbook_of(user, "candidates", world["areas"]["province"], everyone)
    ws = book.active
    name = find_cell(ws, '=HYPERLINK("http://x","bấm")')
    assert name.data_type == "s"
    row = [c.value for c in ws[name.row]]
    header = [c.value for c in ws[find_cell(ws, "STT").row]]
    values = dict(zip(header, row, strict=True))
    assert values["Số CCCD"] == "001306012345"
    assert values["Ghi chú"] == "+84 912 345 678" and values["Quê quán"] == "@Lào Cai"
    assert (values["Giới tính"], values["Dân tộc"], values["Tôn giáo"]) == (
        "Nữ",
        "Mông",
        "Phật giáo",
    )
    assert values["Đối tượng"] == "Học sinh THPT" and values["Mã đơn vị"] == "THPT-B"
    assert export.rows == 17  # every candidate of the province

    parsed = importer.parse(db.session, user, export.data(), "danh-sach.xlsx")
    assert parsed.counts["errors"] == 0, [i.as_dict() for i in parsed.errors][:3]
    assert parsed.counts["rows"] == 17
    back = next(r.values for r in parsed.rows if r.values["full_name"].startswith("=HYPERLINK"))
    assert back["full_name"] == '=HYPERLINK("http://x","bấm")'
    assert back["id_number"] == "001306012345"
    assert (back["gender"], back["ethnicity"], back["religion"]) == ("F", "08", "01")
    assert back["trained_date"] == date(2025, 3, 3) and back["source_date"] == date(2024, 9, 5)
    assert back["birth_date"] == date(2006, 5, 1)


def test_detail_list_can_keep_only_those_who_reached_a_stage_in_the_period(world):
    user, province = world["users"]["province"], world["areas"]["province"]
    book, export = workbook_of(
        user, "candidates", province, period=whole_year(2025), reached="admitted"
    )
    names = {r[1] for r in book.active.iter_rows(values_only=True) if isinstance(r[0], int)}
    assert names == {"Giàng Thị Cường", "Hoàng Thị Nga", "Đỗ Văn Oanh", "Ngô Văn Phúc"}
    assert export.rows == 4
    assert "Đã kết nạp (dự bị) trong kỳ" in all_texts(book.active)


def test_the_number_line_carries_each_issuers_abbreviation(world):
    province = all_texts(
        workbook_of(world["users"]["province"], "students", world["areas"]["province"])[0].active
    )
    assert "Số:        /BC-SNV" in province
    officer, north = world["users"]["north"], world["areas"]["north"]
    assert "Số:        /BC-UBND" in all_texts(workbook_of(officer, "students", north)[0].active)
    save_settings(
        db.session,
        officer,
        world["orgs"]["north"],
        ReportSettings(
            issuing_body=["ĐẢNG ỦY PHƯỜNG BẮC"], place="Bắc", style="party", issuer_code="ĐU"
        ),
    )
    db.session.commit()
    texts = all_texts(workbook_of(officer, "ct33", north)[0].active)
    assert "Số        -BC/ĐU" in texts and not any(t.startswith("Số:") for t in texts)
