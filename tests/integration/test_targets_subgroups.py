"""Targets per subgroup: every report divides by the target of exactly whom it counts and
says whom in its title; a restricted province user sees and sets only its subgroups'
targets (SQLite and PostgreSQL).

The % cells are recomputed here from the targets the test sets (TARGETS below), never
from the application's own target code: read back from the workbook, each line's
"Tỷ lệ %" must be its admitted count over the target the rules give, or blank.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from flask_migrate import downgrade, upgrade
from openpyxl import load_workbook
from sqlalchemy import select, text

from registry.domain.periods import whole_year
from registry.extensions import db
from registry.models import AuditLog, Organisation, Target, User
from registry.services.dashboard import admissions_by_area
from registry.services.org.targets import target_for
from tests.factories import OrganisationFactory, UnitFactory, UserFactory, login
from tests.fixtures.sheets import xlsx_bytes
from tests.integration.reports_world import build_world, workbook_of
from tests.unit.test_exports_support import line

# (year, owner, group, subgroup) → count, on top of reports_world's own three targets:
# the THPT school's 4 (a unit's group target is its subgroup's), Phường Bắc's 10 for all
# students, the Bắc firm's 3 for workers.
TARGETS = {
    (2025, "north", "student", "thpt"): 3,
    (2025, "north", "student", "gdnn_gdtx"): 2,
    (2026, "north", "student", "thpt"): 8,
    (2025, "south", "student", "sinh_vien"): 5,
}
TARGET, ADMITTED, PERCENT = 2, 8, 9  # their columns (0-based) in a students line


@pytest.fixture
def world(ctx):
    w = build_world()
    for (year, owner, group, sub), count in TARGETS.items():
        db.session.add(
            Target(year=year, group_code=group, subgroup=sub, area=w["areas"][owner], count=count)
        )
    gddt = OrganisationFactory(code="SGDDT", name="Sở Giáo dục và Đào tạo")
    w["users"]["gddt"] = UserFactory(
        username="sogd_thu", role="province", subgroups="thpt,gdnn_gdtx", organisation=gddt
    )
    w["users"]["workers"] = UserFactory(username="sotc_thu", role="province", subgroups="cong_nhan")
    db.session.commit()
    return w


def title_of(ws) -> str:
    return next(
        str(c.value) for row in ws.iter_rows(max_row=8) for c in row
        if c.value and str(c.value).startswith("BÁO CÁO")
    )  # fmt: skip


def check_percent(ws, label: str, expected_target: int | None) -> list:
    """The line's target is the expected one and its % is admitted / target (or blank)."""
    values = line(ws, label)
    assert values[TARGET] == expected_target, label
    if expected_target:
        assert values[PERCENT] == pytest.approx(values[ADMITTED] / expected_target), label
    else:
        assert values[PERCENT] is None, label
    return values


def test_a_thpt_only_report_divides_by_the_thpt_target_and_says_so(world):
    province = world["areas"]["province"]
    ws = workbook_of(world["users"]["admin"], "students", province, group="thpt")[0].active
    title = title_of(ws)
    assert "HỌC SINH THPT" in title and "HỌC SINH, SINH VIÊN" not in title
    # Phường Bắc's own THPT target (3), not its all-students 10.
    north = check_percent(ws, "Phường Bắc", 3)
    assert north[ADMITTED] == 1  # Cường, on 31/12/2025
    check_percent(ws, "Trường THPT Bắc", 4)
    check_percent(ws, "TỔNG CỘNG", 3)


def test_the_education_departments_report_counts_and_divides_by_its_two_subgroups(world):
    province = world["areas"]["province"]
    ws = workbook_of(world["users"]["gddt"], "students", province)[0].active
    assert "HỌC SINH THPT VÀ HỌC VIÊN GDNN - GDTX" in title_of(ws)
    north = check_percent(ws, "Phường Bắc", 3 + 2)
    assert north[ADMITTED] == 2  # Cường (THPT) and Nga (GDNN-GDTX); not Oanh (college)
    check_percent(ws, "Trường THPT Bắc", 4)
    check_percent(ws, "Trung tâm GDNN - GDTX Bắc", None)  # the centre has none of its own
    check_percent(ws, "TỔNG CỘNG", 5)
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert "Trường Cao đẳng Nam" not in texts and "Xã Nam" not in texts


