"""Candidate forms over HTTP: create, edit, the candidate page, scope, CCCD, audit."""

from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditLog, Candidate, StageEvent
from tests.factories import (
    AreaFactory,
    CandidateFactory,
    CellFactory,
    UnitFactory,
    UserFactory,
    login,
)

CCCD = "010207123456"  # Lào Cai code 010, male born in the 2000s (2), year 07


@pytest.fixture
def world(ctx):
    province = AreaFactory(name="Tỉnh Thử", level="province")
    a1 = AreaFactory(name="Phường Một", parent=province)
    b1 = AreaFactory(name="Phường Hai", parent=province)
    cell_a = CellFactory(area=a1, name="Chi bộ Trường A")
    cell_b = CellFactory(area=b1, name="Chi bộ Trường B")
    unit_a = UnitFactory(area=a1, cell=cell_a, name="Trường THPT A", kind="thpt")
    firm_a = UnitFactory(area=a1, cell=cell_a, name="Công ty TNHH A", kind="cong_ty_tnhh")
    unit_b = UnitFactory(area=b1, cell=cell_b, name="Trường THPT B", kind="thpt")
    w = {
        "unit_a": unit_a,
        "firm_a": firm_a,
        "unit_b": unit_b,
        "cell_a": cell_a,
        "cell_b": cell_b,
        "cand_a": CandidateFactory(unit=unit_a, full_name="Lò Thị Mai", id_number=None),
        "cand_b": CandidateFactory(unit=unit_b, full_name="Giàng A Páo", id_number="010206000111"),
        "sec_a": UserFactory(role="cell", cell=cell_a),
        "sec_b": UserFactory(role="cell", cell=cell_b),
        "area_a": UserFactory(role="area", area=a1),
        "admin": UserFactory(role="admin"),
        "province": UserFactory(role="province"),
    }
    db.session.commit()
    return w


def form_data(unit_id, **kw):
    data = {
        "full_name": "Hoàng Văn Thụ",
        "gender": "M",
        "birth_date": "05/09/2007",
        "ethnicity": "Tày",
        "religion": "99",
        "id_number": CCCD,
        "hometown": "Lào Cai",
        "education": "12/12",
        "unit_id": str(unit_id),
        "cell_id": "0",
        "subgroup": "",
        "class_or_job": "12A1",
        "introducers": "Nguyễn Văn A\nTrần Thị B",
        "source_date": "01/09/2024",
        "note": "",
    }
    data.update(kw)
    return data


def actions(entity_id=None):
    stmt = select(AuditLog.action).order_by(AuditLog.id)
    if entity_id is not None:
        stmt = stmt.where(AuditLog.entity_id == entity_id)
    return db.session.scalars(stmt).all()


