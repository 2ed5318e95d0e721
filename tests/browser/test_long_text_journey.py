"""Text longer than a column is refused with a message; long unbroken text keeps the
page within the screen."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)  # a phone, a common office screen


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_long_text_is_refused_with_a_message_then_wraps_on_the_page(page):
    tag = "T" + uuid.uuid4().hex[:5].upper()  # never all digits (a number searches CCCDs)
    sign_in(page, "chibo.thpt1")
    page.goto("/candidates/new")
    too_long = "Nguyễn" + "X" * 130
    page.get_by_label("Họ và tên").fill(too_long)
    page.get_by_label("Nữ").check()
    page.get_by_label("Ngày sinh").fill("14/02/2004")
    page.get_by_label("Quê quán").fill("Q" * 250)
    page.get_by_label("Ghi chú").fill("G" * 1900)
    page.get_by_role("button", name="Lưu").click()
    # Nothing was cut on the way: the whole name comes back with the reason.
    expect(page.get_by_text(re.compile(r"Dài quá 120 ký tự \(đang có 136 ký tự\)"))).to_be_visible()
    expect(page.get_by_label("Họ và tên")).to_have_value(too_long)
    name = f"{tag}{'Y' * 110}"  # within the limit, without a single space
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("candidate-name")).to_have_text(name)
    candidate_url = page.url
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for url in (candidate_url, f"/candidates/?q={tag}"):
            page.goto(url)
            expect(page.get_by_text(name).first).to_be_visible()
            assert fits(page), (width, url)
