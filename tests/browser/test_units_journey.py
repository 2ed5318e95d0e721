"""An admin creates an area officer, who adds an enterprise and its survey and sees the
dashboard's enterprise counts change."""

import random
import uuid

import pytest
from playwright.sync_api import expect

from registry.domain.taxcode import check_digit
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

FIRST_PASSWORD = "TamThoi2026xyz"
OWN_PASSWORD = "CuaToi2026abc"


def valid_tax_code() -> str:
    while True:
        nine = f"53{random.randint(0, 9_999_999):07d}"
        if check_digit(nine) is not None:
            return nine + check_digit(nine)


def count(page, test_id: str) -> int:
    return int(page.get_by_test_id(test_id).inner_text().replace(".", ""))


def option_value(page, select_id: str, text: str) -> str:
    return page.locator(f"#{select_id} option", has_text=text).first.get_attribute("value")


def admin_creates_area_officer(page, username: str) -> None:
    sign_in(page, "admin")
    page.get_by_role("link", name="Quản trị").click()
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Họ tên, chức vụ").fill("Cán bộ phường Lào Cai (mới)")
    page.get_by_label("Vai trò").select_option(label="Cán bộ địa bàn (huyện, xã, phường)")
    page.get_by_label("Địa bàn (cán bộ địa bàn)").select_option(
        option_value(page, "area_id", "Phường Lào Cai")
    )
    page.get_by_label("Mật khẩu ban đầu").fill(FIRST_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_text(f"Đã tạo tài khoản {username}.")).to_be_visible()
    expect(page.get_by_test_id("users-table")).to_contain_text("Chờ đổi mật khẩu")
    page.get_by_role("button", name="Đăng xuất").click()


def first_sign_in(page, username: str) -> None:
    """The password the admin set must be changed before anything else."""
    sign_in(page, username, FIRST_PASSWORD)
    expect(page.get_by_text("Bạn cần đổi mật khẩu trước khi tiếp tục.")).to_be_visible()
    page.get_by_label("Mật khẩu hiện tại").fill(FIRST_PASSWORD)
    page.get_by_label("Mật khẩu mới", exact=True).fill(OWN_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_text("Đã đổi mật khẩu.")).to_be_visible()
    expect(page.get_by_test_id("scope")).to_have_text("Phường Lào Cai")


def add_enterprise(page, code: str, firm: str) -> None:
    page.get_by_role("link", name="Đơn vị, chi bộ").click()
    page.get_by_role("link", name="Thêm đơn vị").click()
    page.get_by_label("Tên đơn vị").fill(firm)
    page.get_by_label("Mã đơn vị").fill(code)
    page.get_by_label("Loại đơn vị").select_option(label="Công ty TNHH")
    page.get_by_label("Mã số thuế").fill(valid_tax_code())
    page.get_by_label("Địa bàn", exact=True).select_option(
        option_value(page, "area_id", "Phường Lào Cai")
    )
    page.get_by_label("Chi bộ phụ trách").select_option(
        option_value(page, "cell_id", "Chi bộ doanh nghiệp ngoài khu vực nhà nước Phường Lào Cai")
    )
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("unit-name")).to_have_text(firm)
    expect(page.get_by_test_id("survey-history")).to_contain_text("Chưa có phiếu khảo sát")


def add_survey(page, code: str, firm: str) -> None:
    page.get_by_role("link", name="Đơn vị, chi bộ").click()
    page.get_by_label("Tìm theo tên, mã, mã số thuế").fill(code)
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("link", name=firm).click()
    page.get_by_role("link", name="Thêm phiếu khảo sát").click()
    page.get_by_label("Số lao động").fill("85")
    page.get_by_label("Tổ chức đảng", exact=True).select_option(label="Chi bộ cơ sở")
    page.get_by_label("Số đảng viên đang làm việc").fill("5")
    page.get_by_label("Trong đó sinh hoạt tại tổ chức đảng của doanh nghiệp").fill("3")
    page.get_by_label("Có tổ chức công đoàn").check()
    page.get_by_label("Số đoàn viên công đoàn").fill("60")
    page.get_by_role("button", name="Lưu phiếu khảo sát").click()
    expect(page.get_by_text("Đã lưu phiếu khảo sát.")).to_be_visible()
    expect(page.get_by_test_id("survey-history")).to_contain_text("Chi bộ cơ sở")


def test_new_area_officer_adds_an_enterprise_and_its_survey(page):
    suffix = uuid.uuid4().hex[:6]
    username = f"canbo.{suffix}"
    code = f"DN-{suffix}"
    firm = f"Công ty TNHH Sông Hồng {suffix.upper()}"

    admin_creates_area_officer(page, username)
    first_sign_in(page, username)
    with_party = count(page, "enterprises-with-party")
    not_surveyed = count(page, "enterprises-not-surveyed")

    add_enterprise(page, code, firm)
    page.get_by_role("link", name="Trang chủ").click()
    expect(page.get_by_test_id("enterprises-not-surveyed")).to_have_text(str(not_surveyed + 1))

    add_survey(page, code, firm)
    page.get_by_role("link", name="Trang chủ").click()
    expect(page.get_by_test_id("enterprises-with-party")).to_have_text(str(with_party + 1))
    expect(page.get_by_test_id("enterprises-not-surveyed")).to_have_text(str(not_surveyed))
    expect(page.get_by_test_id("chart-enterprises").locator("svg")).to_be_visible()