def test_without_a_target_of_that_kind_the_percent_is_blank_never_the_groups(world):
    north = world["areas"]["north"]
    db.session.execute(
        Target.__table__.delete().where(Target.subgroup == "thpt", Target.area_id == north.id)
    )
    db.session.execute(Target.__table__.delete().where(Target.unit_id.is_not(None)))
    db.session.commit()
    province = world["areas"]["province"]
    ws = workbook_of(world["users"]["admin"], "students", province, group="thpt")[0].active
    # Phường Bắc still has 10 for all students: a THPT report does not borrow it.
    check_percent(ws, "Phường Bắc", None)
    check_percent(ws, "TỔNG CỘNG", None)


def test_the_whole_group_uses_its_own_target_else_the_sum_of_its_subgroups(world):
    province = world["areas"]["province"]
    ws = workbook_of(world["users"]["admin"], "students", province)[0].active
    assert "HỌC SINH, SINH VIÊN" in title_of(ws)
    check_percent(ws, "Phường Bắc", 10)  # set for the group itself: it wins over 3 + 2
    check_percent(ws, "Xã Nam", 5)  # none for the group: its one subgroup's, sinh viên
    check_percent(ws, "TỔNG CỘNG", 15)
    north = world["areas"]["north"]
    db.session.execute(
        Target.__table__.delete().where(Target.subgroup.is_(None), Target.area_id == north.id)
    )
    db.session.commit()
    ws = workbook_of(world["users"]["admin"], "students", province)[0].active
    # Without the 10: 3 (THPT) + 2 (GDNN-GDTX) set on the commune itself win over the
    # school's 4 below it.
    check_percent(ws, "Phường Bắc", 5)


def test_a_period_uses_the_target_of_the_year_holding_its_end(world):
    north = world["areas"]["north"]
    assert target_for(db.session, north, date(2025, 12, 31), "thpt") == 3
    assert target_for(db.session, north, date(2026, 6, 30), "thpt") == 8
    # No 2026 target for all students: the sum of its subgroups', THPT's alone.
    assert target_for(db.session, north, 2026, "student") == 8
    assert target_for(db.session, north, 2026, ["thpt", "gdnn_gdtx"]) == 8
    assert target_for(db.session, north, 2026, "gdnn_gdtx") is None
    school = world["units"]["school"]
    assert target_for(db.session, school, 2025, "thpt") == 4
    assert target_for(db.session, school, 2025, "gdnn_gdtx") is None


def test_the_home_page_progress_uses_the_users_own_subgroups_targets(world):
    today = date(2025, 12, 31)
    by_name = {
        p.area.name: p.target for p in admissions_by_area(db.session, world["users"]["gddt"], today)
    }
    assert by_name["Phường Bắc"] == 5 and by_name["Xã Nam"] is None
    everyone = admissions_by_area(db.session, world["users"]["admin"], today)
    # All subgroups of both groups: Bắc's student 10 plus its firm's workers 3.
    assert {p.area.name: p.target for p in everyone}["Phường Bắc"] == 13


