"""Documents offices send: the narrative report (.docx) with its figures, its editable
template, and the PDF of every report."""

from __future__ import annotations

import re
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from exports.narrative.default_template import default_template
from exports.narrative.placeholders import PLACEHOLDERS
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
    from exports.narrative.rendering import TemplateProblem, check_template

    with pytest.raises(TemplateProblem) as refused:
        check_template(_with_paragraph(default_template(), payload))
    assert "Mẫu" in str(refused.value)
    assert not Path("/tmp/mau-ghi-de").exists()


def test_a_zip_bomb_or_an_outside_link_is_refused(world):
    import zipfile

    from exports.narrative.rendering import TemplateProblem, check_template

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


# Every figure of the narrative report, under a label of our own: an uploaded template
# lays them out its own way, and the Word file and its PDF must both hold each one.
FIGURE_LABELS = {
    "ket_nap": "Tổng số kết nạp",
    "chi_tieu": "Chỉ tiêu được giao",
    "ty_le_chi_tieu": "Tỷ lệ đạt",
    "nu": "Nữ",
    "dan_toc_thieu_so": "Dân tộc thiểu số",
    "ton_giao": "Có đạo",
    "hoc_sinh_sinh_vien": "Học sinh, sinh viên",
    "hoc_sinh_thpt": "Học sinh THPT",
    "gdnn_gdtx": "Học viên GDNN-GDTX",
    "sinh_vien": "Sinh viên cao đẳng, đại học",
    "cong_nhan": "Công nhân, người lao động",
    "hoc_lop": "Học lớp nhận thức về Đảng",
    "de_nghi": "Chi bộ đề nghị kết nạp",
    "quyet_dinh": "Có quyết định kết nạp",
    "dang_theo_doi": "Quần chúng đang theo dõi",
    "cung_ky": "Kết nạp cùng kỳ năm trước",
    "dn_hoat_dong": "Doanh nghiệp đang hoạt động",
    "dn_co_to_chuc_dang": "Doanh nghiệp có tổ chức đảng",
    "dang_vien_trong_dn": "Đảng viên làm việc trong doanh nghiệp",
    "lao_dong_dn": "Người lao động",
}


