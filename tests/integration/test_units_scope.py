"""Scope follows the area tree on every units page; another scope's id is a 404."""

import re

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import PartyCell, Target, Unit
from tests.factories import UnitFactory, login
from tests.integration.units_world import build_world


@pytest.fixture
def world(ctx):
    w = build_world()
    w["target_b"] = Target(year=2026, group_code="worker", area=w["areas"]["b1"], count=3)
    db.session.add(w["target_b"])
    db.session.commit()
    return w


def _other_scope_ids(w) -> dict[str, int]:
    """For each id parameter, a record the district officer (Huyện Một) may not see."""
    return {
        "unit_id": w["units"]["firm_b"].id,
        "cell_id": w["cells"]["b"].id,
        "survey_id": w["survey_b"].id,
        "area_id": w["areas"]["b1"].id,
        "target_id": w["target_b"].id,
        "candidate_id": w["candidates"]["b"].id,
    }


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] != "units" or not rule.arguments:
            continue
        for method in {"GET", "POST"} & rule.methods:
            yield rule, method


@pytest.mark.parametrize("role", ["district", "cell_a"])
def test_every_id_route_answers_404_for_another_scope(world, client, app, role):
    login(client, world["users"][role])
    ids = _other_scope_ids(world)
    checked = 0
    for rule, method in _id_routes(app):
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        response = client.open(url, method=method, data={"name": "x", "code": "X"})
        assert response.status_code == 404, f"{method} {url} gave {response.status_code}"
        checked += 1
    assert checked >= 16
    # Nothing was changed along the way.
    assert db.session.get(Unit, ids["unit_id"]).code == "DNB"


def test_query_string_ids_of_another_scope_are_404(world, client):
    login(client, world["users"]["district"])
    b1 = world["areas"]["b1"].id
    assert client.get(f"/units/?area={b1}").status_code == 404
    assert client.get(f"/units/cells?area={b1}").status_code == 404


def test_area_officer_sees_units_of_sub_areas_not_of_siblings(world, client):
    login(client, world["users"]["district"])
    page = client.get("/units/").get_data(as_text=True)
    assert "Công ty TNHH An" in page and "Trường THPT An" in page
    assert "Công ty TNHH Bình" not in page
    cells = client.get("/units/cells").get_data(as_text=True)
    assert "Chi bộ Xã Một" in cells and "Chi bộ Xã Hai" not in cells
    assert client.get(f"/units/{world['units']['firm_a'].id}").status_code == 200


def test_province_reads_everything_but_changes_only_targets(world, client):
    login(client, world["users"]["province"])
    assert "Công ty TNHH Bình" in client.get("/units/").get_data(as_text=True)
    firm_b = world["units"]["firm_b"].id
    assert client.get(f"/units/{firm_b}/edit").status_code == 403
    assert client.post(f"/units/{firm_b}/surveys/new", data={}).status_code == 403
    assert client.get("/units/new").status_code == 403
    assert client.get("/units/targets/new").status_code == 200


def test_a_form_field_naming_another_scopes_area_or_cell_is_refused(world, client):
    login(client, world["users"]["district"])
    data = {
        "code": "DNMOI",
        "name": "Công ty Mới",
        "kind": "cong_ty_tnhh",
        "area_id": world["areas"]["b1"].id,
    }
    response = client.post("/units/new", data=data)
    assert "ngoài phạm vi" in response.get_data(as_text=True)
    data.update(area_id=world["areas"]["a1"].id, cell_id=world["cells"]["b"].id)
    response = client.post("/units/new", data=data)
    assert "ngoài phạm vi" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(Unit.code == "DNMOI")) == 0


def test_a_cell_cannot_take_units_of_another_scope(world, client):
    login(client, world["users"]["district"])
    cell_a = world["cells"]["a"]
    response = client.post(
        f"/units/cells/{cell_a.id}/edit",
        data={
            "name": cell_a.name,
            "kind": "co_so",
            "area_id": world["areas"]["a1"].id,
            "unit_ids": [world["units"]["firm_a"].id, world["units"]["firm_b"].id],
            "active": "y",
        },
    )
    assert "ngoài phạm vi" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Unit, world["units"]["firm_b"].id).cell_id == world["cells"]["b"].id


def test_area_officer_creates_a_unit_and_a_cell_in_a_sub_area(world, client):
    login(client, world["users"]["district"])
    response = client.post(
        "/units/new",
        data={
            "code": "DN-MOI",
            "name": "Công ty cổ phần Mới",
            "kind": "cong_ty_co_phan",
            "tax_code": "0100233488001",
            "area_id": world["areas"]["a1"].id,
            "active": "y",
        },
        follow_redirects=True,
    )
    assert "Đã thêm đơn vị Công ty cổ phần Mới" in response.get_data(as_text=True)
    unit = db.session.scalar(select(Unit).where(Unit.code == "DN-MOI"))
    assert unit.tax_code == "0100233488-001"
    response = client.post(
        "/units/cells/new",
        data={
            "name": "Chi bộ doanh nghiệp Xã Một",
            "kind": "co_so",
            "area_id": world["areas"]["a1"].id,
            "unit_ids": [unit.id, world["units"]["firm_a"].id],
            "active": "y",
        },
        follow_redirects=True,
    )
    assert "Đã thêm Chi bộ doanh nghiệp Xã Một" in response.get_data(as_text=True)
    cell = db.session.scalar(
        select(PartyCell).where(PartyCell.name == "Chi bộ doanh nghiệp Xã Một")
    )
    assert {u.code for u in cell.units} == {"DN-MOI", "DNA"}


def test_bad_tax_code_re_renders_the_form_with_what_was_typed(world, client):
    login(client, world["users"]["district"])
    response = client.post(
        "/units/new",
        data={
            "code": "DNX",
            "name": "Công ty Sai Mã",
            "kind": "cong_ty_tnhh",
            "tax_code": "0100233480",
            "area_id": world["areas"]["a1"].id,
        },
    )
    page = response.get_data(as_text=True)
    assert "sai chữ số kiểm tra" in page and 'value="Công ty Sai Mã"' in page
    assert db.session.scalar(select(func.count()).where(Unit.code == "DNX")) == 0


def test_unit_list_filters_by_party_organisation_and_paginates(world, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(3):
        UnitFactory(code=f"TH{n}", name=f"Trường phụ {n}", area=world["areas"]["a1"])
    db.session.commit()
    login(client, world["users"]["admin"])
    first = client.get("/units/?kind=thpt").get_data(as_text=True)
    assert re.search(r"4 đơn vị · trang 1/2", first)
    assert "Trường phụ 2" not in first
    assert "Trường phụ 2" in client.get("/units/?kind=thpt&page=2").get_data(as_text=True)
    no_party = client.get("/units/?party=no").get_data(as_text=True)
    assert "Công ty TNHH Bình" in no_party and "Trường phụ" not in no_party
    assert "Công ty TNHH Bình" not in client.get("/units/?party=yes").get_data(as_text=True)
