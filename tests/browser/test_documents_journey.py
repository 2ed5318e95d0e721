"""Sở Nội vụ downloads the narrative report, its PDF, and a report's PDF, and reads each."""

from __future__ import annotations

import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from registry.domain.workdays import today_vn
from registry.services.reports import pdf
from tests.browser.conftest import sign_in
from tests.conftest import unavailable

pytestmark = pytest.mark.browser


def _choose(page, report: str, year: int) -> None:
    page.get_by_label("Báo cáo", exact=True).select_option(report)
    page.get_by_label("Kỳ báo cáo").select_option("year")
    page.get_by_label("Năm (năm học: năm bắt đầu)").fill(str(year))


def _pdf_text(path) -> str:
    reader = PdfReader(BytesIO(Path(path).read_bytes()))
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))


def test_the_department_downloads_the_narrative_report_and_pdfs(page):
    if not pdf.available():
        unavailable("LibreOffice (soffice) is not installed", "REQUIRE_LIBREOFFICE")
    year = today_vn().year - 1
    page.set_default_timeout(120_000)  # LibreOffice takes seconds to print a report
    sign_in(page, "sonoivu")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    _choose(page, "narrative", year)
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải báo cáo").click()
    assert info.value.suggested_filename.endswith(".docx")
    document = Document(BytesIO(Path(info.value.path()).read_bytes()))
    words = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in words and "SỞ NỘI VỤ" in "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert f"Năm {year}" in words
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải PDF").click()
    assert info.value.suggested_filename.endswith(".pdf")
    text = _pdf_text(info.value.path())
    assert "Kết quả công tác phát triển đảng viên" in text and "SỞ NỘI VỤ" in text
    _choose(page, "summary", year)
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải PDF").click()
    text = _pdf_text(info.value.path())
    assert "BÁO CÁO TỔNG HỢP" in text and "TỔNG CỘNG" in text
