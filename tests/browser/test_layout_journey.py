"""The frame of every page on a laptop and on a phone: a one-line menu that marks one
page, readable inactive items, a favicon, a candidate list whose first row shows on the
first screen of a phone, and the newest pages (reporting rounds, background jobs, API
tokens, report templates, the working calendar, the dossier) fitting both screens."""

from __future__ import annotations

import re
import unicodedata

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


# What a user notices on a page that does not fit: the page itself scrolls sideways (a
# wide table must scroll inside its .table-responsive box instead), a heading or a
# button cut off at the edge, a word broken letter by letter in a squeezed table column, a
# label running out of its button, text not in NFC.
FIT = r"""() => {
  const width = window.innerWidth;
  const shown = el =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const scroller = el => el.closest(".table-responsive");
  const past = el => {
    const r = el.getBoundingClientRect();
    return r.left < -1 || r.right > width + 1;
  };
  const pen = document.createElement("canvas").getContext("2d");
  const label = el => (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
  return {
    page: document.scrollingElement.scrollWidth - width,
    wide: [...document.querySelectorAll("body *")]
      .filter(el => shown(el) && !scroller(el) && past(el)).slice(-3)
      .map(el => `${el.tagName.toLowerCase()}.${el.className} «${label(el).slice(0, 40)}»`),
    tables: [...document.querySelectorAll("main table")]
      .filter(t => shown(t) && !scroller(t) && t.getBoundingClientRect().right > width + 1)
      .map(t => t.dataset.testid || t.className),
    cut: [...document.querySelectorAll("main .btn, main h1")]
      .filter(el => shown(el) && !scroller(el) && past(el)).map(label),
    spilling: [...document.querySelectorAll(".btn")]
      .filter(el => shown(el) && el.scrollWidth > el.clientWidth + 1).map(label),
    broken: [...document.querySelectorAll("main td, main th")].filter(shown).flatMap(cell => {
      const style = getComputedStyle(cell);
      const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      const room = cell.clientWidth - padding;
      const words = [];
      const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      while (walk.nextNode()) {
        const font = getComputedStyle(walk.currentNode.parentElement);
        pen.font = `${font.fontWeight} ${font.fontSize} ${font.fontFamily}`;
        words.push(...walk.currentNode.textContent.split(/\s+/)
          .filter(w => w.length <= 20 && pen.measureText(w).width > room + 1));
      }
      return words;
    }),
    nfc: document.title + "\n" + document.body.innerText,
  };
}"""


def assert_fits(page, where: str, primary=None) -> None:
    """At the window's current size, the page reads without scrolling sideways."""
    size = page.viewport_size
    where = f"{where} at {size['width']}×{size['height']}"
    fit = page.evaluate(FIT)
    assert fit["page"] <= 0, (
        f"{where}: the page scrolls sideways by {fit['page']} px: {fit['wide']}"
    )
    assert not fit["tables"], f"{where}: tables wider than the screen: {fit['tables']}"
    assert not fit["cut"], f"{where}: cut off at the edge: {fit['cut']}"
    assert not fit["broken"], f"{where}: words broken inside table cells: {fit['broken'][:5]}"
    assert not fit["spilling"], f"{where}: text runs out of its button: {fit['spilling']}"
    assert fit["nfc"] == unicodedata.normalize("NFC", fit["nfc"]), f"{where}: text not in NFC"
    expect(page.locator("main h1")).to_be_visible()
    if primary is not None:
        expect(primary).to_be_visible()
        box = primary.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= size["width"], where


def check_both_sizes(page, path: str, primary=None) -> None:
    page.set_viewport_size(PHONE)
    page.goto(path)
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        assert_fits(page, path, primary(page) if primary else None)
        expect(page.locator("main h1")).to_be_in_viewport()


