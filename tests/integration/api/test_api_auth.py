"""Who calls: a live token and nothing else. No token, a session cookie, an expired or
revoked token answer 401; a read-only token writing 403; too many calls 429; every
call is in the audit log; CSRF is not asked of token calls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import ApiToken, AuditLog
from registry.services.accounts import tokens
from tests.factories import login
from tests.integration.api.conftest import Api, error_of


def test_a_call_without_a_token_answers_401_in_json(world, client):
    response = client.get("/api/v1/candidates")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    error = error_of(response)
    assert error["code"] == "missing_token"
    assert "Authorization: Bearer" in error["message"]


def test_a_signed_in_session_cookie_never_authenticates_an_api_call(world, client):
    login(client, world.users["admin"])
    assert client.get("/candidates/").status_code == 200  # the web session works
    response = client.get("/api/v1/candidates")
    assert response.status_code == 401
    assert error_of(response)["code"] == "missing_token"
    write = client.post("/api/v1/candidates", json={"full_name": "Ai Đó"})
    assert write.status_code == 401


def test_the_token_decides_who_calls_even_beside_another_users_session(world, client, token_for):
    login(client, world.users["admin"])
    caller = Api(client, token_for(world.users["area_a"]))
    names = [c["full_name"] for c in caller.get("/candidates").get_json()["items"]]
    assert names == ["Trần Thị Hòa An"]  # the area officer's scope, not the admin's


def test_an_unknown_token_answers_401(world, client):
    response = Api(client, "dvr_khong-co-ma-nay").get("/areas")
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"


def test_an_expired_token_answers_401(world, client, token_for):
    secret = token_for(world.users["area_a"])
    token = db.session.scalar(select(ApiToken))
    token.expires_on = today_vn() - timedelta(days=1)
    db.session.commit()
    response = Api(client, secret).get("/areas")
    assert response.status_code == 401
    assert error_of(response) == {
        "code": "expired_token",
        "message": "Mã truy cập này đã hết hạn.",
        "fields": [],
    }


def test_a_token_valid_through_today_still_works(world, client, token_for):
    secret = token_for(world.users["area_a"])
    token = db.session.scalar(select(ApiToken))
    token.expires_on = today_vn()
    db.session.commit()
    assert Api(client, secret).get("/areas").status_code == 200


def test_a_revoked_token_answers_401(world, client, token_for):
    user = world.users["area_a"]
    secret = token_for(user)
    assert Api(client, secret).get("/areas").status_code == 200
    tokens.revoke(db.session(), user, db.session.scalar(select(ApiToken)))
    db.session.commit()
    response = Api(client, secret).get("/areas")
    assert response.status_code == 401
    assert error_of(response)["code"] == "revoked_token"


def test_a_disabled_accounts_token_answers_401(world, client, token_for):
    user = world.users["area_a"]
    secret = token_for(user)
    user.active = False
    db.session.commit()
    assert Api(client, secret).get("/areas").status_code == 401


def test_a_read_only_token_reads_but_may_not_write(world, client, token_for):
    caller = Api(client, token_for(world.users["area_a"], write=False))
    assert caller.get(f"/candidates/{world.a.candidate.id}").status_code == 200
    before = db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()))
    response = caller.post(
        f"/candidates/{world.a.candidate.id}/stages",
        json={"stage": "trained", "event_date": today_vn().isoformat()},
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "read_only_token"
    db.session.expire_all()
    assert db.session.get(type(world.a.candidate), world.a.candidate.id).stage == "source"
    assert db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc())) == before


def test_every_call_is_in_the_audit_log_with_its_token(world, client, token_for):
    caller = Api(client, token_for(world.users["area_a"]))
    caller.get("/areas")
    caller.get(f"/candidates/{world.a.candidate.id}")
    token_id = db.session.scalar(select(ApiToken.id))
    calls = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "api").order_by(AuditLog.id)
    ).all()
    assert [(c.actor, c.entity, c.entity_id, c.after["path"]) for c in calls] == [
        ("canbo_a", "api_token", token_id, "/api/v1/areas"),
        ("canbo_a", "api_token", token_id, f"/api/v1/candidates/{world.a.candidate.id}"),
    ]
    # Reading a candidate is logged as the web's page view is.
    viewed = db.session.scalar(select(AuditLog).where(AuditLog.action == "view"))
    assert (viewed.actor, viewed.entity_id, viewed.after) == (
        "canbo_a", world.a.candidate.id, {"page": "api"},
    )  # fmt: skip


def test_a_refused_write_is_still_in_the_audit_log(world, client, token_for):
    caller = Api(client, token_for(world.users["area_a"]))
    tomorrow = (today_vn() + timedelta(days=1)).isoformat()
    response = caller.post(
        f"/candidates/{world.a.candidate.id}/stages",
        json={"stage": "trained", "event_date": tomorrow},
    )
    assert response.status_code == 422
    calls = db.session.scalars(select(AuditLog).where(AuditLog.action == "api")).all()
    assert [c.after["path"] for c in calls] == [f"/api/v1/candidates/{world.a.candidate.id}/stages"]
    assert calls[0].after["refused"]


def test_token_calls_need_no_csrf_token(world, client, token_for, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    caller = Api(client, token_for(world.users["area_a"]))
    response = caller.post(
        f"/candidates/{world.a.candidate.id}/stages",
        json={"stage": "trained", "event_date": today_vn().isoformat(), "document_no": "GCN-1"},
    )
    assert response.status_code == 201, response.get_json()


def test_too_many_calls_answer_429_in_json(world, client, token_for, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    caller = Api(client, token_for(world.users["area_a"]))
    statuses = [caller.get("/areas").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = caller.get("/areas")
    assert error_of(response)["code"] == "rate_limited"
    # Another token has its own count.
    other = Api(client, token_for(world.users["province"]))
    assert other.get("/areas").status_code == 200


def test_a_service_account_never_signs_in_on_the_web(world, client):
    response = login(client, world.users["service_a"])
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    assert client.get("/candidates/").status_code == 302


def test_a_service_account_sees_its_area_through_its_token(world, client, token_for):
    caller = Api(client, token_for(world.users["service_a"], by=world.users["admin"]))
    names = [c["full_name"] for c in caller.get("/candidates").get_json()["items"]]
    assert names == ["Trần Thị Hòa An"]
    assert caller.get(f"/candidates/{world.b.candidate.id}").status_code == 404


def test_an_unknown_api_address_answers_json_404(world, client, token_for):
    response = Api(client, token_for(world.users["area_a"])).get("/khong-co")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_session_of_an_account_that_must_change_its_password_does_not_touch_api_calls(
    world, client, token_for
):
    officer = world.users["area_a"]
    secret = token_for(world.users["province"])
    login(client, officer)
    officer.must_change_password = True
    db.session.commit()
    assert client.get("/candidates/").status_code == 302  # the web sends them to /password
    assert client.get("/api/v1/areas").status_code == 401  # the cookie is not read
    response = Api(client, secret).get("/areas")  # the token's own account answers
    assert response.status_code == 200
    assert {a["code"] for a in response.get_json()["items"]} == {"90001", "90002"}
