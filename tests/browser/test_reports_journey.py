"""The Department of Home Affairs downloads every report for last year and for a school
year, and opens each file."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from registry.domain.report_kinds import counted_subgroups, counted_text
from registry.domain.workdays import today_vn
from registry.services.reports.workbooks import FILE_TITLES, REPORTS, TITLES
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def texts_of(path) -> list[str]:
    # The downloaded file has no extension, which openpyxl wants when given a path.
    ws = load_workbook(BytesIO(Path(path).read_bytes())).worksheets[0]
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def download(page, report: str, preset: str, year: int):
    page.get_by_label("Báo cáo", exact=True).select_option(report)
    page.get_by_label("Kỳ báo cáo").select_option(preset)
    page.get_by_label("Năm (năm học: năm bắt đầu)").fill(str(year))
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải báo cáo").click()
    return info.value


def test_province_user_downloads_each_report_for_last_year_and_a_school_year(page):
    last_year = today_vn().year - 1
    sign_in(page, "sonoivu")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    expect(page.get_by_role("heading", name="Báo cáo", exact=True)).to_be_visible()
    for preset, year, span in (
        ("year", last_year, f"01-01-{last_year} đến 31-12-{last_year}"),
        ("school_year", last_year - 1, f"01-09-{last_year - 1} đến 31-08-{last_year}"),
    ):
        for report in REPORTS:
            if report == "narrative":  # a Word document: test_documents_journey
                continue
            file = download(page, report, preset, year)
            # Chromium takes the Vietnamese name (filename*) of the download.
            assert file.suggested_filename == f"{FILE_TITLES[report]} {span}.xlsx"
            texts = texts_of(file.path())
            # Sở Nội vụ counts everyone: the title names the report's own groups.
            who = counted_text(counted_subgroups(report, None))
            assert TITLES[report].format(who=who).upper() in texts, report
            # A register's sheets are its cells', each on its commune.
            assert report == "register" or "Địa bàn: Tỉnh Lào Cai" in texts
            if preset == "school_year":
                assert any(t.startswith(f"Năm học {last_year - 1} - {last_year}") for t in texts)
    # The page is still there, ready for the next download.
    expect(page.get_by_role("button", name="Tải báo cáo")).to_be_visible()
