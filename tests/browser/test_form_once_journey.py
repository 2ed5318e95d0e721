"""A form sent twice saves once, and Back after saving shows no half-filled form."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# Two copies of the form as it stands, sent together (a double click that got through,
# two tabs, a retrying proxy): the answers' statuses.
SEND_TWICE_AT_ONCE = """async () => {
  const form = document.querySelector("[data-testid=candidate-form]");
  const send = () => fetch(form.action || location.href, {
    method: "POST", body: new FormData(form), redirect: "manual",
  }).then((answer) => answer.status);
  return Promise.all([send(), send()]);
}"""


def fill_new_candidate(page, name: str) -> None:
    page.goto("/candidates/new")
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Nữ").check()
    page.get_by_label("Ngày sinh").fill("14/02/2004")
    page.get_by_label("Quê quán").fill("Bát Xát, Lào Cai")
    page.get_by_label("Trình độ học vấn").fill("12/12")


def listed(page, name: str):
    page.goto(f"/candidates/?q={name}")
    return page.get_by_role("link", name=name, exact=True)


def test_a_double_click_sends_the_form_once_and_copies_save_one_person(page):
    name = f"Thào Thị Mỷ {uuid.uuid4().hex[:6].upper()}"
    sign_in(page, "chibo.thpt1")
    fill_new_candidate(page, name)
    posts = []

    def held(route):
        posts.append(route.request)
        route.fulfill(status=204)  # no answer to show: the page stays, as while waiting

    page.route(re.compile(r"/candidates/new$"), held)
    page.get_by_role("button", name="Lưu").dblclick()
    expect(page.get_by_role("button", name="Lưu")).to_be_disabled()
    assert len(posts) == 1
    page.unroute(re.compile(r"/candidates/new$"))

    statuses = page.evaluate(SEND_TWICE_AT_ONCE)
    assert 500 not in statuses
    expect(listed(page, name)).to_have_count(1)


def test_back_after_saving_shows_a_fresh_form_and_sends_nothing_again(page):
    name = f"Sùng Văn Dế {uuid.uuid4().hex[:6].upper()}"
    sign_in(page, "chibo.thpt1")
    fill_new_candidate(page, name)
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("candidate-name")).to_have_text(name)
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else 0)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/candidates/new$"))
    for label in ("Họ và tên", "Ngày sinh", "Quê quán", "Trình độ học vấn"):
        expect(page.get_by_label(label)).to_have_value("")
    expect(page.get_by_label("Nữ")).not_to_be_checked()
    page.reload()
    page.go_forward()
    expect(page.get_by_test_id("candidate-name")).to_have_text(name)
    page.reload()

    assert posts == []
    expect(listed(page, name)).to_have_count(1)
