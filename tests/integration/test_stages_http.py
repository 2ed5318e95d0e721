"""Stages over HTTP: the rules at their edges, corrections, undo and the audit trail."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from registry.domain.workdays import fmt_date, today_vn
from registry.extensions import db
from registry.models import AuditLog, Candidate, StageEvent
from tests.factories import CandidateFactory, CellFactory, UnitFactory, UserFactory, login


@pytest.fixture
def world(ctx):
    unit = UnitFactory(name="Trường THPT Thử")
    w = {
        "unit": unit,
        "sec": UserFactory(role="cell", cell=unit.cell, full_name="Bí thư Thử"),
        "colleague": UserFactory(role="cell", cell=unit.cell),
        "admin": UserFactory(role="admin"),
    }
    db.session.commit()
    return w


def make(world, **kw) -> Candidate:
    kw.setdefault("source_date", date(2019, 1, 2))
    kw.setdefault("birth_date", date(2006, 5, 1))
    c = CandidateFactory(unit=world["unit"], **kw)
    db.session.commit()
    return c


def post_stage(client, c, stage, when, **kw):
    data = {"stage": stage, "event_date": when, "document_no": kw.pop("document_no", "")}
    data.update(kw)
    return client.post(f"/candidates/{c.id}/stages", data=data)


def stage_of(c) -> str:
    db.session.expire_all()
    return db.session.get(Candidate, c.id).stage


def ok(response):
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]


def test_record_shows_on_timeline_with_recorder(client, world):
    c = make(world)
    login(client, world["sec"])
    page = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    assert "Ghi nhận bước tiếp theo" in page and "Cử đi học lớp" in page
    response = post_stage(client, c, "trained", "10/01/2024", document_no="GCN-15")
    ok(response)
    page = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    assert "Đã ghi nhận bước “Đã học lớp nhận thức về Đảng” ngày 10/01/2024" in page
    assert "GCN-15" in page and "Bí thư Thử" in page
    assert stage_of(c) == "trained"


def test_exactly_18_on_the_day_and_one_day_short(client, world):
    c = make(world)
    login(client, world["sec"])
    ok(post_stage(client, c, "trained", "10/01/2024"))
    response = post_stage(client, c, "cell_resolution", "30/04/2024")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "17 tuổi 11 tháng" in html and 'value="30/04/2024"' in html
    assert stage_of(c) == "trained"
    ok(post_stage(client, c, "cell_resolution", "01/05/2024"))
    assert stage_of(c) == "cell_resolution"


def test_certificate_60_months(client, world):
    c = make(world, birth_date=date(2000, 1, 1))
    login(client, world["sec"])
    ok(post_stage(client, c, "trained", "10/06/2019"))
    response = post_stage(client, c, "cell_resolution", "11/06/2024")
    assert response.status_code == 422
    assert "cần học lại lớp nhận thức về Đảng" in response.get_data(as_text=True)
    ok(post_stage(client, c, "cell_resolution", "10/06/2024"))


def test_probation_11_vs_12_months(client, world):
    c = make(world, birth_date=date(2000, 1, 1))
    login(client, world["sec"])
    for stage, when in [
        ("trained", "05/01/2023"),
        ("cell_resolution", "01/03/2023"),
        ("decision", "02/05/2023"),
        ("admitted", "01/06/2023"),
    ]:
        ok(post_stage(client, c, stage, when, document_no="QĐ-1"))
    page = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    assert "Hết thời gian dự bị" in page and "01/06/2024" in page
    response = post_stage(client, c, "full_member", "31/05/2024")
    assert response.status_code == 422
    assert "Chưa đủ 12 tháng dự bị" in response.get_data(as_text=True)
    ok(post_stage(client, c, "full_member", "03/06/2024"))
    page = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    assert "Ngày chính thức (có hiệu lực)" in page and "ngày xét công nhận 03/06/2024" in page


def test_future_and_earlier_dates_refused(client, world):
    c = make(world, source_date=date(2024, 9, 5))
    login(client, world["sec"])
    tomorrow = fmt_date(today_vn() + timedelta(days=1))
    response = post_stage(client, c, "trained", tomorrow)
    assert response.status_code == 422 and "ở tương lai" in response.get_data(as_text=True)
    response = post_stage(client, c, "trained", "04/09/2024")
    assert response.status_code == 422
    assert "sớm hơn ngày của bước" in response.get_data(as_text=True)
    ok(post_stage(client, c, "trained", "05/09/2024"))


def test_committee_refused_for_chi_bo_co_so(client, world):
    c = make(world, birth_date=date(2000, 1, 1))
    login(client, world["sec"])
    ok(post_stage(client, c, "trained", "01/01/2024"))
    ok(post_stage(client, c, "cell_resolution", "01/02/2024"))
    page = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    stage_form = page.split('data-testid="stage-form"')[1].split("</form>")[0]
    assert 'value="committee_resolution"' not in stage_form
    response = post_stage(client, c, "committee_resolution", "01/03/2024")
    assert response.status_code == 422
    assert "Chi bộ cơ sở không có bước" in response.get_data(as_text=True)


def test_committee_offered_for_chi_bo_truc_thuoc(client, world):
    cell = CellFactory(kind="truc_thuoc", parent_org="Đảng bộ Trường Cao đẳng Lào Cai")
    unit = UnitFactory(cell=cell, area=cell.area, kind="cao_dang_dai_hoc")
    c = CandidateFactory(unit=unit, birth_date=date(2000, 1, 1), source_date=date(2023, 1, 1))
    user = UserFactory(role="cell", cell=cell)
    db.session.commit()
    login(client, user)
    ok(post_stage(client, c, "trained", "01/01/2024"))
    ok(post_stage(client, c, "cell_resolution", "01/02/2024"))
    page = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    stage_form = page.split('data-testid="stage-form"')[1].split("</form>")[0]
    assert 'value="committee_resolution"' in stage_form
    ok(post_stage(client, c, "committee_resolution", "01/03/2024"))


def test_exit_needs_a_reason(client, world):
    c = make(world)
    login(client, world["sec"])
    response = post_stage(client, c, "exited", "01/03/2024")
    assert response.status_code == 422
    assert "Hãy chọn lý do ra khỏi danh sách" in response.get_data(as_text=True)
    ok(post_stage(client, c, "exited", "01/03/2024", reason="moved"))
    page = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    assert "Chuyển đi nơi khác" in page and "Ghi nhận bước tiếp theo" not in page


def test_correction_by_recorder_colleague_and_admin(client, world):
    c = make(world, source_date=date(2024, 9, 5))
    login(client, world["sec"])
    ok(post_stage(client, c, "trained", "01/10/2024", document_no="GCN-1"))
    event = db.session.scalars(select(StageEvent).where(StageEvent.stage == "trained")).one()
    url = f"/candidates/{c.id}/events/{event.id}"

    e = f"e{event.id}-"
    response = client.post(url, data={e + "event_date": "01/09/2024", e + "document_no": "GCN-1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "sớm hơn ngày của bước" in html and 'value="01/09/2024"' in html
    ok(client.post(url, data={e + "event_date": "02/10/2024", e + "document_no": "GCN-2"}))
    db.session.expire_all()
    got = db.session.get(Candidate, c.id)
    assert (got.trained_date, got.certificate_no) == (date(2024, 10, 2), "GCN-2")

    client.post("/logout")
    login(client, world["colleague"])
    assert client.post(url, data={e + "event_date": "03/10/2024"}).status_code == 403
    client.post("/logout")
    login(client, world["admin"])
    ok(client.post(url, data={e + "event_date": "03/10/2024", e + "document_no": "GCN-3"}))


def test_undo_is_for_admins(client, world):
    c = make(world)
    login(client, world["sec"])
    ok(post_stage(client, c, "trained", "01/10/2024", document_no="GCN-1"))
    assert "Hoàn tác" not in client.get(f"/candidates/{c.id}").get_data(as_text=True)
    assert client.post(f"/candidates/{c.id}/events/undo").status_code == 403
    client.post("/logout")
    login(client, world["admin"])
    assert "Hoàn tác sự kiện cuối" in client.get(f"/candidates/{c.id}").get_data(as_text=True)
    ok(client.post(f"/candidates/{c.id}/events/undo"))
    db.session.expire_all()
    got = db.session.get(Candidate, c.id)
    assert (got.stage, got.trained_date, got.certificate_no) == ("source", None, None)
    response = client.post(f"/candidates/{c.id}/events/undo", follow_redirects=True)
    assert "Không thể hoàn tác sự kiện duy nhất" in response.get_data(as_text=True)


def test_audit_trail_of_every_change(client, world):
    login(client, world["sec"])
    data = {
        "full_name": "Sùng Thị Dua",
        "gender": "F",
        "birth_date": "02/02/2006",
        "ethnicity": "Mông",
        "unit_id": str(world["unit"].id),
        "cell_id": "0",
        "source_date": "01/09/2024",
    }
    ok(client.post("/candidates/new", data=data))
    c = db.session.scalars(select(Candidate).where(Candidate.full_name == "Sùng Thị Dua")).one()
    ok(client.post(f"/candidates/{c.id}/edit", data={**data, "hometown": "Bắc Hà"}))
    ok(post_stage(client, c, "trained", "01/10/2024"))
    event = db.session.scalars(select(StageEvent).where(StageEvent.stage == "trained")).one()
    url = f"/candidates/{c.id}/events/{event.id}"
    ok(client.post(url, data={f"e{event.id}-event_date": "02/10/2024"}))
    client.get(f"/candidates/{c.id}")
    client.post("/logout")
    login(client, world["admin"])
    ok(client.post(f"/candidates/{c.id}/events/undo"))
    rows = db.session.execute(
        select(AuditLog.action, AuditLog.actor)
        .where(AuditLog.action.not_in(("login", "logout")))
        .order_by(AuditLog.id)
    ).all()
    sec, admin = world["sec"].username, world["admin"].username
    assert [tuple(r) for r in rows] == [
        ("create", sec),
        ("stage", sec),
        ("update", sec),
        ("stage", sec),
        ("correct", sec),
        ("view", sec),
        ("undo", admin),
    ]


def test_leaving_the_list_is_never_preselected(client, world):
    c = make(world)
    login(client, world["sec"])
    page = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    assert '<option selected value="trained">' in page
    assert '<option selected value="exited">' not in page
    blank = post_stage(client, c, "", fmt_date(today_vn()))
    assert "Hãy chọn bước." in blank.get_data(as_text=True)
    assert stage_of(c) == "source"
