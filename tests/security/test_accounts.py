"""Passwords and sessions: strength, lockout that survives a change of address, expiry
after inactivity (also with a leftover remember-me cookie), forced password changes."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from registry.extensions import db
from registry.models import User
from registry.models._types import utcnow
from tests.factories import PASSWORD, UserFactory, login
from tests.security.routes import API, PUBLIC, all_routes, count, text, url


@pytest.fixture
def clock(monkeypatch):
    """Move the session cookie's clock forward: clock(minutes)."""
    offset = {"seconds": 0}
    real = time.time
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: int(real() + offset["seconds"])
    )

    def forward(minutes: float) -> None:
        offset["seconds"] += minutes * 60

    return forward


def test_weak_passwords_are_refused_everywhere(client, runner):
    admin = UserFactory(username="quantri")
    db.session.commit()
    login(client, admin)
    weak = ["ngan1", "chiconchu", "1234567890", "{name}2026abc"]
    for pattern in weak:
        password = pattern.format(name="moi")
        response = client.post(
            "/admin/users/new",
            data={"username": "moi", "role": "admin", "password": password, "confirm": password},
        )
        assert response.status_code != 302, password
        own = pattern.format(name="quantri")
        response = client.post("/password", data={"current": PASSWORD, "new": own, "confirm": own})
        assert "Đã đổi mật khẩu" not in text(response), password
        result = runner.invoke(args=["create-user", "moi", "--role", "admin"], input=password)
        assert result.exit_code != 0, password
    assert db.session.scalar(sa.select(User).where(User.username == "moi")) is None
    count("weak_passwords", len(weak) * 3)


def test_lockout_holds_when_the_attacker_changes_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "5 per minute")
    user = UserFactory()
    db.session.commit()
    threshold = app.config["LOCKOUT_THRESHOLD"]
    for attempt in range(threshold):
        client.post(
            "/login",
            data={"username": user.username, "password": f"sai-{attempt}"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"},
        )
    page = text(
        client.post(
            "/login",
            data={"username": user.username, "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "10.0.1.1"},
        )
    )
    assert "tài khoản bị tạm khóa" in page and "Xin chào" not in page
    # From one address, the rate limit stops guessing long before the lockout.
    codes = [
        client.post("/login", data={"username": "ai-do", "password": f"x{i}"}).status_code
        for i in range(6)
    ]
    assert codes[-1] == 429
    count("lockout", threshold + 7)


def test_session_ends_after_inactivity_and_activity_keeps_it(app, client, clock):
    user = UserFactory()
    db.session.commit()
    login(client, user)
    limit = app.permanent_session_lifetime.total_seconds() / 60
    for _ in range(3):  # active every (limit - 1) minutes: still signed in
        clock(limit - 1)
        assert client.get("/").status_code == 200
    clock(limit + 1)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    count("session_expiry", 4)


def test_a_remember_cookie_does_not_outlive_the_session(app, client, clock):
    user = UserFactory()
    db.session.commit()
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "remember": "y"}
    )
    assert "remember_token" not in response.headers.get("Set-Cookie", "")
    clock(app.permanent_session_lifetime.total_seconds() / 60 + 1)
    assert client.get("/").status_code == 302


def test_demo_and_reset_accounts_must_change_password_before_any_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    demo = UserFactory(is_demo=True)
    reset = UserFactory(must_change_password=True, role="admin")
    db.session.commit()
    allowed = {"auth.change_password", "auth.logout", *PUBLIC}
    tried = 0
    for user in (demo, reset):
        login(client, user)
        for route in all_routes(app):
            if route.endpoint in allowed or "GET" not in route.methods:
                continue
            target = url(app, route, {})
            response = client.get(target)
            tried += 1
            if target.startswith(API) and not route.endpoint.startswith("api_docs."):
                assert response.status_code == 401, route.endpoint  # no cookie signs in
                continue
            assert response.status_code == 302, route.endpoint
            assert response.headers["Location"] == "/password", route.endpoint
        client.post("/logout")
    count("forced_change", tried)


@pytest.fixture
def key_derivations(monkeypatch):
    """The names of the password key derivations run (scrypt, pbkdf2), as a list."""
    import hashlib

    runs: list[str] = []
    for name in ("scrypt", "pbkdf2_hmac"):
        real = getattr(hashlib, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            runs.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(hashlib, name, spy)
    return runs


def test_an_unknown_name_costs_a_password_hash_like_a_real_one(client, key_derivations):
    UserFactory(username="bikhoa", locked_until=utcnow() + timedelta(minutes=10))
    UserFactory(username="dakhoa", active=False)
    db.session.commit()
    client.post("/login", data={"username": "ai-do", "password": "x"})  # makes the dummy hash
    for name in ("khong-co-ai", "bikhoa", "dakhoa"):
        key_derivations.clear()
        page = text(client.post("/login", data={"username": name, "password": "doan-thu-123"}))
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in page, name
        assert len(key_derivations) == 1, (name, key_derivations)
    count("login_timing", 3)


def _copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie (a stolen cookie)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _signed_in(client) -> bool:
    return client.get("/candidates/").status_code == 200


def test_a_copied_cookie_stops_working_after_sign_out(app, client):
    user = UserFactory()
    db.session.commit()
    login(client, user)
    copy = _copy_of(app, client)
    assert _signed_in(copy)
    client.post("/logout")
    assert not _signed_in(copy)
    response = copy.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    count("session_after_logout", 1)


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, client):
    user = UserFactory()
    db.session.commit()
    login(client, user)
    elsewhere = app.test_client()
    login(elsewhere, user)
    copy = _copy_of(app, client)
    new = "mat-khau-moi-2026"
    response = client.post("/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(elsewhere) and not _signed_in(copy)
    login(elsewhere, user, new)  # signing in again with the new password works
    assert _signed_in(elsewhere)
    count("session_after_password_change", 2)


@pytest.mark.parametrize(
    ("path", "data"),
    [("password", {"password": "mat-khau-tam-2026"}), ("active", {"active": "0"})],
)
def test_an_admins_reset_or_disable_ends_the_accounts_sessions(app, client, path, data):
    admin = UserFactory(username="quantri")
    officer = UserFactory(username="canbo", role="province")
    db.session.commit()
    theirs = app.test_client()
    login(theirs, officer)
    assert _signed_in(theirs)
    login(client, admin)
    assert client.post(f"/admin/users/{officer.id}/{path}", data=data).status_code == 302
    if path == "active":
        client.post(f"/admin/users/{officer.id}/active", data={"active": "1"})
    assert not _signed_in(theirs)
    count("session_after_admin_change", 1)


def test_the_published_demo_password_is_refused_on_the_web_too(client):
    from registry.demo.accounts import DEMO_PASSWORD

    admin = UserFactory(username="quantri")
    db.session.commit()
    login(client, admin)
    data = {"current": PASSWORD, "new": DEMO_PASSWORD, "confirm": DEMO_PASSWORD}
    assert "mật khẩu dùng thử" in text(client.post("/password", data=data))
    new_user = {"username": "moi", "role": "admin", "password": DEMO_PASSWORD}
    response = client.post("/admin/users/new", data={**new_user, "confirm": DEMO_PASSWORD})
    assert response.status_code != 302
    assert db.session.scalar(sa.select(User).where(User.username == "moi")) is None
