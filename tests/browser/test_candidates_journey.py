"""A cell secretary adds a candidate and takes them through to admission."""

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


def record(page, stage_label: str, when: str, number: str = "") -> None:
    form = page.get_by_test_id("stage-form")
    form.get_by_label("Bước").select_option(label=stage_label)
    form.get_by_label("Ngày", exact=True).fill(when)
    form.get_by_label(re.compile("^Số văn bản")).fill(number)
    form.get_by_role("button", name="Ghi nhận").click()
    expect(page.get_by_text(f"Đã ghi nhận bước “{stage_label}” ngày {when}.")).to_be_visible()


def alert_rows(page, kind: str, name: str):
    page.goto(f"/candidates/alerts?kind={kind}")
    return page.get_by_test_id("alert-list").get_by_role("link", name=name)


def test_secretary_takes_a_candidate_to_admission(page):
    name = f"Lù Thị Hoa {uuid.uuid4().hex[:6].upper()}"
    sign_in(page, "chibo.thpt1")
    page.goto("/candidates/new")
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Nữ").check()
    page.get_by_label("Ngày sinh").fill("14/02/2004")
    page.get_by_label("Dân tộc").fill("Giáy")
    page.get_by_label("Quê quán").fill("Bát Xát, Lào Cai")
    page.get_by_label("Trình độ học vấn").fill("12/12")
    page.get_by_label(re.compile("^Người giới thiệu")).fill("Nguyễn Văn Bình\nPhạm Thị Lan")
    page.get_by_label("Ngày vào danh sách nguồn").fill(days_ago(420))
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_test_id("candidate-name")).to_have_text(name)
    expect(page.get_by_test_id("stage")).to_have_text("Quần chúng ưu tú (nguồn)")
    expect(page.get_by_test_id("details")).to_contain_text("Giáy")
    stage_form = page.get_by_test_id("stage-form")
    reason = stage_form.get_by_label("Lý do ra khỏi danh sách")
    expect(reason).to_be_hidden()
    stage_form.get_by_label("Bước").select_option(label="Ra khỏi danh sách")
    expect(reason).to_be_visible()

    record(page, "Đã học lớp nhận thức về Đảng", days_ago(400), "GCN-118/TTCT")
    record(page, "Chi bộ đề nghị kết nạp", days_ago(300), "NQ-07/CB")
    record(page, "Có quyết định kết nạp", days_ago(200), "QĐ-215/ĐU")
    # A decision 200 days old without a ceremony is overdue.
    expect(page.get_by_test_id("due")).to_contain_text("Chi bộ tổ chức lễ kết nạp")
    candidate_url = page.url
    expect(alert_rows(page, "no_ceremony", name)).to_be_visible()

    page.goto(candidate_url)
    record(page, "Đã kết nạp (dự bị)", days_ago(100))
    expect(page.get_by_test_id("stage")).to_have_text("Đã kết nạp (dự bị)")
    timeline = page.get_by_test_id("timeline").locator("tbody tr")
    expect(timeline).to_have_count(5)
    expect(timeline.nth(1)).to_contain_text("GCN-118/TTCT")
    expect(timeline.nth(3)).to_contain_text("Có quyết định kết nạp")
    expect(timeline.nth(4)).to_contain_text(days_ago(100))
    expect(page.get_by_test_id("details")).to_contain_text("Hết thời gian dự bị")
    expect(alert_rows(page, "no_ceremony", name)).to_have_count(0)


def test_a_mistyped_date_is_kept_and_explained(page):
    sign_in(page, "chibo.thpt1")
    page.goto("/candidates/new")
    page.get_by_label("Họ và tên").fill("Tẩn Láo Sử")
    page.get_by_label("Ngày sinh").fill("31/02/2005")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Ngày không hợp lệ")).to_be_visible()
    expect(page.get_by_label("Ngày sinh")).to_have_value("31/02/2005")
    expect(page.get_by_label("Họ và tên")).to_have_value("Tẩn Láo Sử")
