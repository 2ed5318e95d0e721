"""Organisations: each body's own header and signer on what its users download, an
admin's pages for them, `create-user --org`, the migration from the shared settings,
and only the reports a scope can fill."""

from __future__ import annotations

from io import BytesIO

from flask_migrate import downgrade, upgrade
from openpyxl import load_workbook
from sqlalchemy import select, text

from registry.extensions import db
from registry.models import AuditLog, Organisation, Setting, User
from tests.factories import AreaFactory, OrganisationFactory, UserFactory, login
from tests.integration.reports_world import build_world, workbook_of
from tests.unit.test_exports_support import all_texts


def test_two_province_departments_download_under_their_own_headers(ctx):
    world = build_world()
    gddt = OrganisationFactory(
        code="SGDDT",
        name="Sở Giáo dục và Đào tạo",
        issuing_body="UBND TỈNH THỬ NGHIỆM\nSỞ GIÁO DỤC VÀ ĐÀO TẠO",
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        signer_name="Hoàng Thị Giáo",
        subgroups="thpt,gdnn_gdtx",
    )
    user = UserFactory(username="sogd", role="province", subgroups="thpt", organisation=gddt)
    db.session.commit()
    province = world["areas"]["province"]
    texts = all_texts(workbook_of(user, "students", province)[0].active)
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in texts and "Hoàng Thị Giáo" in texts
    assert "SỞ NỘI VỤ" not in texts
    # Sở Nội vụ's own download of the same report keeps its header.
    own = all_texts(workbook_of(world["users"]["province"], "students", province)[0].active)
    assert "SỞ NỘI VỤ" in own and "Hoàng Thị Giáo" not in own


def test_an_organisation_with_nothing_set_prints_its_own_name(ctx):
    world = build_world()
    finance = OrganisationFactory(code="STC", name="Sở Tài chính")
    user = UserFactory(username="sotc", role="province", organisation=finance)
    db.session.commit()
    texts = all_texts(workbook_of(user, "workers", world["areas"]["province"])[0].active)
    assert "UBND TỈNH THỬ NGHIỆM" in texts and "SỞ TÀI CHÍNH" in texts


def test_a_restricted_user_is_offered_only_the_reports_their_scope_fills(client, ctx):
    world = build_world()
    gd = UserFactory(username="sogd", role="province", subgroups="thpt")
    db.session.commit()
    login(client, gd)
    page = client.get("/reports/")
    options = page.text.split('name="report"')[1].split("</select>")[0]
    assert "Báo cáo học sinh" in options or "học sinh" in options
    assert 'value="workers"' not in options and 'value="ct33"' not in options
    asked = client.post(
        "/reports/",
        data={"report": "ct33", "preset": "year", "year": "2025", "quarter": "1",
              "area_id": str(world["areas"]["province"].id), "group": "", "download": "1"},
    )  # fmt: skip
    assert asked.status_code == 422 and "không hợp lệ" in asked.text.lower()
    client.post("/logout")
    login(client, world["users"]["province"])
    options = client.get("/reports/").text.split('name="report"')[1].split("</select>")[0]
    assert 'value="workers"' in options and 'value="ct33"' in options


def test_admins_create_and_change_organisations_on_their_page(client, ctx):
    admin = UserFactory(username="quantri", role="admin")
    commune = AreaFactory(code="X01", name="Xã Một")
    db.session.commit()
    login(client, admin)
    form = {
        "code": "du-x01",
        "name": "Đảng ủy xã Một",
        "style": "party",
        "issuer_code": "ĐU",
        "area_id": str(commune.id),
        "subgroups": ["thpt", "cong_nhan"],
        "active": "y",
    }
    assert client.post("/admin/organisations/new", data=form).status_code == 302
    made = db.session.scalar(select(Organisation).where(Organisation.code == "DU-X01"))
    assert made.name == "Đảng ủy xã Một" and made.style == "party"
    assert made.subgroups == "thpt,cong_nhan" and made.area_id == commune.id
    assert "Đảng ủy xã Một" in client.get("/admin/organisations").text
    again = client.post("/admin/organisations/new", data={**form, "name": "Khác"})
    assert again.status_code == 422 and "đã dùng cho Đảng ủy xã Một" in again.text
    assert 'value="Khác"' in again.text  # what was typed is kept
    changed = client.post(
        f"/admin/organisations/{made.id}", data={**form, "name": "Đảng ủy xã Một (mới)"}
    )
    assert changed.status_code == 302
    actions = db.session.execute(
        select(AuditLog.action).where(AuditLog.entity == "organisation")
    ).scalars()
    assert sorted(actions) == ["create", "update"]
    # Accounts are given one on their form.
    user = UserFactory(username="canbo", role="province")
    db.session.commit()
    page = client.get(f"/admin/users/{user.id}")
    assert "Đảng ủy xã Một (mới)" in page.text


