"""Each role of the demo opens the reports page, is offered what its scope can fill and
nothing else, and downloads a report headed by its own organisation."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from registry.domain.workdays import today_vn
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# user name → (a report it downloads, reports it must not be offered, its header, a header
# it must not carry)
ROLES = {
    "sonoivu": ("workers", set(), "SỞ NỘI VỤ", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
    "sogddt": ("students", {"workers", "ct33"}, "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SỞ NỘI VỤ"),
    "sotaichinh": ("ct33", {"students"}, "SỞ TÀI CHÍNH", "SỞ NỘI VỤ"),
    "bantochuc": ("summary", set(), "BAN TỔ CHỨC", "SỞ NỘI VỤ"),
    "phuong.laocai": ("students", set(), "UBND PHƯỜNG LÀO CAI", "SỞ NỘI VỤ"),
}


def texts_of(download) -> list[str]:
    ws = load_workbook(BytesIO(Path(download.path()).read_bytes())).worksheets[0]
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.parametrize("username", list(ROLES))
def test_each_role_downloads_under_its_own_organisation(page, username):
    report, withheld, header, foreign = ROLES[username]
    sign_in(page, username)
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    offered = set(
        page.get_by_label("Báo cáo", exact=True)
        .locator("option")
        .evaluate_all("options => options.map(o => o.value)")
    )
    assert report in offered and not (withheld & offered), offered
    page.get_by_label("Báo cáo", exact=True).select_option(report)
    page.get_by_label("Kỳ báo cáo").select_option("year")
    page.get_by_label("Năm (năm học: năm bắt đầu)").fill(str(today_vn().year - 1))
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải báo cáo").click()
    texts = texts_of(info.value)
    assert header in texts, texts[:8]
    assert foreign not in texts
    if username == "bantochuc":  # a party body: the party's heading, its number style
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts
        assert any(t.startswith("Số") and "-BC/BTCTU" in t for t in texts)
