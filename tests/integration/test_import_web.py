"""The import pages: upload, preview, sheets, mapping, error workbook, commit, rollback."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import Candidate, ImportBatch, ImportMapping
from registry.spreadsheet.results import ISSUE_LABELS, issue_label
from tests.factories import login
from tests.fixtures.sheets import xlsx_bytes
from tests.integration.import_world import (
    MESSY_CODES,
    MESSY_MERGES,
    build_world,
    dump,
    messy_rows,
    person,
    sheet,
)


@pytest.fixture
def world(ctx):
    return build_world()


@pytest.fixture
def officer(world, client):
    login(client, world["users"]["officer_a"])
    return world["users"]["officer_a"]


def upload(client, data: bytes, name: str = "danh_sach.xlsx"):
    return client.post(
        "/imports/upload",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def batch_of(response) -> ImportBatch:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    batch_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    return db.session.get(ImportBatch, batch_id)


def text(response) -> str:
    return response.get_data(as_text=True)


def bad_rows() -> list[list[object]]:
    return sheet([person(1), person(2, birth_date="31/02/2005"), person(3, unit_code="THPT-B")])


def test_upload_previews_without_writing_candidates(officer, client):
    batch = batch_of(upload(client, xlsx_bytes(bad_rows())))
    assert batch.status == "previewed" and batch.content is not None
    assert (batch.rows, batch.new, batch.error_count) == (3, 1, 2)
    page = text(client.get(f"/imports/{batch.id}"))
    assert "2 dòng có lỗi" in page and "Tải tệp báo lỗi" in page
    assert "Ngày sinh không hợp lệ" in page and "không thuộc phạm vi quản lý" in page
    assert "Nguyễn Thị Thử B1" in page  # the first rows, normalised
    assert "0103******01" in page and "010305001001" not in page  # CCCD masked
    assert "disabled>Ghi vào sổ theo dõi" in page
    assert db.session.scalar(select(func.count(Candidate.id))) == 0


def test_unreadable_upload_says_why_and_keeps_nothing(officer, client):
    response = upload(client, b"%PDF-1.4 ...", "ds.xlsx")
    assert response.status_code == 400
    assert "Không nhận ra loại tệp «ds.xlsx»" in text(response)
    assert db.session.scalar(select(func.count(ImportBatch.id))) == 0
    response = client.post("/imports/upload", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Hãy chọn tệp" in text(response)


def test_too_large_upload_gets_413(officer, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = upload(client, b"x" * 5000)
    assert response.status_code == 413 and "Tệp quá lớn" in text(response)


def test_error_workbook_marks_the_bad_cells(officer, client):
    batch = batch_of(upload(client, xlsx_bytes(bad_rows()), "Danh sách lớp 12.xlsx"))
    response = client.get(f"/imports/{batch.id}/errors.xlsx")
    assert response.status_code == 200
    assert "loi_Danh%20s%C3%A1ch%20l%E1%BB%9Bp%2012.xlsx" in response.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in ws[1]]
    assert header[-1] == "Lỗi"
    error_col = len(header)
    birth = header.index("Ngày sinh") + 1
    assert ws.cell(3, birth).value == "31/02/2005"
    assert ws.cell(3, birth).fill.fgColor.rgb.endswith("FFC7CE")
    assert "không hợp lệ" in ws.cell(3, birth).comment.text
    assert "không hợp lệ" in ws.cell(3, error_col).value
    assert ws.cell(2, error_col).value is None  # the good row has no error
    unit = header.index("Mã đơn vị") + 1
    assert "phạm vi" in ws.cell(4, unit).comment.text


def test_sheet_picker_lists_every_sheet_and_reparses(officer, client):
    data = xlsx_bytes(
        [["Hướng dẫn điền danh sách"]],
        title="Hướng dẫn",
        more_sheets={"Khối 10": sheet([person(1)]), "Khối 11": sheet([person(2), person(3)])},
    )
    batch = batch_of(upload(client, data))
    assert (batch.sheet, batch.rows) == ("Khối 10", 1)
    page = text(client.get(f"/imports/{batch.id}"))
    assert "Hướng dẫn, Khối 10, Khối 11" in page
    response = client.post(f"/imports/{batch.id}/sheet", data={"sheet": "Khối 11"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (batch.sheet, batch.rows, batch.new) == ("Khối 11", 2, 2)


def test_mapping_can_be_changed_and_is_remembered(officer, client):
    rows = sheet([person(1, class_or_job="12A1")], ["full_name", "birth_date", "gender",
                                                   "unit_code", "class_or_job"])  # fmt: skip
    rows[0][4] = "Thông tin khác"  # a header no alias or keyword knows: the column is not used
    data = xlsx_bytes(rows)
    batch = batch_of(upload(client, data))
    assert "4" not in batch.mapping["columns"]
    page = text(client.get(f"/imports/{batch.id}"))
    assert "Thông tin khác" in page and "— Bỏ qua cột này —" in page
    fields = ["full_name", "birth_date", "gender", "unit_code", "class_or_job"]
    form = {}
    for i, name in enumerate(fields):
        form[f"columns-{i}-column"] = str(i)
        form[f"columns-{i}-field"] = name
    assert client.post(f"/imports/{batch.id}/mapping", data=form).status_code == 302
    db.session.expire_all()
    assert batch.mapping["columns"]["4"] == "class_or_job"
    assert db.session.scalar(select(func.count(ImportMapping.id))) == 1
    again = batch_of(upload(client, data))
    assert again.mapping["columns"]["4"] == "class_or_job"  # applied automatically
    form["columns-1-field"] = "full_name"
    response = client.post(f"/imports/{batch.id}/mapping", data=form)
    assert response.status_code == 400 and "được chọn cho nhiều cột" in text(response)


def test_commit_then_rollback_through_the_pages(officer, client):
    data = xlsx_bytes(sheet([person(1), person(2)]))
    batch = batch_of(upload(client, data))
    response = client.post(f"/imports/{batch.id}/commit", follow_redirects=True)
    assert "Đã nhập 2 dòng: 2 thêm mới" in text(response)
    db.session.expire_all()
    assert batch.status == "committed" and batch.uploaded_by_id == officer.id
    assert db.session.scalar(select(func.count(Candidate.id))) == 2
    listing = text(client.get("/imports/"))
    assert "danh_sach.xlsx" in listing and "Đã ghi" in listing
    response = client.post(f"/imports/{batch.id}/rollback", follow_redirects=True)
    assert "Hãy đánh dấu xác nhận" in text(response)
    response = client.post(f"/imports/{batch.id}/rollback", data={"confirm": "y"},
                           follow_redirects=True)  # fmt: skip
    assert "Đã hoàn tác: xóa 2 hồ sơ" in text(response)
    assert db.session.scalar(select(func.count(Candidate.id))) == 0


def test_the_same_file_twice_needs_a_confirmation(officer, client):
    data = xlsx_bytes(sheet([person(1)]))
    first = batch_of(upload(client, data))
    client.post(f"/imports/{first.id}/commit")
    second = batch_of(upload(client, data))
    page = text(client.get(f"/imports/{second.id}"))
    assert "đã được nhập lúc" in page
    response = client.post(f"/imports/{second.id}/commit", follow_redirects=True)
    assert "Tệp này đã được nhập trước đây" in text(response)
    db.session.expire_all()
    assert second.status == "previewed"
    response = client.post(
        f"/imports/{second.id}/commit", data={"confirm_duplicate": "y"}, follow_redirects=True
    )
    assert "1 không đổi" in text(response)


def test_a_commit_with_errors_is_refused_and_writes_nothing(officer, client):
    batch = batch_of(upload(client, xlsx_bytes(bad_rows())))
    before = dump()
    response = client.post(f"/imports/{batch.id}/commit", follow_redirects=True)
    assert "Chưa ghi gì: 2 dòng có lỗi" in text(response)
    assert dump() == before


def test_original_file_download_uses_a_safe_name(officer, client):
    data = xlsx_bytes(sheet([person(1)]))
    batch = batch_of(upload(client, data, "../../etc/passwd.xlsx"))
    assert batch.filename == "passwd.xlsx"
    response = client.get(f"/imports/{batch.id}/file")
    assert response.data == data
    assert response.headers["Content-Disposition"] == "attachment; filename=passwd.xlsx"


def test_another_scope_gets_404_on_every_route(world, client):
    login(client, world["users"]["officer_a"])
    batch = batch_of(upload(client, xlsx_bytes(sheet([person(1)]))))
    client.post("/logout")
    login(client, world["users"]["officer_b"])
    routes = [
        ("get", ""),
        ("get", "/errors.xlsx"),
        ("get", "/file"),
        ("post", "/commit"),
        ("post", "/rollback"),
        ("post", "/sheet"),
        ("post", "/mapping"),
    ]
    for method, suffix in routes:
        response = getattr(client, method)(f"/imports/{batch.id}{suffix}")
        assert response.status_code == 404, suffix
    assert "danh_sach.xlsx" not in text(client.get("/imports/"))
    client.post("/logout")
    login(client, world["users"]["cell_a"])
    assert client.get(f"/imports/{batch.id}").status_code == 404
    assert client.get("/imports/").status_code == 403
    client.post("/logout")
    login(client, world["users"]["province"])
    assert client.get(f"/imports/{batch.id}").status_code == 403
    db.session.expire_all()
    assert batch.status == "previewed"


def test_template_has_the_headers_lists_and_parses(officer, client):
    response = client.get("/imports/template")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    ws = book["Danh sách"]
    assert [c.value for c in ws[1]][:3] == ["STT", "Họ và tên", "Ngày sinh"]
    lists = {str(v.formula1) for v in ws.data_validations.dataValidation}
    assert '"Nam,Nữ"' in lists
    assert '"Học sinh THPT,Học viên GDNN-GDTX,Sinh viên,Công nhân"' in lists
    assert any("Danh mục" in f for f in lists)
    assert book["Danh mục"].sheet_state == "hidden" and book["Danh mục"]["A2"].value == "Kinh"
    ws["K2"] = "THPT-A"  # the example row with a real unit code reads cleanly
    out = io.BytesIO()
    book.save(out)
    batch = batch_of(upload(client, out.getvalue()))
    assert (batch.rows, batch.new, batch.error_count) == (1, 1, 0), batch.errors
    assert batch.mapping["sample"][0]["group"] == "Học sinh THPT"
    assert batch.mapping["sample"][0]["birth_date"] == date(2006, 3, 15).strftime("%d/%m/%Y")


def test_preview_lists_every_error_of_a_messy_list(officer, client):
    data = xlsx_bytes(messy_rows(today_vn()), merges=MESSY_MERGES)
    batch = batch_of(upload(client, data))
    # Row 11's unit lies in the other ward: out of this officer's scope.
    expected = [*MESSY_CODES[:2], (11, "unit_name", "out_of_scope"), *MESSY_CODES[2:]]
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == expected
    assert (batch.rows, batch.new, batch.error_count) == (14, 2, 12)
    page = text(client.get(f"/imports/{batch.id}"))
    for error in batch.errors:
        assert f"<td>{issue_label(error['code'])}</td>" in page
        assert error["code"] in ISSUE_LABELS
        assert (
            error["message"].replace("«", "&laquo;")[:30] in page or error["message"][:30] in page
        )
    assert "Lê Thị Hà" in page and "Trần Văn Đức" in page  # TCVN3 and VNI read right