def test_non_admins_cannot_reach_the_organisation_pages(client, ctx):
    org = OrganisationFactory()
    user = UserFactory(username="sonv", role="province", organisation=org)
    db.session.commit()
    login(client, user)
    assert client.get("/admin/organisations").status_code == 403
    assert client.get(f"/admin/organisations/{org.id}").status_code == 403


def test_create_user_takes_the_organisation_by_code(runner):
    OrganisationFactory(code="SNV", name="Sở Nội vụ")
    db.session.commit()
    made = runner.invoke(
        args=["create-user", "chuyenvien", "--role", "province", "--org", "snv"],
        input="MatKhauManh2026\n",
    )
    assert made.exit_code == 0, made.output
    user = db.session.scalar(select(User).where(User.username == "chuyenvien"))
    assert user.organisation.code == "SNV"
    unknown = runner.invoke(
        args=["create-user", "khac", "--role", "province", "--org", "XYZ"],
        input="MatKhauManh2026\n",
    )
    assert unknown.exit_code != 0 and "Không có cơ quan, tổ chức mã «XYZ»" in unknown.output


def test_the_migration_turns_shared_settings_into_organisations(ctx):
    """Settings made before organisations existed are not lost: the province-wide ones
    become the first organisation's (its province users and admins), an area's become
    that area's (its officers)."""
    north = AreaFactory(code="XB", name="Phường Bắc")
    db.session.commit()
    north_id = north.id
    db.session.remove()
    downgrade(revision="0009")
    rows = [
        ("report.issuing_body", None, "UBND TỈNH CŨ\nSỞ NỘI VỤ CŨ"),
        ("report.signer_name", None, "Trần Văn Ký"),
        ("report.style", north_id, "party"),
        ("report.issuing_body", north_id, "ĐẢNG ỦY PHƯỜNG BẮC"),
        ("report.age_bands", None, "18,22,30"),  # not a header setting: it stays
    ]
    for key, area_id, value in rows:
        db.session.execute(
            text("INSERT INTO setting (key, area_id, value) VALUES (:k, :a, :v)"),
            {"k": key, "a": area_id, "v": value},
        )
    for name, role, area_id, subgroup in (
        ("snv", "province", None, None),
        ("qt", "admin", None, None),
        ("bac", "area", north_id, None),
        ("gd", "province", None, "thpt"),  # restricted: not given Sở Nội vụ's header
    ):
        db.session.execute(
            text(
                'INSERT INTO "user" (username, password_hash, full_name, role, area_id,'
                " subgroup, active, must_change_password, is_demo, failed_logins,"
                " session_version, created_at) VALUES (:n, 'x', '', :r, :a, :s, true, false,"
                " false, 0, 0, CURRENT_TIMESTAMP)"
            ),
            {"n": name, "r": role, "a": area_id, "s": subgroup},
        )
    db.session.commit()
    db.session.remove()
    upgrade()
    first = db.session.scalar(select(Organisation).where(Organisation.code == "SNV"))
    assert first.issuing_body == "UBND TỈNH CŨ\nSỞ NỘI VỤ CŨ"
    assert first.signer_name == "Trần Văn Ký"
    commune = db.session.scalar(select(Organisation).where(Organisation.area_id == north_id))
    assert commune.style == "party" and commune.issuing_body == "ĐẢNG ỦY PHƯỜNG BẮC"
    by_user = dict(db.session.execute(select(User.username, User.organisation_id)).tuples().all())
    assert by_user == {"snv": first.id, "qt": first.id, "bac": commune.id, "gd": None}
    left = db.session.execute(select(Setting.key, Setting.value)).tuples().all()
    assert left == [("report.age_bands", "18,22,30")]


def test_the_demo_departments_download_under_their_own_names(client, runner):
    assert runner.invoke(args=["seed-demo", "--candidates", "200"]).exit_code == 0
    gd = db.session.scalar(select(User).where(User.username == "sogddt"))
    assert gd.organisation.name == "Sở Giáo dục và Đào tạo"
    gd.must_change_password = False
    db.session.commit()
    login(client, gd, "laocai@2026")
    page = client.get("/reports/")
    options = page.text.split('name="report"')[1].split("</select>")[0]
    assert 'value="workers"' not in options
    area_id = page.text.split('name="area_id"')[1].split('value="')[1].split('"')[0]
    data = {"report": "students", "preset": "year", "year": "2025", "quarter": "1",
            "area_id": area_id, "group": "", "download": "1"}  # fmt: skip
    response = client.post("/reports/", data=data)
    assert response.status_code == 200, response.text[:500]
    texts = all_texts(load_workbook(BytesIO(response.data)).active)
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in texts and "SỞ NỘI VỤ" not in texts
