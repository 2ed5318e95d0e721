"""Sở Nội vụ downloads the narrative report, its PDF, and a report's PDF, and reads each;
then the narrative report and PDF a ward sent with its reports in a round."""

from __future__ import annotations

import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from registry.domain.workdays import today_vn
from registry.services.reports import pdf
from tests.browser.conftest import sign_in, sign_out_and_in
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


WARD = "UBND phường Lào Cai"


def _download(page, name: str, within=None) -> bytes:
    with page.expect_download() as info:
        (within or page).get_by_role("link", name=name, exact=True).click()
    return Path(info.value.path()).read_bytes()


def test_a_ward_sends_its_edited_narrative_and_the_department_downloads_it_and_its_pdf(
    page, tmp_path
):
    """The ward takes the draft of its narrative report, edits it in Word, sends it with
    its workbook; Sở Nội vụ downloads from the round's page exactly the edited .docx, and
    the PDF printed from it."""
    if not pdf.available():
        unavailable("LibreOffice (soffice) is not installed", "REQUIRE_LIBREOFFICE")
    year = today_vn().year - 1
    page.set_default_timeout(120_000)
    sign_in(page, "sonoivu")
    page.goto("/rounds/new")
    page.get_by_label("Kỳ báo cáo").select_option("year")
    page.get_by_label("Năm (năm học: năm bắt đầu)").fill(str(year))
    page.get_by_label("Phát triển đảng viên trong học sinh, sinh viên").check()
    page.get_by_label(WARD, exact=True).check()
    page.get_by_label("Hạn nộp").fill(f"20/01/{year + 1}")
    page.get_by_role("button", name="Mở đợt báo cáo").click()
    expect(page.get_by_text(f"Đã mở đợt báo cáo kỳ Năm {year}")).to_be_visible()
    round_url = page.url

    sign_out_and_in(page, "phuong.laocai")
    page.goto(round_url)
    draft = _download(page, "Tải bản dự thảo báo cáo bằng văn bản (.docx)")
    document = Document(BytesIO(draft))
    assert f"Năm {year}" in "\n".join(p.text for p in document.paragraphs)
    document.add_paragraph("Ý kiến của Chủ tịch UBND phường: đã rà soát, đồng ý gửi.")
    edited_path = tmp_path / "bao-cao-da-sua.docx"
    document.save(edited_path)
    edited = edited_path.read_bytes()
    page.get_by_label("Báo cáo bằng văn bản đã sửa (.docx, nếu có)").set_input_files(edited_path)
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.get_by_text("Đã nộp báo cáo của đợt này")).to_be_visible()

    sign_out_and_in(page, "sonoivu")
    page.goto(round_url)
    row = page.get_by_test_id("statuses").get_by_role("row").filter(has_text=WARD)
    expect(row).to_contain_text(f"bản {WARD} tự sửa")
    assert _download(page, "Báo cáo bằng văn bản (Word)", row) == edited
    text = _pdf_text_of(_download(page, "Báo cáo bằng văn bản (PDF)", row))
    assert "Ý kiến của Chủ tịch UBND phường: đã rà soát, đồng ý gửi." in text
    assert "Kết quả công tác phát triển đảng viên" in text and f"Năm {year}" in text
    workbook = _download(page, "Phát triển đảng viên trong học sinh, sinh viên", row)
    assert workbook.startswith(b"PK")


def _pdf_text_of(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))
    return " ".join(text.split())
