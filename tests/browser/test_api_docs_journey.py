"""An area officer makes an API token on the tokens page, then opens the API docs served
by the product: Swagger UI draws every operation and calls the API with the token, and
no request leaves the machine."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_docs_page_works_with_no_request_leaving_the_machine(page, live_server):
    own = urlsplit(live_server).netloc
    elsewhere: list[str] = []

    def only_here(route):
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    sign_in(page, "phuong.laocai")
    page.goto("/tokens/")
    page.get_by_label("Tên gợi nhớ (hệ thống nào dùng mã này)").fill("Phần mềm nhân sự")
    page.get_by_label("Đọc và ghi (thêm, sửa hồ sơ, ghi nhận bước, nhập tệp)").check()
    page.get_by_role("button", name="Tạo mã truy cập").click()
    shown = page.get_by_test_id("new-token")
    expect(shown).to_contain_text("sẽ không hiện lại")
    secret = shown.locator("code").inner_text().strip()
    assert secret.startswith("dvr_")
    expect(page.get_by_test_id("tokens-table")).to_contain_text("Phần mềm nhân sự")

    page.get_by_role("link", name="Tài liệu API").click()
    expect(page.locator(".swagger-ui .title")).to_contain_text("Registry API")
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/candidates/{candidate_id}/stages")
    ).to_have_count(1)

    page.get_by_role("button", name="Authorize").click()
    dialog = page.locator(".modal-ux")
    dialog.locator(".auth-container input").fill(secret)
    dialog.locator("button.authorize").click()
    dialog.locator("button.btn-done").click()
    areas = page.locator(
        ".opblock-get", has=page.locator(".opblock-summary-path", has_text="/api/v1/areas")
    )
    areas.first.locator(".opblock-summary").click()
    areas.first.get_by_role("button", name="Try it out").click()
    areas.first.get_by_role("button", name="Execute").click()
    answer = areas.first.locator(".live-responses-table")
    expect(answer.locator("tr.response .response-col_status")).to_contain_text("200")
    expect(answer).to_contain_text("Phường Lào Cai")
    assert elsewhere == []
