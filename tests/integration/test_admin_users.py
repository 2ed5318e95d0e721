"""Admins manage accounts, read the audit log (never edit it) and edit holidays."""

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AuditLog, User
from tests.factories import AreaFactory, UserFactory, login

NEW_PASSWORD = "MatKhauMoi2026"


@pytest.fixture
def admin(ctx):
    user = UserFactory(username="quantri", role="admin")
    db.session.commit()
    return user


def test_admin_creates_an_area_officer_who_must_change_the_password(admin, client, app):
    area = AreaFactory(name="Phường Thử")
    db.session.commit()
    login(client, admin)
    response = client.post(
        "/admin/users/new",
        data={
            "username": "canbo.thu",
            "full_name": "Cán bộ Phường Thử",
            "role": "area",
            "area_id": area.id,
            "subgroups": ["thpt", "gdnn_gdtx"],
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
        follow_redirects=True,
    )
    assert "Đã tạo tài khoản canbo.thu" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.username == "canbo.thu"))
    assert user.area_id == area.id and user.must_change_password
    assert user.subgroup_codes == ("thpt", "gdnn_gdtx")
    entry = db.session.scalar(
        select(AuditLog).where(AuditLog.entity == "user", AuditLog.action == "create")
    )
    assert entry.after["username"] == "canbo.thu" and "password_hash" not in entry.after
    other = app.test_client()
    first = login(other, user, NEW_PASSWORD)
    assert "Bạn cần đổi mật khẩu" in first.get_data(as_text=True)


def test_area_role_needs_an_area_and_names_are_unique(admin, client):
    login(client, admin)
    response = client.post(
        "/admin/users/new",
        data={
            "username": "quantri",
            "role": "area",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    page = response.get_data(as_text=True)
    assert "cần được giao một địa bàn" in page
    response = client.post(
        "/admin/users/new",
        data={
            "username": "QuanTri",
            "role": "admin",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert "Tên đăng nhập 3–60 ký tự" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_disable_enable_and_reset_password_are_audited(admin, client, app):
    officer = UserFactory(username="canbo", role="province")
    db.session.commit()
    login(client, admin)
    client.post(f"/admin/users/{officer.id}/active", data={"active": "0"})
    db.session.expire_all()
    assert not db.session.get(User, officer.id).active
    assert login(app.test_client(), officer).request.path == "/login"
    client.post(f"/admin/users/{officer.id}/active", data={"active": "1"})
    client.post(f"/admin/users/{officer.id}/password", data={"password": NEW_PASSWORD})
    db.session.expire_all()
    again = db.session.get(User, officer.id)
    assert again.active and again.must_change_password and again.check_password(NEW_PASSWORD)
    actions = list(
        db.session.scalars(
            select(AuditLog.action).where(AuditLog.entity_id == officer.id).order_by(AuditLog.id)
        )
    )
    assert actions == ["disable", "enable", "reset_password"]
    assert not any("MatKhau" in str(e.after) for e in db.session.scalars(select(AuditLog)))


def test_admin_cannot_lock_out_themselves(admin, client):
    login(client, admin)
    response = client.post(
        f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "Không thể tự khóa" in response.get_data(as_text=True)
    response = client.post(
        f"/admin/users/{admin.id}",
        data={"username": "quantri", "role": "province"},
    )
    assert "Không thể tự bỏ quyền quản trị" in response.get_data(as_text=True)


def test_role_and_scope_change(admin, client):
    area = AreaFactory()
    officer = UserFactory(username="canbo", role="province", subgroups="thpt")
    db.session.commit()
    login(client, admin)
    client.post(
        f"/admin/users/{officer.id}",
        data={
            "username": "canbo",
            "full_name": "Cán bộ",
            "role": "area",
            "area_id": area.id,
        },
    )
    db.session.expire_all()
    changed = db.session.get(User, officer.id)
    assert (changed.role, changed.area_id, changed.subgroups) == ("area", area.id, "")
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "update"))
    assert entry.before["role"] == "province" and entry.before["subgroups"] == "thpt"
    assert entry.after["role"] == "area" and entry.after["area_id"] == area.id


def test_admin_pages_are_for_admins_only(ctx, client):
    login(client, UserFactory(role="province"))
    db.session.commit()
    for url in ("/admin/users", "/admin/users/new", "/admin/audit", "/admin/holidays"):
        assert client.get(url).status_code == 403


def test_audit_log_filters_and_has_no_edit_or_delete_route(admin, client, app):
    login(client, admin)
    officer = UserFactory(username="canbo", role="province")
    db.session.commit()
    client.post(f"/admin/users/{officer.id}/active", data={"active": "0"})
    page = client.get("/admin/audit?action=disable").get_data(as_text=True)
    assert "Khóa tài khoản" in page and "Đăng nhập</td>" not in page
    page = client.get(f"/admin/audit?user={admin.id}&entity=user").get_data(as_text=True)
    assert "Khóa tài khoản" in page and "Đăng nhập" in page
    assert "Không có mục nào" in client.get("/admin/audit?from=2000-01-01&to=2000-01-02").get_data(
        as_text=True
    )
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert [r.endpoint for r in audit_rules] == ["admin.audit"]
    assert audit_rules[0].methods <= {"GET", "HEAD", "OPTIONS"}


def test_audit_log_pages_by_keyset(admin, client):
    for n in range(60):
        db.session.add(AuditLog(actor="dòng lệnh", action="view", entity="candidate", entity_id=n))
    db.session.commit()
    login(client, admin)
    first = client.get("/admin/audit?action=view").get_data(as_text=True)
    assert "#59" in first and "#9<" not in first and "Cũ hơn" in first
    oldest_shown = min(
        e.id
        for e in db.session.scalars(
            select(AuditLog).where(AuditLog.action == "view").order_by(AuditLog.id.desc()).limit(50)
        )
    )
    second = client.get(f"/admin/audit?action=view&before={oldest_shown}").get_data(as_text=True)
    assert "#9<" in second and "#59" not in second and "Cũ hơn" not in second


def test_user_list_filters_keep_what_was_chosen(admin, client):
    login(client, admin)
    page = client.get("/admin/users?q=quan&role=admin&status=active").get_data(as_text=True)
    assert 'id="q" name="q" value="quan"' in page
    assert '<option value="admin" selected>' in page
    assert '<option value="active" selected>Đang dùng</option>' in page
    assert '<option value="disabled">Đã khóa</option>' in page
