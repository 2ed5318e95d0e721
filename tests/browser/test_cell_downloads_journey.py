"""A cell secretary downloads their cell's register from the reports page, then the
candidate list as they have filtered it."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def workbook(download):
    # The downloaded file has no extension, which openpyxl wants when given a path.
    return load_workbook(BytesIO(Path(download.path()).read_bytes()))


def test_secretary_downloads_the_register_and_the_filtered_list(page):
    sign_in(page, "chibo.thpt1")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    expect(page.get_by_role("heading", name="Sổ theo dõi quần chúng ưu tú")).to_be_visible()
    # Only their own cell to choose, and no other report.
    cells = page.get_by_label("Chi bộ", exact=True).locator("option")
    expect(cells).to_have_count(1)
    expect(page.get_by_role("button", name="Tải báo cáo")).to_have_count(0)
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải sổ theo dõi").click()
    book = workbook(info.value)
    assert info.value.suggested_filename.startswith("Sổ theo dõi quần chúng ưu tú")
    assert len(book.worksheets) == 1
    texts = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert "SỔ THEO DÕI QUẦN CHÚNG ƯU TÚ" in texts and "ĐẢNG CỘNG SẢN VIỆT NAM" in texts

    page.get_by_role("link", name="Quần chúng ưu tú", exact=True).first.click()
    page.get_by_label("Giới tính", exact=True).select_option(label="Nữ")
    page.get_by_role("button", name="Lọc").click()
    total = page.get_by_test_id("total")
    expect(total).to_contain_text("Tìm thấy")
    shown = int(re.search(r"Tìm thấy ([\d.]+)", total.inner_text()).group(1).replace(".", ""))
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải danh sách Excel").click()
    ws = workbook(info.value).active
    header = next(r for r in ws.iter_rows() if r[0].value == "STT")[0].row
    rows = [r for r in ws.iter_rows(min_row=header + 1, values_only=True) if r[1]]
    assert len(rows) == shown > 0
    assert {r[3] for r in rows} == {"Nữ"}  # Giới tính
