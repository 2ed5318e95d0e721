"""A cell secretary signs in, sees the home page of their cell, and signs out."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_cell_secretary_signs_in_and_out(page):
    sign_in(page, "chibo.thpt1")
    expect(page.get_by_test_id("scope")).to_have_text("Chi bộ THPT số 1 thành phố Lào Cai")
    expect(page.get_by_test_id("stage-counts")).to_contain_text("Đã kết nạp (dự bị)")
    assert int(page.get_by_test_id("total").inner_text().replace(".", "")) > 0
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_wrong_password_keeps_the_user_name(page):
    sign_in(page, "chibo.thpt1", "sai-mat-khau")
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("chibo.thpt1")
