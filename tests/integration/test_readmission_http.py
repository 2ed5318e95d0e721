"""Readmission (kết nạp lại) through the web and the API: the form keeps the flag with
when and why the person left the Party, the candidate page says from when the chi bộ
may consider them, the stage service refuses a resolution inside the 36 months, and the
breakdown report counts readmissions among those admitted."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditLog, Candidate, StageEvent
from registry.services.candidates.stages import sync_stage_columns
from tests.factories import AreaFactory, CellFactory, UnitFactory, UserFactory, login


@pytest.fixture
def world(ctx):
    area = AreaFactory(name="Phường Thử")
    cell = CellFactory(area=area, name="Chi bộ Doanh nghiệp Thử")
    firm = UnitFactory(area=area, cell=cell, name="Công ty TNHH Thử", kind="cong_ty_tnhh")
    w = {
        "firm": firm,
        "sec": UserFactory(role="cell", cell=cell),
        "other": UserFactory(role="cell", cell=UnitFactory().cell),
        "area": UserFactory(role="area", area=area),
    }
    db.session.commit()
    return w


def form(unit_id, **kw):
    data = {
        "full_name": "Phạm Văn Lại",
        "gender": "M",
        "birth_date": "12/04/1988",
        "ethnicity": "Kinh",
        "religion": "99",
        "id_number": "",
        "unit_id": str(unit_id),
        "cell_id": "0",
        "source_date": "05/01/2023",
        "readmission": "y",
        "left_party_date": "15/03/2021",
        "left_party_reason": "Chuyển nơi ở, không chuyển sinh hoạt đảng",
    }
    data.update(kw)
    return data


def created(client, world, **kw) -> Candidate:
    response = client.post("/candidates/new", data=form(world["firm"].id, **kw))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return db.session.scalars(select(Candidate).where(Candidate.full_name == "Phạm Văn Lại")).one()


def trained(c: Candidate, on=date(2023, 6, 1)) -> None:
    db.session.add(
        StageEvent(
            candidate=c, stage="trained", event_date=on, unit_id=c.unit_id, cell_id=c.cell_id
        )
    )
    db.session.flush()
    sync_stage_columns(c)
    db.session.commit()


def test_the_form_keeps_the_readmission_and_the_page_says_from_when(client, world):
    login(client, world["sec"])
    page = client.get("/candidates/new").get_data(as_text=True)
    assert "Kết nạp lại" in page and "Ngày ra khỏi Đảng" in page
    c = created(client, world)
    assert (c.readmission, c.left_party_date, c.left_party_reason) == (
        True,
        date(2021, 3, 15),
        "Chuyển nơi ở, không chuyển sinh hoạt đảng",
    )
    create = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "create", AuditLog.entity_id == c.id)
    )
    assert create.after["readmission"] is True and create.after["left_party_date"] == "2021-03-15"
    html = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    row = html.split('data-testid="readmission"')[1].split("</tr>")[0]
    assert "Ra khỏi Đảng ngày 15/03/2021" in row and "không chuyển sinh hoạt đảng" in row
    assert "được xem xét đề nghị kết nạp lại từ ngày 15/03/2024" in row
    assert 'data-testid="readmission-badge"' in html
    # Unticking the flag drops what only a readmission keeps.
    edit = form(world["firm"].id, readmission="", source_date=None)
    edit.pop("readmission")
    assert client.post(f"/candidates/{c.id}/edit", data=edit).status_code == 302
    db.session.expire_all()
    assert (c.readmission, c.left_party_date, c.left_party_reason) == (False, None, None)


def test_a_readmission_without_the_date_or_reason_is_refused_keeping_what_was_typed(client, world):
    login(client, world["sec"])
    data = form(world["firm"].id, left_party_date="", left_party_reason="")
    response = client.post("/candidates/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Người kết nạp lại cần ghi ngày ra khỏi Đảng." in html
    assert "Người kết nạp lại cần ghi lý do ra khỏi Đảng." in html
    assert 'value="Phạm Văn Lại"' in html and 'value="12/04/1988"' in html
    [box] = re.findall(r'<input[^>]*name="readmission"[^>]*>', html)
    assert "checked" in box
    before_birth = form(world["firm"].id, left_party_date="01/01/1980")
    html = client.post("/candidates/new", data=before_birth).get_data(as_text=True)
    assert "Ngày ra khỏi Đảng phải sau ngày sinh." in html
    assert db.session.scalar(select(Candidate).where(Candidate.full_name == "Phạm Văn Lại")) is None


def test_the_cell_resolution_inside_36_months_is_refused_keeping_what_was_typed(client, world):
    login(client, world["sec"])
    c = created(client, world)
    trained(c)
    refused = client.post(
        f"/candidates/{c.id}/stages",
        data={"stage": "cell_resolution", "event_date": "14/03/2024", "document_no": "07-NQ/CB"},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Kết nạp lại chỉ được xem xét sau ít nhất 36 tháng" in html
    assert "tức từ ngày 15/03/2024" in html
    assert 'value="14/03/2024"' in html and 'value="07-NQ/CB"' in html
    db.session.expire_all()
    assert c.cell_resolution_date is None
    accepted = client.post(
        f"/candidates/{c.id}/stages",
        data={"stage": "cell_resolution", "event_date": "15/03/2024", "document_no": "07-NQ/CB"},
        follow_redirects=True,
    )
    page = accepted.get_data(as_text=True)
    assert accepted.status_code == 200 and "Đã ghi nhận bước" in page
    assert "không được xem xét kết nạp lại" in page  # the reminder about barred grounds
    db.session.expire_all()
    assert c.cell_resolution_date == date(2024, 3, 15)


def test_correcting_the_resolution_into_the_wait_is_refused(client, world):
    login(client, world["sec"])
    c = created(client, world)
    trained(c)
    ok = client.post(
        f"/candidates/{c.id}/stages",
        data={"stage": "cell_resolution", "event_date": "20/03/2024", "document_no": ""},
    )
    assert ok.status_code == 302
    event = db.session.scalar(select(StageEvent).where(StageEvent.stage == "cell_resolution"))
    response = client.post(
        f"/candidates/{c.id}/events/{event.id}",
        data={f"e{event.id}-event_date": "01/03/2024", f"e{event.id}-document_no": "NQ"},
    )
    assert response.status_code == 422
    assert "Kết nạp lại chỉ được xem xét" in response.get_data(as_text=True)


def test_flagging_a_proposed_record_inside_the_wait_is_refused_on_the_form(client, world):
    login(client, world["sec"])
    c = created(client, world, readmission="", left_party_date="", left_party_reason="")
    trained(c)
    proposed = client.post(
        f"/candidates/{c.id}/stages",
        data={"stage": "cell_resolution", "event_date": "14/03/2024", "document_no": ""},
    )
    assert proposed.status_code == 302  # not a readmission then
    data = form(world["firm"].id, left_party_date="15/03/2021")
    data.pop("source_date")
    response = client.post(f"/candidates/{c.id}/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    field = html.split('id="left_party_date"')[1].split("</div>")[0]
    assert "tức từ ngày 15/03/2024" in field and "14/03/2024" in field
    assert 'value="15/03/2021"' in html and "không chuyển sinh hoạt đảng" in html
    db.session.expire_all()
    assert (c.readmission, c.left_party_date) == (False, None)
    data["left_party_date"] = "14/03/2021"
    assert client.post(f"/candidates/{c.id}/edit", data=data).status_code == 302
