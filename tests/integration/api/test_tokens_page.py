"""The tokens page: a token shown once and stored hashed, its rights and expiry, revoking,
and an admin's tokens for service accounts."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from registry.domain.workdays import fmt_date, today_vn
from registry.extensions import db
from registry.models import ApiToken, AuditLog, User
from registry.services.accounts.tokens import digest
from tests.factories import login
from tests.integration.api.conftest import Api


def form(client, **changes) -> dict:
    page = client.get("/tokens/").get_data(as_text=True)
    submission = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page)
    data = {
        "name": "Phần mềm nhân sự",
        "owner": "",
        "rights": "read",
        "expires_on": fmt_date(today_vn() + timedelta(days=30)),
        "submission_token": submission.group(1) if submission else "",
    }
    data.update(changes)
    return data


def secret_in(page: str) -> str:
    found = re.search(r"(dvr_[A-Za-z0-9_-]{40,})", page)
    assert found, "no token shown"
    return found.group(1)


def test_a_token_is_shown_once_stored_hashed_and_works(world, client):
    user = world.users["area_a"]
    login(client, user)
    response = client.post("/tokens/", data=form(client, owner=str(user.id), rights="write"))
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    assert "sẽ không hiện lại" in page
    secret = secret_in(page)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == digest(secret) and secret not in repr(stored.__dict__)
    assert stored.can_write and stored.prefix == secret[:12]
    # The list shows its start, never the whole token.
    listing = client.get("/tokens/").get_data(as_text=True)
    assert stored.prefix in listing and secret not in listing
    assert Api(client, secret).get("/areas").status_code == 200
    created = db.session.scalar(
        select(AuditLog).where(AuditLog.entity == "api_token").order_by(AuditLog.id)
    )
    assert created.action == "create" and secret not in str(created.after)


def test_the_same_form_sent_twice_makes_one_token(world, client):
    user = world.users["area_a"]
    login(client, user)
    data = form(client, owner=str(user.id))
    assert client.post("/tokens/", data=data).status_code == 201
    again = client.post("/tokens/", data=data, follow_redirects=True)
    assert "mã truy cập đã tạo chỉ hiện một lần" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1


def test_an_expiry_in_the_past_or_too_far_is_refused_on_its_field(world, client):
    user = world.users["area_a"]
    login(client, user)
    today = fmt_date(today_vn())
    past = client.post("/tokens/", data=form(client, owner=str(user.id), expires_on=today))
    assert past.status_code == 422
    assert "Ngày hết hạn phải sau hôm nay." in past.get_data(as_text=True)
    far = fmt_date(today_vn() + timedelta(days=400))
    too_far = client.post("/tokens/", data=form(client, owner=str(user.id), expires_on=far))
    assert "tối đa 366 ngày" in too_far.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_revoking_stops_the_token(world, client):
    user = world.users["area_a"]
    login(client, user)
    secret = secret_in(
        client.post("/tokens/", data=form(client, owner=str(user.id))).get_data(as_text=True)
    )
    token = db.session.scalar(select(ApiToken))
    response = client.post(f"/tokens/{token.id}/revoke", follow_redirects=True)
    assert "Đã thu hồi mã truy cập “Phần mềm nhân sự”." in response.get_data(as_text=True)
    assert "Đã thu hồi" in client.get("/tokens/").get_data(as_text=True)
    assert Api(client, secret).get("/areas").status_code == 401


def test_another_persons_token_answers_404_and_is_not_listed(world, client, token_for):
    token_for(world.users["cell_a"])
    token = db.session.scalar(select(ApiToken))
    login(client, world.users["area_a"])
    assert client.post(f"/tokens/{token.id}/revoke").status_code == 404
    assert "bithu_a" not in client.get("/tokens/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_an_admin_makes_tokens_for_a_service_account(world, client):
    admin, service = world.users["admin"], world.users["service_a"]
    login(client, admin)
    page = client.get("/tokens/").get_data(as_text=True)
    assert "Tài khoản dịch vụ he_thong_a" in page
    response = client.post("/tokens/", data=form(client, owner=str(service.id), rights="write"))
    secret = secret_in(response.get_data(as_text=True))
    token = db.session.scalar(select(ApiToken))
    assert (token.user_id, token.created_by_id) == (service.id, admin.id)
    # The token sees the service account's scope, not the admin's.
    names = [c["full_name"] for c in Api(client, secret).get("/candidates").get_json()["items"]]
    assert names == ["Trần Thị Hòa An"]


def test_only_an_admin_may_choose_a_service_account(world, client):
    officer, service = world.users["area_a"], world.users["service_a"]
    login(client, officer)
    assert "he_thong_a" not in client.get("/tokens/").get_data(as_text=True)
    response = client.post("/tokens/", data=form(client, owner=str(service.id)))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_the_page_needs_signing_in(world, client):
    response = client.get("/tokens/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _service_account(client, **scope) -> object:
    password = "Mat-khau-dich-vu-2026!"
    data = {"username": "hrm.phuong", "full_name": "Phần mềm nhân sự", "role": "api"}
    data.update({"password": password, "confirm": password, "restriction": "", **scope})
    response = client.post("/admin/users/new", data=data, follow_redirects=True)
    assert "Đã tạo tài khoản hrm.phuong" in response.get_data(as_text=True)
    return db.session.scalar(select(User).where(User.username == "hrm.phuong"))


def test_an_admin_creates_a_service_account_of_an_area_or_of_a_cell(world, client):
    login(client, world.users["admin"])
    account = _service_account(client, area_id=world.a.area.id, cell_id=world.a.cell.id)
    # An area, when given, is the scope; the cell is not kept beside it.
    assert (account.role, account.area_id, account.cell_id) == ("api", world.a.area.id, None)
    assert "Phường Hòa An" in client.get("/admin/users").get_data(as_text=True)
    db.session.delete(account)
    db.session.commit()
    account = _service_account(client, cell_id=world.a.cell.id)
    assert (account.area_id, account.cell_id) == (None, world.a.cell.id)
