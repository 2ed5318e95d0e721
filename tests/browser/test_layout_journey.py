"""The frame of every page on a laptop and on a phone: a one-line menu that marks one
page, readable inactive items, a favicon, and a candidate list whose first row shows
on the first screen of a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def sized(browser, live_server):
    """A page factory for a given window size."""
    contexts = []

    def make(viewport):
        context = browser.new_context(base_url=live_server, locale="vi-VN", viewport=viewport)
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        return tab

    yield make
    for context in contexts:
        context.close()


def _rgb(css: str) -> tuple[float, ...]:
    parts = [float(p) for p in re.findall(r"[\d.]+", css)]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)


def _luminance(rgb) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    *fg, alpha = _rgb(foreground)
    bg = _rgb(background)[:3]
    shown = [alpha * f + (1 - alpha) * b for f, b in zip(fg, bg, strict=True)]
    light, dark = sorted((_luminance(shown), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_menu_fits_one_line_marks_one_page_and_reads_clearly(sized):
    page = sized(LAPTOP)
    sign_in(page, "admin")
    page.goto("/candidates/alerts")
    links = page.locator(".registry-nav .navbar-nav .nav-link")
    assert links.count() == 9  # with «Đợt báo cáo» and «Việc đang chạy»
    for i in range(links.count()):
        link = links.nth(i)
        box = link.bounding_box()
        lines = link.evaluate(
            "el => { const s = getComputedStyle(el);"
            " const inner = el.getBoundingClientRect().height"
            " - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);"
            " return inner / parseFloat(s.lineHeight); }"
        )
        assert lines < 1.5, f"{link.inner_text()} wraps ({lines:.1f} lines)"
        assert box["x"] + box["width"] <= LAPTOP["width"]
    logout = page.get_by_role("button", name="Đăng xuất")
    box = logout.bounding_box()
    assert box["x"] + box["width"] <= LAPTOP["width"] and box["y"] < 60

    active = page.locator(".registry-nav .nav-link.active")
    expect(active).to_have_count(1)
    expect(active).to_have_text("Cảnh báo hạn")
    expect(active).to_have_attribute("aria-current", "page")

    background = page.locator(".registry-nav").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    inactive = page.locator(".registry-nav .nav-link:not(.active)").first
    color = inactive.evaluate("el => getComputedStyle(el).color")
    assert contrast(color, background) >= 4.5
    who = page.get_by_test_id("who").evaluate("el => getComputedStyle(el).color")
    assert contrast(who, background) >= 4.5


def test_the_favicon_is_served_from_the_application(sized, live_server):
    page = sized(LAPTOP)
    page.goto("/login")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href and href.startswith("/static/")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in response.text()


def test_on_a_phone_the_filters_fold_and_the_first_candidate_shows(sized):
    page = sized(PHONE)
    sign_in(page, "admin")
    page.goto("/candidates/")
    first = page.get_by_test_id("candidate-list").locator("tbody tr").first
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    expect(page.get_by_label("Tìm theo họ tên", exact=False)).to_be_visible()
    expect(page.get_by_label("Giai đoạn", exact=True)).to_be_hidden()

    page.get_by_role("button", name="Bộ lọc khác").click()
    expect(page.get_by_label("Giai đoạn", exact=True)).to_be_visible()
    page.get_by_label("Giai đoạn", exact=True).select_option(label="Đã kết nạp (dự bị)")
    page.get_by_role("button", name="Lọc", exact=True).click()
    expect(page).to_have_url(re.compile(r"stage=admitted"))
    # The folded filters say how many are in use.
    expect(page.get_by_role("button", name=re.compile("^Bộ lọc khác"))).to_contain_text("1")


def test_on_a_laptop_the_filters_stay_open(sized):
    page = sized(LAPTOP)
    sign_in(page, "admin")
    page.goto("/candidates/")
    expect(page.get_by_label("Giai đoạn", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Bộ lọc khác")).to_be_hidden()