@pytest.fixture(scope="module")
def newest_pages(live_app):
    """What the demo lacks for these pages: a round of Sở Nội vụ asking two departments
    (one has sent its report), a job still waiting, and a candidate with a dossier."""
    from sqlalchemy import func, select

    from registry.domain.periods import quarter
    from registry.domain.workdays import today_vn
    from registry.extensions import db
    from registry.models import Candidate, DossierItem, Job, Organisation, User
    from registry.services.rounds import review, rounds

    with live_app.app_context():
        session = db.session
        users = {u.username: u for u in session.scalars(select(User))}
        orgs = {o.code: o for o in session.scalars(select(Organisation))}
        year = today_vn().year - 2  # the rounds journey uses last year's fourth quarter
        period = quarter(year, 3)
        round_ = rounds.open_round(
            session,
            users["sonoivu"],
            period,
            ["students", "workers"],
            [orgs["SGDDT"].id, orgs["STC"].id],
            period.end,
        )
        review.submit(session, users["sogddt"], round_, "Số liệu các trường THPT đã rà soát.")
        job = Job(
            kind="import_commit",
            user_id=users["admin"].id,
            title="danh_sach_quan_chung_uu_tu_toan_tinh_hoc_ky_I.xlsx",
        )
        session.add(job)
        cell = users["chibo.thpt1"].cell_id
        candidate = session.scalars(
            select(Candidate.id)
            .join(DossierItem, DossierItem.candidate_id == Candidate.id)
            .where(Candidate.cell_id == cell)
            .group_by(Candidate.id)
            .order_by(func.count().desc(), Candidate.id)
            .limit(1)
        ).one()
        session.commit()
        return {
            "round": f"/rounds/{round_.id}",
            "job": f"/jobs/{job.id}",
            "templates": f"/reports/templates?org={orgs['SNV'].id}",
            "candidate": f"/candidates/{candidate}",
        }


def named(role: str, name):
    return lambda page: page.get_by_role(role, name=name).first


def test_the_newest_pages_fit_a_phone_and_a_laptop(sized, newest_pages):
    page = sized(PHONE)
    sign_in(page, "sonoivu")
    check_both_sizes(page, "/rounds/", named("link", "Mở đợt báo cáo"))
    check_both_sizes(page, "/rounds/new", named("button", "Mở đợt báo cáo"))
    review = named("button", re.compile("^Duyệt báo cáo của"))
    check_both_sizes(page, newest_pages["round"], review)
    check_both_sizes(page, "/rounds/late")

    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, "sotaichinh")
    check_both_sizes(page, newest_pages["round"], named("button", "Nộp báo cáo"))

    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, "admin")
    check_both_sizes(page, "/jobs/", named("link", "Xem"))
    check_both_sizes(page, newest_pages["job"], named("button", "Hủy việc này"))
    expect(page.locator("[data-job-state] [role=progressbar]")).to_be_in_viewport()
    page.goto("/tokens/")
    page.get_by_label("Tên gợi nhớ", exact=False).fill("Phần mềm quản lý đảng viên của Ban Tổ chức")
    page.get_by_role("button", name="Tạo mã truy cập").click()
    expect(page.get_by_test_id("new-token")).to_be_visible()
    check_both_sizes(page, "/tokens/", named("button", "Tạo mã truy cập"))
    check_both_sizes(page, newest_pages["templates"], named("button", "Tải mẫu lên"))
    check_both_sizes(page, "/admin/holidays", named("button", "Thêm vào lịch"))

    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, "chibo.thpt1")
    check_both_sizes(page, newest_pages["candidate"])
    expect(page.get_by_test_id("dossier-items").locator("li").first).to_be_visible()
    for part, button in (
        ("dossier-form", "Thêm vào hồ sơ"),
        ("introducer-form", "Thêm người giới thiệu"),
    ):
        page.get_by_test_id(part).locator("summary").click()
        for size in (PHONE, LAPTOP):
            page.set_viewport_size(size)
            assert_fits(page, part, page.get_by_role("button", name=button, exact=True))
