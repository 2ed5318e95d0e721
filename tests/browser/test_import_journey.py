"""An area officer imports a messy list: sees the errors, fixes the file, imports, undoes."""

from __future__ import annotations

import re
import uuid
from datetime import date

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã đơn vị",
          "Ngày vào danh sách nguồn", "Ghi chú"]  # fmt: skip


def write_list(path, rows) -> str:
    """A list as units keep them: a title block above the table, a total row below."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "DS quần chúng"
    ws.append(["UBND PHƯỜNG LÀO CAI"])
    ws.append(["DANH SÁCH QUẦN CHÚNG ƯU TÚ"])
    ws.append([])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    ws.append([None, f"Cộng: {len(rows)} người"])
    book.save(path)
    return str(path)


def people(tag: str, broken: bool) -> list[list[object]]:
    return [
        [1, f"Lò Văn Thử {tag}", date(2006, 4, 2), "Nam", "Giáy", "THPT-LC1", "05/09/2024"],
        [2, f"Vàng Thị Mai {tag}", "31/02/2006" if broken else "28/02/2006", "Nữ", "Mông",
         "THPT-LC1", "05/09/2024"],
        [3, f"Sùng Văn Páo {tag}", date(2005, 12, 1), "Nam", "Mông",
         "THPT-LC2" if broken else "THPT-LC1", "05/09/2024"],
    ]  # fmt: skip


def upload(page, path: str) -> None:
    page.goto("/imports/")
    page.get_by_label(re.compile("^Tệp danh sách")).set_input_files(path)
    page.get_by_role("button", name="Tải lên và xem trước").click()


def test_officer_fixes_and_imports_a_list_then_rolls_it_back(page, tmp_path):
    # Letters only: a search of digits alone looks up a CCCD, not a name.
    tag = "".join(chr(65 + int(c, 16)) for c in uuid.uuid4().hex[:6])
    sign_in(page, "phuong.laocai")
    page.get_by_role("link", name="Nhập từ Excel").click()
    expect(page.get_by_role("heading", name="Nhập danh sách quần chúng từ Excel")).to_be_visible()

    upload(page, write_list(tmp_path / f"ds_{tag}.xlsx", people(tag, broken=True)))
    expect(page.get_by_test_id("error-summary")).to_contain_text("2 dòng có lỗi")
    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text("không có thật")
    expect(errors).to_contain_text("không thuộc phạm vi quản lý của bạn")
    expect(page.get_by_role("button", name="Ghi vào sổ theo dõi")).to_be_disabled()

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải tệp báo lỗi").click()
    download = info.value
    assert download.suggested_filename == f"loi_ds_{tag}.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    ws = openpyxl.load_workbook(saved).active
    assert ws.cell(4, len(HEADER) + 1).value == "Lỗi"
    assert "không có thật" in ws.cell(6, len(HEADER) + 1).value
    assert ws.cell(6, 3).comment is not None

    fixed = write_list(tmp_path / f"ds_{tag}_sua.xlsx", people(tag, broken=False))
    upload(page, fixed)
    counts = page.get_by_test_id("counts")
    expect(counts).to_contain_text("3")
    expect(page.get_by_test_id("sample")).to_contain_text(f"Vàng Thị Mai {tag}")
    page.get_by_role("button", name="Ghi vào sổ theo dõi").click()
    expect(page.get_by_text("Đã nhập 3 dòng: 3 thêm mới")).to_be_visible()
    batch_url = page.url

    page.goto(f"/candidates/?q={tag}")
    for name in ("Lò Văn Thử", "Vàng Thị Mai", "Sùng Văn Páo"):
        expect(page.get_by_role("link", name=f"{name} {tag}")).to_be_visible()

    page.goto(batch_url)
    form = page.get_by_test_id("rollback-form")
    form.get_by_label(re.compile("^Tôi hiểu")).check()
    form.get_by_role("button", name="Hoàn tác lần nhập").click()
    expect(page.get_by_text("Đã hoàn tác: xóa 3 hồ sơ thêm mới")).to_be_visible()
    expect(page.get_by_test_id("batch-status")).to_have_text("Đã hoàn tác")
    page.goto(f"/candidates/?q={tag}")
    expect(page.get_by_test_id("empty")).to_be_visible()
