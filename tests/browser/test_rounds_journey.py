"""Sở Nội vụ opens a reporting round; two wards send their reports; one is returned with
a reason and sent again; both are approved; a cell secretary's event inside the locked
period is refused with the reason; the consolidated workbook adds up the approved
submissions; an admin unlocks."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from registry.domain.workdays import today_vn
from tests.browser.conftest import sign_in, sign_out_and_in

pytestmark = pytest.mark.browser

WARDS = ("UBND phường Lào Cai", "UBND phường Cam Đường")
TOTAL = "Tổng cộng (các báo cáo đã duyệt)"


def row_of(page, organisation: str):
    return page.get_by_test_id("statuses").get_by_role("row").filter(has_text=organisation)


def open_the_round(page, year: int) -> str:
    sign_in(page, "sonoivu")
    page.get_by_role("link", name=re.compile("^Đợt báo cáo")).click()
    page.get_by_role("link", name="Mở đợt báo cáo").click()
    page.get_by_label("Kỳ báo cáo").select_option("quarter")
    page.get_by_label("Năm (năm học: năm bắt đầu)").fill(str(year))
    page.get_by_label("Quý", exact=True).select_option(label="Quý IV")
    page.get_by_label("Phát triển đảng viên trong học sinh, sinh viên").check()
    for ward in WARDS:
        page.get_by_label(ward, exact=True).check()
    page.get_by_label("Hạn nộp").fill(f"15/01/{year + 1}")
    page.get_by_role("button", name="Mở đợt báo cáo").click()
    expect(page.get_by_text(f"Đã mở đợt báo cáo kỳ Quý IV năm {year}")).to_be_visible()
    return page.url


def send_as(page, username: str, round_url: str, comment: str) -> None:
    sign_out_and_in(page, username)
    # The to-do is on the home page, and counted in the menu.
    expect(page.get_by_test_id("rounds-to-do")).to_be_visible()
    expect(page.get_by_test_id("nav-count")).to_have_text("1")
    page.goto(round_url)
    page.get_by_label("Ý kiến kèm theo (nếu có)").fill(comment)
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.get_by_text("Đã nộp báo cáo của đợt này")).to_be_visible()
    expect(page.get_by_test_id("nav-count")).to_have_count(0)


def sent_totals(sheet) -> dict[str, tuple]:
    rows = {}
    for row in sheet.iter_rows(min_row=7, values_only=True):
        if row[1]:
            rows[row[1]] = row
    return rows


def test_a_round_from_opening_to_consolidation_and_unlock(page):
    year = today_vn().year - 1
    round_url = open_the_round(page, year)
    send_as(page, "phuong.laocai", round_url, "Số liệu đã rà soát.")
    send_as(page, "phuong.camduong", round_url, "")

    sign_out_and_in(page, "sonoivu")
    page.goto(round_url)
    returned = row_of(page, WARDS[1])
    returned.get_by_label(f"Lý do trả lại báo cáo của {WARDS[1]}").fill("Thiếu số liệu THPT.")
    returned.get_by_role("button", name="Trả lại").click()
    expect(page.get_by_text(f"Đã trả lại báo cáo của {WARDS[1]}.")).to_be_visible()

    sign_out_and_in(page, "phuong.camduong")
    page.goto(round_url)
    expect(page.get_by_text("Bị trả lại: Thiếu số liệu THPT.")).to_be_visible()
    page.get_by_label("Ý kiến kèm theo (nếu có)").fill("Đã bổ sung.")
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.get_by_text("Đã nộp báo cáo của đợt này")).to_be_visible()

    sign_out_and_in(page, "sonoivu")
    page.goto(round_url)
    for ward in WARDS:
        page.get_by_role("button", name=f"Duyệt báo cáo của {ward}").click()
        expect(page.get_by_text(f"Đã duyệt báo cáo của {ward}")).to_be_visible()
    expect(page.get_by_test_id("round-state")).to_have_text("Đã duyệt đủ")
    history = page.get_by_test_id(re.compile("^history-")).filter(has_text=WARDS[1])
    expect(history).to_contain_text("Lý do: Thiếu số liệu THPT.")

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải bảng tổng hợp").click()
    book = load_workbook(BytesIO(Path(info.value.path()).read_bytes()))
    sheet = book["Học sinh, sinh viên"]
    rows = sent_totals(sheet)
    total = rows[TOTAL]
    for col in range(2, sheet.max_column, 2):  # the "Đã nộp" columns
        assert total[col] == sum(rows[ward][col] for ward in WARDS), sheet.cell(5, col + 1).value
    assert sum(total[2::2]) > 0

    # The cell secretary of a school in phường Lào Cai: an event dated in the quarter.
    sign_out_and_in(page, "chibo.thpt1")
    page.goto("/candidates/")
    early = re.compile("Quần chúng ưu tú \\(nguồn\\)|Đã học lớp nhận thức|Đã hoàn thiện hồ sơ")
    rows = page.get_by_test_id("candidate-list").locator("tbody tr").filter(has_text=early)
    rows.first.get_by_role("link").click()
    form = page.get_by_test_id("stage-form")
    form.get_by_label("Ngày", exact=True).fill(f"15/11/{year}")
    form.get_by_role("button", name="Ghi nhận").click()
    expect(
        page.get_by_text(re.compile("đã được chốt: báo cáo của UBND phường Lào Cai"))
    ).to_be_visible()

    # The admin unlocks both wards (the first with the journey's reason).
    sign_out_and_in(page, "admin")
    page.goto(round_url)
    for ward in WARDS:
        row = row_of(page, ward)
        row.get_by_label(f"Lý do mở khóa số liệu của {ward}").fill("Bổ sung sự kiện bị sót.")
        row.get_by_role("button", name="Mở khóa số liệu").click()
        expect(page.get_by_text(f"Đã mở khóa số liệu của {ward}")).to_be_visible()
    expect(row_of(page, WARDS[0])).to_contain_text("Đã mở khóa")
