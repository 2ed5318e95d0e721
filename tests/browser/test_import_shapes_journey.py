"""An area officer imports two lists as units really keep them: one grouped under section
rows with merged cells and a birth date in three columns, one with long headers whose
uncertain column she confirms; then she finds the people in the list."""

from __future__ import annotations

import re
import uuid

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

SCHOOL = "Trường THPT số 1 thành phố Lào Cai"


def sectioned_list(path, tag: str) -> str:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Danh sách"
    for row in [
        ["ĐẢNG ỦY PHƯỜNG LÀO CAI"],
        ["DANH SÁCH QUẦN CHÚNG ƯU TÚ"],
        [],
        ["STT", "Họ và tên", "Ngày, tháng, năm sinh", None, None, "Giới tính", "Dân tộc",
         "Lớp", "Ngày vào danh sách nguồn"],
        [None, None, "Ngày", "Tháng", "Năm"],
        ["A.", "KHỐI TRƯỜNG HỌC"],
        ["I", SCHOOL],
        [1, f"Lò Văn Khu {tag}", 2, 4, 2007, "Nam", "Giáy", "12A1", "05/09/2024"],
        [2, f"Vàng Thị Dợ {tag}", 28, 2, 2007, "Nữ", "Mông", None, "05/09/2024"],
        [3, f"Sùng Văn Chư {tag}", 1, 12, 2007, "Nam", "Mông", "12A2", "ngày 05 tháng 9 năm 2024"],
        ["Cộng", None, 3, None, None, 2],
    ]:  # fmt: skip
        ws.append(row)
    for area in ("A4:A5", "B4:B5", "C4:E4", "F4:F5", "G4:G5", "H4:H5", "I4:I5", "H8:H9"):
        ws.merge_cells(area)
    book.save(path)
    return str(path)


def long_header_list(path, tag: str) -> str:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Số TT", "Họ và tên\nquần chúng", "Sinh ngày", "Giới tính (Nam/Nữ)",
               "Nơi công tác", "Ngày cấp giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng",
               "Họ tên người giới thiệu"])  # fmt: skip
    ws.append([1, f"Giàng Seo Pủa {tag}", "12/05/2006", "Nam", SCHOOL, "15/01/2025",
               "Nguyễn Văn Hùng"])  # fmt: skip
    book.save(path)
    return str(path)


def upload(page, path: str) -> None:
    page.goto("/imports/")
    page.get_by_label(re.compile("^Tệp danh sách")).set_input_files(path)
    page.get_by_role("button", name="Tải lên và xem trước").click()


def test_officer_imports_a_sectioned_list_and_confirms_a_long_header(page, tmp_path):
    tag = "".join(chr(65 + int(c, 16)) for c in uuid.uuid4().hex[:6])
    sign_in(page, "phuong.laocai")

    upload(page, sectioned_list(tmp_path / f"khoi_{tag}.xlsx", tag))
    understood = page.get_by_test_id("understood")
    expect(understood).to_contain_text("2 dòng tiêu đề mục")
    expect(understood).to_contain_text(f"«{SCHOOL}» (đơn vị)")
    expect(understood).to_contain_text("cột H dòng 8–9 «12A1»")
    expect(understood).to_contain_text("Ngày, tháng, năm sinh / Năm")
    sample = page.get_by_test_id("sample")
    expect(sample).to_contain_text("28/02/2007")
    expect(sample).to_contain_text(SCHOOL)
    page.get_by_role("button", name="Ghi vào sổ theo dõi").click()
    expect(page.get_by_text("Đã nhập 3 dòng: 3 thêm mới")).to_be_visible()

    upload(page, long_header_list(tmp_path / f"dai_{tag}.xlsx", tag))
    expect(page.get_by_test_id("uncertain-columns")).to_contain_text("G «Họ tên người giới thiệu»")
    expect(page.get_by_role("button", name="Ghi vào sổ theo dõi")).to_be_disabled()
    row = page.get_by_test_id("mapping-row-G")
    expect(row).to_contain_text("cần xác nhận")
    page.get_by_label("Trường cho cột G").select_option(label="Người giới thiệu")
    page.get_by_role("button", name="Áp dụng cách gán cột").click()
    expect(page.get_by_test_id("uncertain-columns")).to_have_count(0)
    page.get_by_role("button", name="Ghi vào sổ theo dõi").click()
    expect(page.get_by_text("Đã nhập 1 dòng: 1 thêm mới")).to_be_visible()

    page.goto(f"/candidates/?q={tag}")
    for name in ("Lò Văn Khu", "Vàng Thị Dợ", "Sùng Văn Chư", "Giàng Seo Pủa"):
        expect(page.get_by_role("link", name=f"{name} {tag}")).to_be_visible()
    page.get_by_role("link", name=f"Vàng Thị Dợ {tag}").click()
    expect(page.get_by_text("28/02/2007")).to_be_visible()
    expect(page.get_by_text("12A1")).to_be_visible()
