"""A cell secretary finds two candidates without typing diacritics, narrows the list to
one stage, ticks both and records their training in one go."""

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from registry.domain.workdays import fmt_date, today_vn
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def days_ago(n: int) -> str:
    return fmt_date(today_vn() - timedelta(days=n))


def add_candidate(page, name: str, gender: str) -> None:
    page.goto("/candidates/new")
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label(gender, exact=True).check()
    page.get_by_label("Ngày sinh").fill("14/02/2007")
    page.get_by_label("Ngày vào danh sách nguồn").fill(days_ago(60))
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("candidate-name")).to_have_text(name)


def test_secretary_records_training_for_two_candidates_at_once(page):
    # Letters only, so the search below is a plain name search; unique per run.
    token = "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:6]).capitalize()
    first, second = f"Hoàng Văn Hòa {token}", f"Hoàng Thị Hoà {token}"
    sign_in(page, "chibo.thpt1")
    add_candidate(page, first, "Nam")
    add_candidate(page, second, "Nữ")

    page.get_by_role("link", name="Quần chúng ưu tú", exact=True).first.click()
    page.get_by_label(re.compile("^Tìm theo họ tên")).fill(f"hoang hoa {token.lower()}")
    page.get_by_label("Giai đoạn", exact=True).select_option(label="Quần chúng ưu tú (nguồn)")
    page.get_by_role("button", name="Lọc").click()

    # Only what was chosen travels in the address, so the view can be bookmarked.
    expect(page).to_have_url(
        re.compile(rf"/candidates/\?q=hoang\+hoa\+{token.lower()}&stage=source$")
    )
    rows = page.get_by_test_id("candidate-list").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("total")).to_contain_text("Tìm thấy 2 quần chúng")
    page.get_by_label(f"Chọn {first}").check()
    page.get_by_label(f"Chọn {second}").check()

    bulk = page.get_by_test_id("bulk-form")
    bulk.get_by_label("Bước").select_option(label="Đã học lớp nhận thức về Đảng")
    bulk.get_by_label("Ngày", exact=True).fill(days_ago(10))
    bulk.get_by_label(re.compile("^Số văn bản")).fill(f"GCN-{token}")
    bulk.get_by_role("button", name="Ghi nhận cho những người đã chọn").click()

    expect(page.get_by_test_id("summary")).to_contain_text("Đã ghi nhận cho 2 người")
    succeeded = page.get_by_test_id("succeeded")
    expect(succeeded.get_by_role("link", name=first)).to_be_visible()
    expect(succeeded.get_by_role("link", name=second)).to_be_visible()
    expect(page.get_by_test_id("failed")).to_have_count(0)

    # Back on the same filtered view: both have left the source stage for "trained".
    page.get_by_role("link", name="Quay lại danh sách").click()
    expect(page.get_by_test_id("empty")).to_be_visible()
    counts = page.get_by_test_id("stage-counts")
    expect(counts.locator('[data-stage="trained"] [data-count]')).to_have_text("2")
    expect(counts.locator('[data-stage="source"] [data-count]')).to_have_text("0")
    counts.locator('[data-stage="trained"]').click()
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("candidate-list")).to_contain_text(days_ago(10))