def _own_template() -> bytes:
    """An office's own layout: its title first, the figures as a list, then its table."""
    document = Document()
    document.add_paragraph("BÁO CÁO RIÊNG CỦA SỞ")
    document.add_paragraph("{{ tieu_de }} – {{ ky_bao_cao }}")
    for name, label in FIGURE_LABELS.items():
        document.add_paragraph(f"{label}: {{{{ {name} }}}}")
    table = document.add_table(rows=4, cols=3)
    heads = ("Đơn vị hành chính", "Kết nạp", "Tỷ lệ")
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for dong in bang %}"
    for cell, name in zip(table.rows[2].cells, ("ten", "ket_nap", "ty_le"), strict=True):
        cell.text = f"{{{{ dong.{name} }}}}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{{ chuc_vu_nguoi_ky }}")
    document.add_paragraph("{{ nguoi_ky }}")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _flat(text: str) -> str:
    """The PDF's text as one NFC line: a word broken after its hyphen at a line end
    ("GDNN-" / "GDTX") joined again, every other run of spaces and breaks one space."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(re.sub(r"(?<=\w)-\n", "-", text).split())


def _download(client, area, fmt: str):
    data = {"report": "narrative", "preset": "year", "year": "2025", "quarter": "1",
            "area_id": str(area.id), "group": ""}  # fmt: skip
    if fmt == "pdf":
        data["pdf"] = "1"
    response = client.post("/reports/", data=data)
    assert response.status_code == 200, response.text[-1500:]
    return response


def test_an_uploaded_template_reads_back_in_word_and_pdf_with_every_figure(
    client, world, libreoffice
):
    admin, org = world["users"]["admin"], world["orgs"]["snv"]
    org.signer_name = "Hoàng Thị Ngọc Ánh"
    db.session.commit()
    login(client, admin)
    sent = client.post(
        f"/reports/templates?org={org.id}",
        data={"file": (BytesIO(_own_template()), "mau-cua-so.docx")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302, sent.text[-1500:]
    client.post("/logout")
    user, province = world["users"]["province"], world["areas"]["province"]
    login(client, user)
    figures = make_report(
        db.session, user, ReportRequest("narrative", whole_year(2025), province)
    ).figures
    assert int(figures["ket_nap"]) > 0 and int(figures["hoc_lop"]) > 0
    expected = [f"{label}: {figures[name]}" for name, label in FIGURE_LABELS.items()]

    document = Document(BytesIO(_download(client, province, "docx").data))
    paragraphs = [p.text for p in document.paragraphs]
    assert unicodedata.is_normalized("NFC", "\n".join(paragraphs))
    assert paragraphs[0] == "BÁO CÁO RIÊNG CỦA SỞ"
    assert paragraphs[1].startswith("Kết quả công tác phát triển đảng viên trong học sinh")
    for line in expected:
        assert line in paragraphs
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert cells[0] == ["Đơn vị hành chính", "Kết nạp", "Tỷ lệ"]
    assert [row[0] for row in cells[1:]] == ["Phường Bắc", "Xã Nam"]
    assert sum(int(row[1]) for row in cells[1:]) == int(figures["ket_nap"])
    assert "Hoàng Thị Ngọc Ánh" in paragraphs

    flat = _flat(_pdf_text(_download(client, province, "pdf").data))
    assert "BÁO CÁO RIÊNG CỦA SỞ" in flat
    assert "Kết quả công tác phát triển đảng viên trong học sinh, sinh viên" in flat
    for line in expected:
        assert line in flat, line
    for row in cells[1:]:
        assert " ".join(row[:2]) in flat
    assert "Hoàng Thị Ngọc Ánh" in flat


def test_the_default_templates_pdf_holds_every_figure_in_its_sentence(client, world, libreoffice):
    user, province = world["users"]["province"], world["areas"]["province"]
    login(client, user)
    f = make_report(db.session, user, ReportRequest("narrative", whole_year(2025), province))
    v = f.figures
    flat = _flat(_pdf_text(_download(client, province, "pdf").data))
    assert "BÁO CÁO" in flat and v["tieu_de"] in flat and v["ky_bao_cao"] in flat
    for sentence in (
        f"đã kết nạp {v['ket_nap']} đảng viên trong {v['doi_tuong']}",
        f"trong đó nữ {v['nu']}, người dân tộc thiểu số {v['dan_toc_thieu_so']}, "
        f"người có đạo {v['ton_giao']}",
        f"Trong học sinh, sinh viên: kết nạp {v['hoc_sinh_sinh_vien']} (học sinh THPT "
        f"{v['hoc_sinh_thpt']}, học viên GDNN-GDTX {v['gdnn_gdtx']}, sinh viên {v['sinh_vien']})",
        f"kết nạp {v['cong_nhan']}",
        f"nhận thức về Đảng trong kỳ: {v['hoc_lop']}; chi bộ đề nghị kết nạp: {v['de_nghi']}; "
        f"có quyết định kết nạp: {v['quyet_dinh']}; quần chúng ưu tú đang theo dõi cuối kỳ: "
        f"{v['dang_theo_doi']}",
        f"So với cùng kỳ năm trước ({v['cung_ky']} người): {v['so_voi_cung_ky']}",
    ):
        assert sentence in flat, sentence
    if v["dn_hoat_dong"]:
        assert f"trong {v['dn_hoat_dong']} doanh nghiệp" in flat
    for row in Document(f.stream).tables[1].rows[1:]:
        number, name, target, admitted = (row.cells[i].text for i in range(4))
        assert " ".join(x for x in (number, name, target, admitted) if x) in flat