def test_cell_secretary_adds_a_candidate(client, world):
    login(client, world["sec_a"])
    page = client.get("/candidates/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Trường THPT A" in html and "Trường THPT B" not in html
    assert 'list="ethnicity-list"' in html and '<option value="Tày">' in html

    response = client.post("/candidates/new", data=form_data(world["unit_a"].id))
    assert response.status_code == 302
    c = db.session.scalars(select(Candidate).where(Candidate.full_name == "Hoàng Văn Thụ")).one()
    assert response.headers["Location"].endswith(f"/candidates/{c.id}")
    assert (c.name_key, c.sort_key) == ("hoang van thu", "thu 5 va{n 0 hoang 1")
    assert (c.group_code, c.subgroup, c.ethnicity, c.cell_id) == (
        "student",
        "thpt",
        "02",
        world["cell_a"].id,
    )
    assert c.introducers == "Nguyễn Văn A; Trần Thị B"
    assert (c.stage, c.source_date, c.last_event_date) == (
        "source",
        date(2024, 9, 1),
        date(2024, 9, 1),
    )
    assert [e.stage for e in c.events] == ["source"]
    assert actions(c.id) == ["create", "stage"]

    detail = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    assert CCCD in detail and "Quần chúng ưu tú (nguồn)" in detail and "01/09/2024" in detail


def test_group_follows_the_unit_kind(client, world):
    login(client, world["area_a"])
    data = form_data(world["firm_a"].id, id_number="", full_name="Vàng Văn Sử")
    assert client.post("/candidates/new", data=data).status_code == 302
    c = db.session.scalars(select(Candidate).where(Candidate.full_name == "Vàng Văn Sử")).one()
    assert (c.group_code, c.subgroup) == ("worker", "cong_nhan")


@pytest.mark.parametrize("typed", ["5/9/2007", "2007-09-05", "05-09-2007", "05.09.2007"])
def test_date_formats(client, world, typed):
    login(client, world["sec_a"])
    data = form_data(world["unit_a"].id, birth_date=typed)
    assert client.post("/candidates/new", data=data).status_code == 302
    assert db.session.scalar(select(Candidate.birth_date).where(Candidate.id_number == CCCD)) == (
        date(2007, 9, 5)
    )


def test_bad_form_keeps_what_was_typed(client, world):
    login(client, world["sec_a"])
    data = form_data(world["unit_a"].id, birth_date="31/02/2007", hometown="Bản Phố, Bắc Hà")
    response = client.post("/candidates/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ngày không hợp lệ" in html
    assert 'value="31/02/2007"' in html and 'value="Hoàng Văn Thụ"' in html
    assert 'value="Bản Phố, Bắc Hà"' in html and 'value="Tày"' in html
    assert "Trần Thị B" in html
    assert db.session.scalar(select(Candidate.id).where(Candidate.id_number == CCCD)) is None


def test_text_longer_than_its_column_is_refused_with_a_message_and_kept(client, world):
    login(client, world["sec_a"])
    name, place, note = "Hoàng Văn " + "Thụ" * 60, "Bản " + "Phố" * 90, "ghichú" * 350
    data = form_data(world["unit_a"].id, full_name=name, hometown=place, note=note)
    response = client.post("/candidates/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"Dài quá 120 ký tự (đang có {len(name)} ký tự)" in html
    assert f"Dài quá 255 ký tự (đang có {len(place)} ký tự)" in html
    assert f"Dài quá 2000 ký tự (đang có {len(note)} ký tự)" in html
    # What was typed comes back whole, and the browser is not told to cut it.
    assert f'value="{name}"' in html and f'value="{place}"' in html and note in html
    assert "maxlength" not in html
    assert db.session.scalar(select(Candidate.id).where(Candidate.id_number == CCCD)) is None
    page = client.get(f"/candidates/{world['cand_a'].id}/edit").get_data(as_text=True)
    assert "maxlength" not in page


def test_unknown_ethnicity_and_future_birth_refused(client, world):
    login(client, world["sec_a"])
    data = form_data(world["unit_a"].id, ethnicity="Sao Hỏa", birth_date="01/01/2099")
    html = client.post("/candidates/new", data=data).get_data(as_text=True)
    assert "Không có dân tộc này trong danh mục" in html
    assert "không được ở tương lai" in html


def test_unit_of_another_area_is_refused(client, world):
    login(client, world["sec_a"])
    response = client.post("/candidates/new", data=form_data(world["unit_b"].id))
    assert response.status_code == 422
    assert "không thuộc phạm vi của bạn" in response.get_data(as_text=True)
    client.post("/logout")
    login(client, world["area_a"])
    response = client.post(
        "/candidates/new", data=form_data(world["unit_a"].id, cell_id=str(world["cell_b"].id))
    )
    assert response.status_code == 422
    assert "Chi bộ này không thuộc phạm vi của bạn" in response.get_data(as_text=True)
    assert db.session.scalar(select(Candidate.id).where(Candidate.id_number == CCCD)) is None


def test_edit_cannot_move_a_candidate_out_of_scope(client, world):
    login(client, world["area_a"])
    c = world["cand_a"]
    data = form_data(world["unit_b"].id, id_number="", source_date="")
    assert client.post(f"/candidates/{c.id}/edit", data=data).status_code == 422
    db.session.expire_all()
    assert db.session.get(Candidate, c.id).unit_id == world["unit_a"].id


@pytest.mark.parametrize(
    ("number", "gender", "message"),
    [
        ("010208123456", "M", "năm sinh 2008"),
        ("010307123456", "M", "là của nữ"),
        ("999207123456", "M", "không có trong danh mục"),
        ("01020712345", "M", "có 11 chữ số"),
    ],
)
def test_cccd_checked_against_birth_and_sex(client, world, number, gender, message):
    login(client, world["sec_a"])
    data = form_data(world["unit_a"].id, id_number=number, gender=gender)
    response = client.post("/candidates/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_old_cmnd_saved_with_a_warning(client, world):
    login(client, world["sec_a"])
    data = form_data(world["unit_a"].id, id_number="063123456")
    response = client.post("/candidates/new", data=data, follow_redirects=True)
    assert "Số CMND 9 chữ số đã hết giá trị" in response.get_data(as_text=True)
    assert db.session.scalar(select(Candidate.id).where(Candidate.id_number == "063123456"))


def test_duplicate_cccd_in_scope_links_to_the_record(client, world):
    login(client, world["area_a"])
    c = world["cand_a"]
    c.id_number = CCCD
    db.session.commit()
    html = client.post("/candidates/new", data=form_data(world["unit_a"].id)).get_data(as_text=True)
    assert "Số CCCD này đã có trong sổ theo dõi: mỗi số chỉ thuộc một hồ sơ." in html
    assert f'href="/candidates/{c.id}"' in html


def test_duplicate_cccd_out_of_scope_is_neutral(client, world):
    login(client, world["sec_a"])
    other = world["cand_b"]
    data = form_data(world["unit_a"].id, id_number=other.id_number, birth_date="05/09/2006")
    response = client.post("/candidates/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    # The same words as for a record in scope: nothing tells where the number is held.
    assert "Số CCCD này đã có trong sổ theo dõi: mỗi số chỉ thuộc một hồ sơ." in html
    assert "phạm vi" not in html
    assert "Mở hồ sơ đã có" not in html
    assert f"/candidates/{other.id}" not in html and "Giàng A Páo" not in html


def test_edit_prefills_and_audits_the_change(client, world):
    login(client, world["sec_a"])
    c = world["cand_a"]
    html = client.get(f"/candidates/{c.id}/edit").get_data(as_text=True)
    assert 'value="Lò Thị Mai"' in html and 'value="01/05/2006"' in html
    assert "Ngày vào danh sách nguồn" not in html  # stage dates are not edited here
    data = form_data(
        world["unit_a"].id, full_name="Lò Thị Mai", gender="F", birth_date="01/05/2006"
    )
    data.update(id_number="", education="11/12")
    del data["source_date"]
    assert client.post(f"/candidates/{c.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Candidate, c.id).education == "11/12"
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "update")).one()
    assert entry.entity_id == c.id
    assert entry.after["education"] == "11/12" and entry.before["education"] is None
    assert "full_name" not in entry.after


def test_every_view_of_the_page_is_logged(client, world):
    login(client, world["province"])
    c = world["cand_b"]
    for _ in range(2):
        page = client.get(f"/candidates/{c.id}")
        assert page.status_code == 200
        assert c.id_number in page.get_data(as_text=True)
    assert actions(c.id) == ["view", "view"]
    assert "Ghi nhận bước tiếp theo" not in page.get_data(as_text=True)


def test_province_users_only_read(client, world):
    login(client, world["province"])
    c = world["cand_a"]
    assert client.get("/candidates/new").status_code == 403
    assert client.get(f"/candidates/{c.id}/edit").status_code == 403
    data = {"stage": "trained", "event_date": "01/01/2025"}
    assert client.post(f"/candidates/{c.id}/stages", data=data).status_code == 403


def routes(c: Candidate, event: StageEvent):
    return [
        ("get", f"/candidates/{c.id}", None),
        ("get", f"/candidates/{c.id}/edit", None),
        ("post", f"/candidates/{c.id}/edit", form_data(c.unit_id)),
        ("post", f"/candidates/{c.id}/stages", {"stage": "trained", "event_date": "01/01/2025"}),
        (
            "post",
            f"/candidates/{c.id}/events/{event.id}",
            {f"e{event.id}-event_date": "01/01/2025"},
        ),
        ("post", f"/candidates/{c.id}/events/undo", {}),
    ]


@pytest.mark.parametrize("who", ["sec_a", "area_a"])
def test_another_scope_is_404_on_every_route(client, world, who):
    login(client, world[who])
    c = world["cand_b"]
    event = c.events[0]
    for method, url, data in routes(c, event):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, (method, url)
        assert "Giàng A Páo" not in response.get_data(as_text=True)
    # An event of an in-scope candidate reached through another candidate's id.
    own = world["cand_a"]
    url = f"/candidates/{own.id}/events/{event.id}"
    assert client.post(url, data={f"e{event.id}-event_date": "01/01/2025"}).status_code == 404
    db.session.expire_all()
    assert [a for a in actions() if a not in ("login", "logout")] == []
    assert db.session.get(Candidate, c.id).stage == "source"


def test_a_group_that_disagrees_with_the_unit_is_refused(client, world):
    worker = CandidateFactory(
        unit=world["firm_a"], full_name="Vàng Văn Sử", id_number=None,
        group_code="worker", subgroup="cong_nhan",
    )  # fmt: skip
    club = UnitFactory(area=world["unit_a"].area, cell=world["cell_a"], kind="other")
    db.session.commit()
    login(client, world["sec_a"])
    data = form_data(world["firm_a"].id, full_name="Vàng Văn Sử", id_number="", subgroup="thpt")
    del data["source_date"]
    response = client.post(f"/candidates/{worker.id}/edit", data=data)
    assert response.status_code == 422
    assert "Đối tượng «Học sinh THPT» không khớp với loại đơn vị «Công ty TNHH»" in response.text
    db.session.expire_all()
    assert (worker.group_code, worker.subgroup) == ("worker", "cong_nhan")
    assert "update" not in actions(worker.id)
    new = form_data(world["unit_a"].id, id_number="", subgroup="cong_nhan")
    assert client.post("/candidates/new", data=new).status_code == 422
    # A unit of kind `other` implies no group: the form's choice stands.
    data.update(unit_id=str(club.id))
    assert client.post(f"/candidates/{worker.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert (worker.unit_id, worker.group_code, worker.subgroup) == (club.id, "student", "thpt")
