"""The reports page: downloads, file names, the audit log, scope, bad input, settings."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditLog, Organisation
from tests.factories import PASSWORD, CellFactory, UserFactory
from tests.integration.reports_world import build_world
from tests.unit.test_exports_support import all_texts


@pytest.fixture
def world(ctx):
    return build_world()


def login(client, user) -> None:
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def form(area, report="students", **changes) -> dict:
    data = {
        "report": report, "preset": "year", "year": "2025", "quarter": "1",
        "date_from": "", "date_to": "", "area_id": str(area.id), "group": "", "reached": "",
        "download": "Tải báo cáo",
    }  # fmt: skip
    data.update(changes)
    return data


def test_the_page_is_for_officers_and_the_register_alone_for_cell_secretaries(client, world):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    cell_user = UserFactory(role="cell", cell=CellFactory(area=world["areas"]["north"]))
    db.session.commit()
    login(client, cell_user)
    # A cell secretary's reports page is their cell's register alone.
    page = client.get("/reports/")
    assert page.status_code == 200 and "Tải sổ theo dõi" in page.text
    assert "Tải báo cáo" not in page.text
    client.post("/logout")
    login(client, world["users"]["province"])
    page = client.get("/reports/")
    assert page.status_code == 200
    assert "Tải báo cáo" in page.text and "Năm học (01/9 – 31/8)" in page.text


def test_a_download_is_named_for_the_period_and_logged(client, world):
    login(client, world["users"]["province"])
    province = world["areas"]["province"]
    response = client.post("/reports/", data=form(province, group="thpt"))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert 'filename="bao-cao-hoc-sinh_2025-01-01_2025-12-31.xlsx"' in disposition
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20h%E1%BB%8Dc%20sinh" in disposition
    ws = load_workbook(BytesIO(response.data)).active
    assert "Trường THPT Bắc" in all_texts(ws)
    assert "Trung tâm GDNN - GDTX Bắc" not in all_texts(ws)  # only THPT asked for
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).one()
    assert entry.actor == world["users"]["province"].username
    assert entry.after["report"] == "students" and entry.after["group"] == "thpt"
    assert (entry.after["period_from"], entry.after["period_to"]) == ("2025-01-01", "2025-12-31")
    assert entry.after["area_id"] == province.id


def test_school_year_and_decree_periods_reach_the_workbook(client, world):
    login(client, world["users"]["province"])
    province = world["areas"]["province"]
    response = client.post("/reports/", data=form(province, preset="school_year", year="2024"))
    assert "2024-09-01_2025-08-31" in response.headers["Content-Disposition"]
    texts = all_texts(load_workbook(BytesIO(response.data)).active)
    assert "Năm học 2024 - 2025 (từ ngày 01/09/2024 đến ngày 31/08/2025)" in texts
    response = client.post("/reports/", data=form(province, "summary", preset="nd09_half"))
    assert "2024-12-15_2025-06-14" in response.headers["Content-Disposition"]


def test_an_area_officer_gets_only_their_subtree(client, world):
    officer, north, south = (
        world["users"]["north"],
        world["areas"]["north"],
        world["areas"]["south"],
    )
    login(client, officer)
    page = client.get("/reports/")
    assert "Phường Bắc" in page.text and "Xã Nam" not in page.text
    texts = all_texts(
        load_workbook(BytesIO(client.post("/reports/", data=form(north)).data)).active
    )
    assert "Trường THPT Bắc" in texts and "Trường Cao đẳng Nam" not in texts
    assert client.post("/reports/", data=form(south)).status_code == 404
    assert client.post("/reports/", data=form(south, area_id="abc")).status_code == 404
    detail = client.post("/reports/", data=form(north, "candidates"))
    names = all_texts(load_workbook(BytesIO(detail.data)).active)
    assert "Nguyễn Thị An" in names and "Đỗ Văn Oanh" not in names


def test_bad_input_comes_back_with_what_was_typed(client, world):
    login(client, world["users"]["province"])
    province = world["areas"]["province"]
    response = client.post(
        "/reports/",
        data=form(province, preset="custom", date_from="31/02/2025", date_to="1/1/2025"),
    )
    assert response.status_code == 422
    assert "Ngày không hợp lệ" in response.text and 'value="31/02/2025"' in response.text
    response = client.post(
        "/reports/", data=form(province, preset="custom", date_from="2/1/2025", date_to="1/1/2025")
    )
    assert response.status_code == 422 and "phải sau hoặc trùng" in response.text
    response = client.post("/reports/", data=form(province, "ct33", group="thpt"))
    assert response.status_code == 422 and "không lập cho đối tượng" in response.text
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "export")) is None


def test_a_free_period_counts_both_of_its_days(client, world):
    login(client, world["users"]["province"])
    data = form(
        world["areas"]["province"], preset="custom", date_from="31/12/2025", date_to="2025-12-31"
    )
    ws = load_workbook(BytesIO(client.post("/reports/", data=data).data)).active
    total = next(r for r in ws.iter_rows(values_only=True) if r[1] == "TỔNG CỘNG")
    assert total[8] == 1  # Cường's ceremony on 31/12/2025


def test_each_user_edits_their_own_organisations_settings(client, world):
    officer, orgs = world["users"]["north"], world["orgs"]
    login(client, officer)
    page = client.get("/reports/settings")
    assert page.status_code == 200 and "UBND PHƯỜNG BẮC" in page.text
    assert "UBND Phường Bắc" in page.text  # whose settings these are
    assert client.get(f"/reports/settings?org={orgs['snv'].id}").status_code == 404
    response = client.post(
        "/reports/settings",
        data={
            "issuing_body": "ĐẢNG ỦY PHƯỜNG BẮC\n  ",
            "place": "Bắc",
            "style": "party",
            "form_code": "",
            "issuer_code": "ĐU",
            "signer_title": "T/M ĐẢNG ỦY\nBÍ THƯ",
            "signer_name": "Lò Văn Ký",
            "preparer_name": "",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    north_org = db.session.get(Organisation, orgs["north"].id)
    assert north_org.issuing_body == "ĐẢNG ỦY PHƯỜNG BẮC"
    assert north_org.signer_title == "T/M ĐẢNG ỦY\nBÍ THƯ"
    assert north_org.style == "party"
    north = world["areas"]["north"]
    texts = all_texts(
        load_workbook(BytesIO(client.post("/reports/", data=form(north)).data)).active
    )
    assert "ĐẢNG ỦY PHƯỜNG BẮC" in texts and "BÍ THƯ" in texts and "Lò Văn Ký" in texts
    # Sở Nội vụ's reports on the same area keep Sở Nội vụ's header.
    assert "Số        -BC/ĐU" in texts
    client.post("/logout")
    login(client, world["users"]["province"])
    assert "UBND TỈNH THỬ NGHIỆM" in client.get("/reports/settings").text
    texts = all_texts(
        load_workbook(BytesIO(client.post("/reports/", data=form(north)).data)).active
    )
    assert "SỞ NỘI VỤ" in texts and "ĐẢNG ỦY PHƯỜNG BẮC" not in texts
    assert client.get(f"/reports/settings?org={orgs['north'].id}").status_code == 404
    # An admin may open any organisation's.
    client.post("/logout")
    login(client, world["users"]["admin"])
    assert "ĐẢNG ỦY PHƯỜNG BẮC" in client.get(f"/reports/settings?org={orgs['north'].id}").text


def test_an_account_without_organisation_is_told_so(client, world):
    login(client, world["users"]["south"])
    page = client.get("/reports/settings")
    assert page.status_code == 200
    assert "chưa thuộc cơ quan, tổ chức nào" in page.text
