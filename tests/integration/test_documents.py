"""Documents offices send: the narrative report (.docx) with its figures, its editable
template, and the PDF of every report."""

from __future__ import annotations

import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from exports.narrative import PLACEHOLDERS, default_template
from registry.domain.periods import whole_year
from registry.extensions import db
from registry.models import AuditLog, ReportTemplate
from registry.services.reports import pdf
from registry.services.reports.workbooks import ReportRequest, make_report, printed
from tests.conftest import unavailable
from tests.factories import login
from tests.integration.reports_world import build_world, workbook_of

ADMITTED = "Đã kết nạp (tổ chức lễ)"


@pytest.fixture
def world(ctx):
    return build_world()


def _total(ws, column_label: str) -> int:
    """A figure of the workbook's TỔNG CỘNG line, by its column's header text."""
    header = next(
        (cell.column, cell.row)
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.strip() == column_label
    )
    total_row = next(r for r in ws.iter_rows(values_only=True) if any(v == "TỔNG CỘNG" for v in r))
    return int(total_row[header[0] - 1] or 0)


def _texts(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _narrative(user, area):
    export = make_report(db.session, user, ReportRequest("narrative", whole_year(2025), area))
    assert export.suffix == ".docx"
    return Document(BytesIO(export.data())), export


def test_the_narrative_report_holds_the_figures_of_the_xlsx_reports(world):
    user, province = world["users"]["province"], world["areas"]["province"]
    students = workbook_of(user, "students", province)[0].active
    workers = workbook_of(user, "workers", province)[0].active
    admitted_students = _total(students, ADMITTED)
    admitted = admitted_students + _total(workers, ADMITTED)
    assert admitted_students > 0 and admitted > admitted_students
    document, export = _narrative(user, province)
    text = _texts(document)
    assert unicodedata.is_normalized("NFC", text)
    assert "SỞ NỘI VỤ" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert f"đã kết nạp {admitted} đảng viên trong học sinh, sinh viên" in text
    assert export.figures["ket_nap"] == str(admitted)
    assert f"Trong học sinh, sinh viên: kết nạp {admitted_students}" in text
    # The table has one line per area of the report, with the same admissions.
    table = document.tables[1]
    names = [row.cells[1].text for row in table.rows[1:]]
    assert names == ["Phường Bắc", "Xã Nam"]
    per_area = sum(int(row.cells[3].text or 0) for row in table.rows[1:])
    assert per_area == admitted
    # A chart picture is part of the document.
    assert document.inline_shapes and document.inline_shapes[0].width > 0


def test_the_party_style_and_the_organisations_own_texts(world):
    org = world["orgs"]["north"]
    org.style, org.issuer_code = "party", "ĐU"
    org.issuing_body = "ĐẢNG BỘ PHƯỜNG BẮC\nĐẢNG ỦY PHƯỜNG"
    org.addressee, org.recipients = "Ban Tổ chức Tỉnh ủy", "Như trên\nLưu: VP"
    org.signer_title, org.signer_name = "T/M ĐẢNG ỦY\nBÍ THƯ", "Lò Văn Ký"
    db.session.commit()
    text = _texts(_narrative(world["users"]["north"], world["areas"]["north"])[0])
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Độc lập - Tự do" not in text
    assert "Số        -BC/ĐU" in text  # the number left blank for the office
    assert "Kính gửi: Ban Tổ chức Tỉnh ủy." in text
    assert "- Như trên;" in text and "- Lưu: VP;" in text
    assert "BÍ THƯ" in text and "Lò Văn Ký" in text


def _with_paragraph(data: bytes, text: str) -> bytes:
    document = Document(BytesIO(data))
    document.add_paragraph(text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_an_uploaded_template_is_used_and_a_bad_one_refused_keeping_the_last_good(client, world):
    admin, org = world["users"]["admin"], world["orgs"]["snv"]
    login(client, admin)
    mine = _with_paragraph(default_template(), "Người lập: {{ nguoi_lap }} (mẫu riêng).")
    sent = client.post(
        f"/reports/templates?org={org.id}",
        data={"file": (BytesIO(mine), "mau-rieng.docx")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    bad = _with_paragraph(mine, "Lạ: {{ so_lieu_la }} và {{ khong_co }}")
    refused = client.post(
        f"/reports/templates?org={org.id}",
        data={"file": (BytesIO(bad), "mau-loi.docx")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "{{ khong_co }}, {{ so_lieu_la }}" in refused.text
    stored = db.session.scalar(select(ReportTemplate))
    assert stored.filename == "mau-rieng.docx"
    not_word = client.post(
        f"/reports/templates?org={org.id}",
        data={"file": (BytesIO(b"PK\x03\x04 not a zip"), "x.docx")},
        content_type="multipart/form-data",
    )
    assert not_word.status_code == 422 and "không phải văn bản Word" in not_word.text
    world["orgs"]["snv"].preparer_name = "Nguyễn Thị Lập"
    db.session.commit()
    text = _texts(_narrative(world["users"]["province"], world["areas"]["province"])[0])
    assert "Người lập: Nguyễn Thị Lập (mẫu riêng)." in text
    downloaded = client.get(f"/reports/templates/download?org={org.id}")
    assert "(mẫu riêng)" in _texts(Document(BytesIO(downloaded.data)))
    assert client.post(f"/reports/templates/default?org={org.id}").status_code == 302
    assert db.session.scalar(select(ReportTemplate)) is None
    actions = db.session.scalars(
        select(AuditLog.action).where(AuditLog.entity == "report_template")
    ).all()
    assert sorted(actions) == ["delete", "export", "upload"]  # the download is logged too


def test_the_placeholder_page_lists_each_placeholder_with_an_example(client, world):
    login(client, world["users"]["north"])
    page = client.get("/reports/templates")
    assert page.status_code == 200
    for name in PLACEHOLDERS:
        assert "{{ " + name + " }}" in page.text
    assert "Tải lên mẫu đã sửa" not in page.text  # uploading is for admins
    assert client.get(f"/reports/templates?org={world['orgs']['snv'].id}").status_code == 404
    sent = client.post(
        "/reports/templates",
        data={"file": (BytesIO(default_template()), "m.docx")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 403


def test_without_libreoffice_the_pdf_button_says_why(client, world, monkeypatch):
    monkeypatch.setattr(pdf, "_program", lambda: None)
    login(client, world["users"]["province"])
    page = client.get("/reports/")
    assert "máy chủ chưa cài LibreOffice" in page.text
    data = {"report": "students", "preset": "year", "year": "2025", "quarter": "1",
            "area_id": str(world["areas"]["province"].id), "group": "", "pdf": "1"}  # fmt: skip
    response = client.post("/reports/", data=data)
    assert response.status_code == 422 and "chưa cài LibreOffice" in response.text


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


@pytest.fixture
def libreoffice():
    if not pdf.available():
        unavailable("LibreOffice (soffice) is not installed", "REQUIRE_LIBREOFFICE")


def test_pdfs_of_a_report_and_of_the_narrative_hold_the_title_and_figures(
    client, world, libreoffice
):
    login(client, world["users"]["province"])
    province = world["areas"]["province"]
    data = {"report": "students", "preset": "year", "year": "2025", "quarter": "1",
            "area_id": str(province.id), "group": "", "pdf": "1"}  # fmt: skip
    response = client.post("/reports/", data=data)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert ".pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(BytesIO(response.data))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape
    assert round(float(box.width) / 72 * 25.4) == 297
    text = unicodedata.normalize("NFC", _pdf_text(response.data))
    assert "BÁO CÁO KẾT QUẢ PHÁT TRIỂN ĐẢNG VIÊN TRONG HỌC SINH, SINH VIÊN" in text
    assert "Phường Bắc" in text and "TỔNG CỘNG" in text
    students = workbook_of(world["users"]["province"], "students", province)[0].active
    total = next(r for r in students.iter_rows(values_only=True) if "TỔNG CỘNG" in r)
    total_line = next(line for line in text.splitlines() if "TỔNG CỘNG" in line)
    figures = [str(v) for v in total if isinstance(v, int)]
    assert " ".join(figures[:3]) in " ".join(total_line.split())
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).all()[-1]
    assert entry.after["format"] == "pdf"

    data["report"] = "narrative"
    narrative = client.post("/reports/", data=data)
    assert narrative.status_code == 200 and narrative.mimetype == "application/pdf"
    text = unicodedata.normalize("NFC", _pdf_text(narrative.data))
    assert "BÁO CÁO" in text and "Kết quả công tác phát triển đảng viên" in text
    docx_export = make_report(
        db.session,
        world["users"]["province"],
        ReportRequest("narrative", whole_year(2025), province),
    )
    assert f"đã kết nạp {docx_export.figures['ket_nap']} đảng viên" in " ".join(text.split())


def test_the_command_line_writes_the_narrative_and_pdfs(runner, world, tmp_path, libreoffice):
    out = tmp_path / "bao-cao.docx"
    done = runner.invoke(
        args=[
            "export",
            "narrative",
            "--from",
            "2025-01-01",
            "--to",
            "31/12/2025",
            "--out",
            str(out),
        ]
    )
    assert done.exit_code == 0, done.output
    assert "SỞ NỘI VỤ" in _texts(Document(out)) or "UBND" in _texts(Document(out))
    pdf_out = tmp_path / "students.pdf"
    done = runner.invoke(
        args=["export", "students", "--from", "2025-01-01", "--to", "2025-12-31",
              "--format", "pdf", "--out", str(pdf_out)]
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "TỔNG CỘNG" in _pdf_text(pdf_out.read_bytes())


def test_a_workbook_read_back_is_unchanged_by_printing(world, libreoffice):
    """Printing converts a copy: the xlsx a user downloads is the same bytes after."""
    export = make_report(
        db.session,
        world["users"]["province"],
        ReportRequest("summary", whole_year(2025), world["areas"]["province"]),
    )
    before = export.data()
    printed(export)
    assert export.data() == before
    assert load_workbook(BytesIO(before)).sheetnames[0] == "Tổng hợp"


@pytest.mark.parametrize(
    "payload",
    [
        "{{ bieu_do.tpl.replace_zipname('docProps/app.xml', '/proc/self/environ') }}",
        "{{ bieu_do.tpl.save('/tmp/mau-ghi-de') }}",
        "{% for a in range(99999) %}x{% endfor %}",
        "{{ ket_nap * 1000000000 }}",
        "{{ ket_nap.a.b }}",
        "{{ ket_nap|int(1,2,3,4) }}",
        "{{ ket_nap.__class__.__mro__ }}",
        "{% for dong in noi_nhan %}{{ dong.ten }}{% endfor %}",
    ],
)
def test_a_template_reaches_nothing_but_its_values(world, payload):
    """An uploaded template is a file from outside: no call, attribute, filter, loop or
    arithmetic beyond the values given, refused at upload with a Vietnamese message."""
    from exports.narrative import TemplateProblem, check_template

    with pytest.raises(TemplateProblem) as refused:
        check_template(_with_paragraph(default_template(), payload))
    assert "Mẫu" in str(refused.value)
    assert not Path("/tmp/mau-ghi-de").exists()


def test_a_zip_bomb_or_an_outside_link_is_refused(world):
    import zipfile

    from exports.narrative import TemplateProblem, check_template

    bomb = BytesIO()
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        zipfile.ZipFile(BytesIO(default_template())) as source,
    ):
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        archive.writestr("word/padding.xml", b"<w:p/>" * 6_000_000)
    with pytest.raises(TemplateProblem, match="quá lớn"):
        check_template(bomb.getvalue())
    linked = BytesIO()
    with (
        zipfile.ZipFile(linked, "w") as archive,
        zipfile.ZipFile(BytesIO(default_template())) as source,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rX" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/image" Target="http://x/y.png"'
                    b' TargetMode="External"/></Relationships>',
                )
            archive.writestr(item, data)
    with pytest.raises(TemplateProblem, match="ngoài văn bản"):
        check_template(linked.getvalue())


def test_the_percentage_is_blank_when_a_counted_group_has_no_target(world):
    """Worker targets removed: admissions of both groups over the students' target alone
    would be a false percentage (DESIGN "Target": no fallback)."""
    from registry.models import Target

    for target in db.session.scalars(select(Target).where(Target.group_code == "worker")):
        db.session.delete(target)
    db.session.commit()
    document, export = _narrative(world["users"]["province"], world["areas"]["province"])
    assert export.figures["ty_le_chi_tieu"] == ""
    assert "chỉ tiêu được giao" not in _texts(document)
    table = document.tables[1]
    assert all(row.cells[4].text == "" for row in table.rows[1:])


def test_a_stuck_conversion_leaves_no_process_and_no_files(
    world, libreoffice, monkeypatch, tmp_path
):
    import subprocess
    import tempfile

    monkeypatch.setattr(pdf, "TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this test's conversions only
    export = make_report(
        db.session,
        world["users"]["province"],
        ReportRequest("students", whole_year(2025), world["areas"]["province"]),
    )
    with pytest.raises(pdf.PdfError, match="quá lâu"):
        printed(export)
    left = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True)
    assert left.stdout.strip() == ""
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == []


def test_the_candidate_page_prints_as_one_record(client, world):
    """The page carries its print heading and a print button; the print style hides the
    navigation, buttons and forms (a stylesheet rule the browser applies on paper)."""
    login(client, world["users"]["north"])
    person = next(iter(world["people"].values()))
    page = client.get(f"/candidates/{person.id}")
    assert page.status_code == 200
    assert "Phiếu theo dõi quần chúng ưu tú" in page.text and "UBND Phường Bắc" in page.text
    assert "data-print" in page.text
    css = (Path(client.application.static_folder) / "registry.css").read_text()
    printed_rules = css[css.index("@media print") :]
    for hidden in (".registry-nav", "footer", ".btn", "form", '[data-testid="stage-form"]'):
        assert hidden in printed_rules
    assert "size: A4 portrait" in printed_rules
