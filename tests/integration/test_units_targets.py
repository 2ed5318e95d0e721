"""Targets: the year containing the period end; an area's own target beats its units' sum."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AuditLog, Target
from registry.services.org.targets import target_for, targets_by_area
from tests.factories import UnitFactory, UserFactory, login
from tests.integration.units_world import build_world


@pytest.fixture
def world(ctx):
    w = build_world()
    a1, b1 = w["areas"]["a1"], w["areas"]["b1"]
    extra = UnitFactory(code="THB", kind="thpt", area=a1)
    for unit, count in ((w["units"]["school_a"], 3), (extra, 4)):
        db.session.add(Target(year=2025, group_code="student", unit=unit, count=count))
    db.session.add(Target(year=2025, group_code="worker", unit=w["units"]["firm_a"], count=2))
    db.session.add(Target(year=2025, group_code="student", area=b1, count=5))
    db.session.add(Target(year=2024, group_code="student", area=a1, count=99))
    db.session.commit()
    return w


def test_without_its_own_target_an_area_adds_up_its_units(world):
    a1 = world["areas"]["a1"]
    assert target_for(db.session, a1, 2025, "student") == 7
    assert target_for(db.session, a1, 2025, "worker") == 2
    assert target_for(db.session, a1, 2025) == 9


def test_an_areas_own_target_wins_over_its_units_sum(world):
    a1 = world["areas"]["a1"]
    db.session.add(Target(year=2025, group_code="student", area=a1, count=10))
    db.session.commit()
    assert target_for(db.session, a1, 2025, "student") == 10
    # The other group still adds up the units (the rule applies per group).
    assert target_for(db.session, a1, 2025) == 12


def test_higher_areas_add_up_what_lies_below_unless_they_have_their_own(world):
    areas = world["areas"]
    assert target_for(db.session, areas["d1"], 2025, "student") == 7
    assert target_for(db.session, areas["province"], 2025, "student") == 12
    db.session.add(Target(year=2025, group_code="student", area=areas["province"], count=40))
    db.session.commit()
    by_area = targets_by_area(db.session, [areas["province"], areas["d2"]], 2025, "student")
    assert by_area == {areas["province"].id: 40, areas["d2"].id: 5}
    assert target_for(db.session, areas["d2"], 2030) is None


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        (date(2025, 6, 14), 7),  # 6-month state period 15/12/2024 – 14/06/2025
        (date(2025, 8, 31), 7),  # school year 2024–2025 ends in 2025
        (date(2024, 12, 14), 99),  # state year 15/12/2023 – 14/12/2024
        (date(2024, 12, 31), 99),
    ],
)
def test_a_period_uses_the_target_of_the_year_containing_its_end(world, period_end, expected):
    assert target_for(db.session, world["areas"]["a1"], period_end, "student") == expected


def test_unit_target(world):
    assert target_for(db.session, world["units"]["school_a"], date(2025, 12, 31)) == 3
    assert target_for(db.session, world["units"]["firm_b"], 2025) is None


def test_province_sets_a_target_and_it_is_audited(world, client):
    login(client, world["users"]["province"])
    response = client.post(
        "/units/targets/new",
        data={
            "year": "2026",
            "group_code": "worker",
            "owner": "area",
            "area_id": world["areas"]["a1"].id,
            "count": "6",
        },
        follow_redirects=True,
    )
    assert "Đã lưu chỉ tiêu" in response.get_data(as_text=True)
    assert target_for(db.session, world["areas"]["a1"], 2026, "worker") == 6
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.entity == "target")) == "create"


@pytest.mark.parametrize(
    ("owner", "message"), [("area", "Hãy chọn địa bàn."), ("unit", "Hãy chọn đơn vị.")]
)
def test_a_target_needs_the_area_or_unit_it_is_given_to(world, client, owner, message):
    login(client, world["users"]["province"])
    data = {"year": "2026", "group_code": "worker", "owner": owner, "count": "6"}
    response = client.post("/units/targets/new", data=data, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert (
        db.session.scalar(select(func.count()).select_from(Target).where(Target.year == 2026)) == 0
    )


def test_area_officers_read_targets_but_cannot_set_them(world, client):
    login(client, world["users"]["district"])
    assert client.get("/units/targets?year=2025").status_code == 200
    assert client.get("/units/targets/new").status_code == 403
    target = db.session.scalar(select(Target).where(Target.unit_id.is_not(None)))
    assert client.post(f"/units/targets/{target.id}/delete").status_code == 403


def test_a_restricted_province_user_sets_only_their_groups_targets(world, client):
    gddt = UserFactory(role="province", subgroups="thpt")
    db.session.commit()
    login(client, gddt)
    response = client.post(
        "/units/targets/new",
        data={
            "year": "2026",
            "group_code": "worker",
            "owner": "area",
            "area_id": world["areas"]["a1"].id,
            "count": "6",
        },
    )
    assert "không hợp lệ" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(Target.year == 2026)) == 0


def test_target_sheet_import(world, client):
    login(client, world["users"]["admin"])
    sheet = (
        "Năm,Đối tượng,Mã địa bàn,Mã đơn vị,Chỉ tiêu\n2026,Học sinh,A1,,8\n2026,Công nhân,,DNA,3\n"
    )
    response = client.post(
        "/units/targets/import",
        data={"file": (io.BytesIO(sheet.encode()), "chitieu.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã nhập 2 chỉ tiêu: 2 mới" in response.get_data(as_text=True)
    assert target_for(db.session, world["areas"]["a1"], 2026) == 11
    bad = "Năm,Đối tượng,Mã địa bàn,Mã đơn vị,Chỉ tiêu\n2026,Học sinh,A1,DNA,8\n2026,Ai đó,ZZ,,x\n"
    response = client.post(
        "/units/targets/import",
        data={"file": (io.BytesIO(bad.encode()), "chitieu.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dòng 2, cột «Mã địa bàn»: ghi mã địa bàn hoặc mã đơn vị" in page
    assert "Dòng 3, cột «Đối tượng»" in page and "Dòng 3, cột «Chỉ tiêu»" in page


def test_editing_a_target_changes_its_count_or_moves_it(world, client):
    login(client, world["users"]["admin"])
    target = db.session.scalar(select(Target).where(Target.area_id == world["areas"]["b1"].id))
    form = {"year": "2025", "group_code": "student", "owner": "area"}
    form.update(area_id=world["areas"]["b1"].id, count="9")
    client.post(f"/units/targets/{target.id}/edit", data=form)
    assert target_for(db.session, world["areas"]["b1"], 2025, "student") == 9
    client.post(f"/units/targets/{target.id}/edit", data=dict(form, year="2026"))
    assert target_for(db.session, world["areas"]["b1"], 2025, "student") is None
    assert target_for(db.session, world["areas"]["b1"], 2026, "student") == 9
