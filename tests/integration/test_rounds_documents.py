"""A submission carries its narrative report (.docx) and the PDF of it, kept as sent:
rendered for the round's period and the sender's scope with the sender's template, or the
sender's own edited copy; downloaded by the reviewers and the sender, each download logged;
without LibreOffice it goes with the Word report alone and says why."""

from __future__ import annotations

import unicodedata
import zipfile
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from openpyxl import Workbook
from pypdf import PdfReader
from sqlalchemy import select

from exports.narrative.default_template import default_template
from registry.extensions import db
from registry.models import AuditLog, ReportTemplate, StageEvent, Submission
from registry.services.candidates.stages import sync_stage_columns
from registry.services.reports import pdf
from registry.services.rounds import documents
from tests.conftest import unavailable
from tests.factories import CandidateFactory
from tests.integration.rounds_world import build_world, latest, open_round, send, sign_in

TRAINED_LINE = "Số được cấp giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng trong kỳ: {n};"


@pytest.fixture
def world(ctx):
    return build_world()


@pytest.fixture
def libreoffice():
    if not pdf.available():
        unavailable("LibreOffice (soffice) is not installed", "REQUIRE_LIBREOFFICE")


def _texts(data: bytes) -> str:
    document = Document(BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _url(submission: Submission, fmt: str = "docx") -> str:
    base = f"/rounds/{submission.round_id}/submissions/{submission.id}/narrative"
    return base if fmt == "docx" else f"{base}?format={fmt}"


def _exports(submission: Submission) -> list[dict]:
    db.session.expire_all()
    stmt = select(AuditLog).where(
        AuditLog.entity == "submission",
        AuditLog.entity_id == submission.id,
        AuditLog.action == "export",
    )
    return [entry.after for entry in db.session.scalars(stmt.order_by(AuditLog.id))]


def _trained_student(school, day: date) -> None:
    person = CandidateFactory(
        full_name="Học Sinh Mới",
        unit=school,
        source_date=date(2025, 1, 10),
        group_code="student",
        subgroup="thpt",
        birth_date=date(2006, 9, 1),
    )
    db.session.add(
        StageEvent(candidate=person, stage="trained", event_date=day, unit_id=school.id,
                   cell_id=school.cell_id, sequence=2)
    )  # fmt: skip
    db.session.flush()
    sync_stage_columns(person)


def _with_paragraph(data: bytes, text: str) -> bytes:
    document = Document(BytesIO(data))
    document.add_paragraph(text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _send_file(client, round_, data: bytes, name: str, comment: str = ""):
    return client.post(
        f"/rounds/{round_.id}/send",
        data={"comment": comment, "narrative": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_submission_carries_its_narrative_report_and_pdf_kept_as_sent(client, world, libreoffice):
    round_ = open_round(client, world)  # the students' report only
    officer = world["a"]["officer"]
    submission = send(client, officer, round_)
    narrative, printed = submission.document("narrative"), submission.document("pdf")
    assert narrative is not None and printed is not None and not narrative.edited
    assert submission.pdf_missing == ""
    text = _texts(narrative.content)
    assert unicodedata.is_normalized("NFC", text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "UBND PHƯỜNG A" in text and "6 tháng đầu năm 2025" in text
    # The round asks for the students' report: the narrative counts the ward's one trained
    # student, not its trained worker, and speaks of students alone.
    assert TRAINED_LINE.format(n=1) in text
    assert "đảng viên trong học sinh, sinh viên;" in text
    assert "Trong công nhân, người lao động" not in text
    table = Document(BytesIO(narrative.content)).tables[1]
    assert [row.cells[1].text for row in table.rows[1:]] == ["Phường A"]
    words = _pdf_text(printed.content)
    assert "BÁO CÁO" in words and "Kết quả công tác phát triển đảng viên" in words
    assert TRAINED_LINE.format(n=1) in words and "Phường A" in words

    # The reviewers download exactly what was sent, as does the sender.
    sign_in(client, world["home_affairs"])
    page = client.get(f"/rounds/{round_.id}").text
    assert "Báo cáo bằng văn bản (Word)" in page and "Báo cáo bằng văn bản (PDF)" in page
    docx = client.get(_url(submission))
    assert docx.status_code == 200 and docx.data == narrative.content
    assert docx.mimetype.endswith("wordprocessingml.document")
    assert "lan-nop-" in docx.headers["Content-Disposition"]
    as_pdf = client.get(_url(submission, "pdf"))
    assert as_pdf.status_code == 200 and as_pdf.mimetype == "application/pdf"
    assert as_pdf.data == printed.content
    assert [(e["document"], e["format"]) for e in _exports(submission)] == [
        ("narrative", "docx"),
        ("narrative", "pdf"),
    ]
    sign_in(client, officer)
    assert client.get(_url(submission)).data == narrative.content

    # The data and the template change afterwards: what was sent stays as sent.
    _trained_student(world["a"]["school"], date(2025, 4, 2))
    db.session.add(
        ReportTemplate(
            organisation_id=world["a"]["org"].id,
            kind="narrative",
            filename="moi.docx",
            content=_with_paragraph(default_template(), "Mẫu mới của phường."),
        )
    )
    db.session.commit()
    now = documents.round_narrative(db.session, officer, round_, world["a"]["area"]).data()
    assert TRAINED_LINE.format(n=2) in _texts(now) and "Mẫu mới của phường." in _texts(now)
    sign_in(client, world["home_affairs"])
    assert client.get(_url(submission)).data == narrative.content
    assert client.get(_url(submission, "pdf")).data == printed.content


def test_another_scope_gets_404_for_the_documents(client, world):
    round_ = open_round(client, world)
    submission = send(client, world["a"]["officer"], round_)
    for user in (world["b"]["officer"], world["finance"]):
        sign_in(client, user)
        assert client.get(_url(submission)).status_code == 404
        assert client.get(_url(submission, "pdf")).status_code == 404
    sign_in(client, world["b"]["officer"])
    assert (
        "Báo cáo bằng văn bản"
        not in client.get(f"/rounds/{round_.id}").text.split('data-testid="statuses"', 1)[1]
    )
    # Under another round's address, or in a format that was not sent: 404 too.
    other = open_round(client, world, reporters=[world["b"]["org"]])
    sign_in(client, world["home_affairs"])
    moved = f"/rounds/{other.id}/submissions/{submission.id}/narrative"
    assert client.get(moved).status_code == 404
    assert client.get(_url(submission, "xlsx")).status_code == 404
    assert _exports(submission) == []


def test_without_libreoffice_the_submission_goes_with_the_word_report_and_says_why(
    client, world, monkeypatch
):
    monkeypatch.setattr(pdf, "_program", lambda: None)
    round_ = open_round(client, world)
    officer = world["a"]["officer"]
    sign_in(client, officer)
    assert (
        "máy chủ chưa cài LibreOffice nên chỉ kèm bản Word"
        in client.get(f"/rounds/{round_.id}").text
    )
    submission = send(client, officer, round_)
    assert submission.state == "submitted"
    assert [d.kind for d in submission.documents] == ["narrative"]
    assert submission.pdf_missing == documents.NO_LIBREOFFICE
    assert "chưa cài LibreOffice" in submission.pdf_missing
    sign_in(client, world["home_affairs"])
    page = client.get(f"/rounds/{round_.id}").text
    assert documents.NO_LIBREOFFICE in page and "Báo cáo bằng văn bản (PDF)" not in page
    assert client.get(_url(submission)).status_code == 200
    assert client.get(_url(submission, "pdf")).status_code == 404
    (sent,) = [e for e in _audit_submits(submission)]
    assert sent["pdf"] is False and sent["narrative"] == "generated"


def _audit_submits(submission: Submission) -> list[dict]:
    stmt = select(AuditLog).where(
        AuditLog.entity == "submission",
        AuditLog.entity_id == submission.id,
        AuditLog.action == "submit",
    )
    return [entry.after for entry in db.session.scalars(stmt)]


def test_a_failed_conversion_still_sends_and_names_the_reason(client, world, monkeypatch):
    def too_slow(data, suffix):
        raise pdf.PdfError("Tạo PDF quá lâu nên đã dừng; hãy tải bản Excel hoặc Word.")

    monkeypatch.setattr(pdf, "_program", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(pdf, "to_pdf", too_slow)
    round_ = open_round(client, world)
    submission = send(client, world["a"]["officer"], round_)
    assert submission.document("pdf") is None
    assert (
        submission.pdf_missing
        == "Không kèm bản PDF: Tạo PDF quá lâu nên đã dừng; hãy tải bản Excel hoặc Word."
    )


def test_the_sender_edits_the_draft_in_word_and_sends_it_as_its_narrative(
    client, world, monkeypatch
):
    monkeypatch.setattr(pdf, "_program", lambda: None)  # the PDF of an edit: test below
    round_ = open_round(client, world)
    officer = world["a"]["officer"]
    sign_in(client, officer)
    draft = client.get(f"/rounds/{round_.id}/narrative")
    assert draft.status_code == 200 and "ban-du-thao" in draft.headers["Content-Disposition"]
    assert TRAINED_LINE.format(n=1) in _texts(draft.data)
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.entity == "reporting_round", AuditLog.action == "export")
    ).one()
    assert entry.after == {"document": "narrative", "format": "docx", "draft": True}
    edited = _with_paragraph(draft.data, "Đánh giá của Chủ tịch UBND phường: hoàn thành tốt.")
    response = _send_file(client, round_, edited, "Báo cáo đã ký.docx")
    assert response.status_code == 302, response.text[-1500:]
    submission = latest(round_, officer.organisation_id)
    kept = submission.document("narrative")
    assert kept.content == edited and kept.edited and kept.filename == "Báo cáo đã ký.docx"
    sign_in(client, world["home_affairs"])
    page = client.get(f"/rounds/{round_.id}").text
    assert "tự sửa: Báo cáo đã ký.docx" in page
    assert client.get(_url(submission)).data == edited
    assert _audit_submits(submission)[0]["narrative"] == "Báo cáo đã ký.docx"
    # Once sent and waiting for review, there is no draft to take.
    sign_in(client, officer)
    refused = client.get(f"/rounds/{round_.id}/narrative")
    assert refused.status_code == 302
    assert "đang chờ duyệt" in client.get(refused.headers["Location"]).text


def test_the_pdf_of_an_edited_narrative_is_printed_from_the_edit(client, world, libreoffice):
    round_ = open_round(client, world)
    officer = world["a"]["officer"]
    sign_in(client, officer)
    draft = client.get(f"/rounds/{round_.id}/narrative").data
    edited = _with_paragraph(draft, "Đánh giá của Chủ tịch UBND phường: hoàn thành tốt.")
    assert _send_file(client, round_, edited, "ban-sua.docx").status_code == 302
    printed = latest(round_, officer.organisation_id).document("pdf")
    assert printed.edited
    assert "Đánh giá của Chủ tịch UBND phường: hoàn thành tốt." in _pdf_text(printed.content)


def _spreadsheet_named_docx() -> bytes:
    out = BytesIO()
    Workbook().save(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    return _repacked({"word/padding.xml": b"<w:p/>" * 6_000_000})


def _linked_outside() -> bytes:
    rels = "word/_rels/document.xml.rels"
    with zipfile.ZipFile(BytesIO(default_template())) as source:
        text = source.read(rels).replace(
            b"</Relationships>",
            b'<Relationship Id="rX" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/image" Target="http://x/y.png" TargetMode="External"/>'
            b"</Relationships>",
        )
    return _repacked({rels: text})


def _repacked(parts: dict[str, bytes]) -> bytes:
    """The default template's package with these parts put in (or replaced)."""
    out = BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        zipfile.ZipFile(BytesIO(default_template())) as source,
    ):
        for item in source.infolist():
            if item.filename not in parts:
                archive.writestr(item, source.read(item))
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("build", "name", "message"),
    [
        (lambda: b"PK\x03\x04 not a zip", "bao-cao.docx", "không phải văn bản Word"),
        (_spreadsheet_named_docx, "bao-cao.docx", "không đúng định dạng .docx"),
        (lambda: _repacked({"word/vbaProject.bin": b"macro"}), "bao-cao.docx", "có macro"),
        (_zip_bomb, "bao-cao.docx", "quá lớn khi giải nén"),
        (_linked_outside, "bao-cao.docx", "Văn bản có liên kết hoặc hình lấy từ ngoài"),
        (lambda: b"%PDF-1.7", "bao-cao.pdf", "phải là tệp Word .docx"),
        (lambda: b"", "bao-cao.docx", "trống"),
    ],
)
def test_an_upload_that_is_not_a_real_docx_is_refused_and_nothing_is_sent(
    client, world, build, name, message
):
    round_ = open_round(client, world)
    sign_in(client, world["a"]["officer"])
    response = _send_file(client, round_, build(), name, comment="Kèm bản đã ký.")
    assert response.status_code == 422 and message in response.text
    assert "Kèm bản đã ký." in response.text  # what was typed stays on the form
    assert latest(round_, world["a"]["org"].id) is None


def test_an_upload_over_the_size_limit_is_refused(client, world, monkeypatch):
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 1000)
    round_ = open_round(client, world)
    sign_in(client, world["a"]["officer"])
    response = _send_file(client, round_, default_template(), "bao-cao.docx")
    assert response.status_code == 422 and "lớn quá 10 MB" in response.text
    assert latest(round_, world["a"]["org"].id) is None


def test_a_round_asking_both_groups_gets_a_narrative_of_both(client, world, monkeypatch):
    monkeypatch.setattr(pdf, "_program", lambda: None)
    round_ = open_round(client, world, reports=["students", "workers"])
    submission = send(client, world["a"]["officer"], round_)
    text = _texts(submission.document("narrative").content)
    assert TRAINED_LINE.format(n=2) in text  # the student and the worker
    assert "học sinh, sinh viên và công nhân lao động" in text


def test_only_a_reporter_that_may_send_gets_the_draft(client, world):
    round_ = open_round(client, world)
    for user in (world["home_affairs"], world["admin"]):
        sign_in(client, user)
        refused = client.get(f"/rounds/{round_.id}/narrative")
        assert refused.status_code == 302
        assert "không phải báo cáo trong đợt này" in client.get(refused.headers["Location"]).text
    sign_in(client, world["a"]["secretary"])
    assert client.get(f"/rounds/{round_.id}/narrative").status_code == 403