def test_a_restricted_user_sees_and_edits_only_its_subgroups_targets(world, client):
    login(client, world["users"]["gddt"])
    page = client.get("/units/targets?year=2025").text
    table = page.split('data-testid="targets-table"')[1].split("</table>")[0]
    assert "Học sinh THPT" in table and "Học viên GDNN - GDTX" in table
    assert "Công nhân, người lao động" not in table and "Sinh viên" not in table
    assert "Học sinh, sinh viên" not in table  # the school's 4 reads as THPT, its subgroup
    hidden = db.session.scalars(
        select(Target.id).where(
            (Target.group_code == "worker") | (Target.subgroup == "sinh_vien")
            | (Target.subgroup.is_(None) & Target.area_id.is_not(None))
        )
    ).all()  # fmt: skip
    assert len(hidden) == 3
    for ident in hidden:
        assert client.get(f"/units/targets/{ident}/edit").status_code == 404
        assert client.post(f"/units/targets/{ident}/delete").status_code == 404
    form = client.get("/units/targets/new").text.split('name="group_code"')[1].split("</select>")[0]
    assert 'value="thpt"' in form and 'value="gdnn_gdtx"' in form
    assert 'value="worker"' not in form and 'value="student"' not in form
    own = db.session.scalar(select(Target.id).where(Target.subgroup == "thpt", Target.year == 2025))
    saved = client.post(
        f"/units/targets/{own}/edit",
        data={"year": "2025", "group_code": "thpt", "owner": "area",
              "area_id": str(world["areas"]["north"].id), "count": "6"},
    )  # fmt: skip
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Target, own).count == 6


def _upload(client, rows):
    content = xlsx_bytes([["Năm", "Đối tượng", "Mã địa bàn", "Mã đơn vị", "Chỉ tiêu"], *rows])
    return client.post(
        "/units/targets/import",
        data={"file": (BytesIO(content), "chi_tieu.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_the_targets_sheet_takes_subgroups_and_keeps_a_restricted_user_to_its_own(world, client):
    login(client, world["users"]["gddt"])
    refused = _upload(
        client, [[2027, "Học sinh THPT", "C1", "", 7], [2027, "Công nhân", "C1", "", 2]]
    )
    assert "ngoài phạm vi của bạn" in refused.text
    assert db.session.scalar(select(Target).where(Target.year == 2027)) is None  # nothing
    done = _upload(client, [[2027, "Học sinh THPT", "C1", "", 7], [2027, "GDNN-GDTX", "C1", "", 2]])
    assert done.status_code == 200
    db.session.expire_all()
    saved = db.session.execute(
        select(Target.subgroup, Target.count).where(Target.year == 2027).order_by(Target.count)
    ).all()
    assert saved == [("gdnn_gdtx", 2), ("thpt", 7)]
    assert target_for(db.session, world["areas"]["north"], 2027, ["thpt", "gdnn_gdtx"]) == 9
    assert target_for(db.session, world["areas"]["north"], 2027, "sinh_vien") is None


def test_a_schools_target_is_its_subgroups_whatever_group_the_form_names(world, client):
    login(client, world["users"]["admin"])
    college = world["units"]["college"]
    client.post(
        "/units/targets/new",
        data={"year": "2028", "group_code": "student", "owner": "unit",
              "unit_id": str(college.id), "count": "4"},
    )  # fmt: skip
    kept = db.session.scalar(select(Target).where(Target.year == 2028))
    assert (kept.group_code, kept.subgroup) == ("student", "sinh_vien")
    wrong = client.post(
        "/units/targets/new",
        data={"year": "2028", "group_code": "thpt", "owner": "unit",
              "unit_id": str(college.id), "count": "4"},
    )  # fmt: skip
    assert "chỉ có sinh viên" in wrong.text
    assert db.session.scalar(select(Target.count).where(Target.year == 2028)) == 4


def test_the_education_department_cannot_change_home_affairs_headings(world, client):
    snv = world["orgs"]["snv"]
    login(client, world["users"]["gddt"])
    assert client.get(f"/reports/settings?org={snv.id}").status_code == 404
    posted = client.post(
        f"/reports/settings?org={snv.id}",
        data={"issuing_body": "SỞ GD&ĐT ĐÃ SỬA", "place": "X", "style": "state"},
    )
    assert posted.status_code == 404
    db.session.expire_all()
    assert "ĐÃ SỬA" not in (db.session.get(Organisation, snv.id).issuing_body or "")
    assert db.session.scalar(select(AuditLog).where(AuditLog.entity == "report_settings")) is None


def test_each_restricted_user_is_offered_only_the_reports_its_subgroups_fill(world, client):
    def offered(user) -> str:
        login(client, user)
        page = client.get("/reports/").text
        client.post("/logout")
        return page.split('name="report"')[1].split("</select>")[0]

    education = offered(world["users"]["gddt"])
    assert 'value="students"' in education and 'value="workers"' not in education
    workers = offered(world["users"]["workers"])
    assert 'value="workers"' in workers and 'value="students"' not in workers
    ws = workbook_of(world["users"]["workers"], "workers", world["areas"]["province"])[0].active
    check_percent(ws, "Phường Bắc", 3)


def test_the_summary_and_the_detail_list_name_whom_they_count(world):
    province = world["areas"]["province"]
    gddt = world["users"]["gddt"]
    summary = workbook_of(gddt, "summary", province)[0].active
    assert "HỌC SINH THPT VÀ HỌC VIÊN GDNN - GDTX" in title_of(summary)
    listed = workbook_of(gddt, "candidates", province, period=whole_year(2025))[0].active
    heading = " ".join(str(c.value) for row in listed.iter_rows(max_row=8) for c in row if c.value)
    assert "(HỌC SINH THPT VÀ HỌC VIÊN GDNN - GDTX)" in heading.upper()


def test_the_migration_maps_single_restrictions_onto_sets_and_marks_school_targets(ctx):
    """Before 0011 a user was restricted to one group or one subgroup: a group becomes all
    of its subgroups, a subgroup itself; a school's group target becomes its subgroup's."""
    school = UnitFactory(kind="thpt")
    db.session.add(Target(year=2025, group_code="student", unit=school, count=4))
    for name in ("hs", "gd", "cn", "all"):
        UserFactory(username=name, role="province")
    db.session.commit()
    db.session.remove()
    downgrade(revision="0010")
    for name, group, sub in (("hs", "student", None), ("gd", None, "thpt"), ("cn", "worker", None)):
        db.session.execute(
            text('UPDATE "user" SET group_code = :g, subgroup = :s WHERE username = :n'),
            {"g": group, "s": sub, "n": name},
        )
    db.session.commit()
    db.session.remove()
    upgrade()
    by_name = dict(db.session.execute(select(User.username, User.subgroups)).tuples().all())
    assert by_name == {"hs": "thpt,gdnn_gdtx,sinh_vien", "gd": "thpt", "cn": "cong_nhan", "all": ""}
    assert db.session.scalar(select(Target.subgroup)) == "thpt"


def test_the_targets_template_offers_the_users_own_choices_and_loads_back(world, client):
    login(client, world["users"]["gddt"])
    response = client.get("/units/targets/template?year=2029")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    offered = [row[0] for row in book["Danh mục"].iter_rows(min_row=2, values_only=True)]
    assert offered == ["Học sinh THPT", "Học viên GDNN - GDTX"]
    ws = book["Chỉ tiêu"]
    assert [c.value for c in ws[1]] == ["Năm", "Đối tượng", "Mã địa bàn", "Mã đơn vị", "Chỉ tiêu"]
    for row in ws.iter_rows(min_row=2, max_row=3):
        row[2].value, row[4].value = "C1", 6
    filled = BytesIO()
    book.save(filled)
    sent = client.post(
        "/units/targets/import",
        data={"file": (BytesIO(filled.getvalue()), "mau_chi_tieu.xlsx")},
        content_type="multipart/form-data",
    )
    assert sent.status_code in (200, 302)
    kept = db.session.scalars(select(Target.subgroup).where(Target.year == 2029)).all()
    assert sorted(kept) == ["gdnn_gdtx", "thpt"]
    client.post("/logout")
    login(client, world["users"]["north"])
    assert client.get("/units/targets/template").status_code == 403
