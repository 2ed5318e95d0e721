import re
from datetime import timedelta

from registry.extensions import db
from registry.models import AuditLog
from registry.models._types import utcnow
from tests.factories import PASSWORD, UserFactory, login


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_login_page_is_vietnamese(client):
    page = _text(client.get("/login"))
    assert "Đăng nhập" in page and "Mật khẩu" in page and 'lang="vi"' in page


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_logout_round_trip(client):
    user = UserFactory(full_name="Trần Thị Hoa", role="admin")
    db.session.commit()
    home = login(client, user)
    assert "Xin chào, Trần Thị Hoa" in _text(home)
    assert "Toàn tỉnh" in _text(home)
    out = client.post("/logout", follow_redirects=True)
    assert "Bạn đã đăng xuất." in _text(out)
    assert client.get("/").status_code == 302
    actions = [a for (a,) in db.session.execute(db.select(AuditLog.action))]
    assert actions == ["login", "logout"]


def test_wrong_password_gives_one_neutral_message(client):
    user = UserFactory()
    db.session.commit()
    page = _text(login(client, user, "sai-mat-khau-9"))
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page
    page = _text(client.post("/login", data={"username": "khongco", "password": "x"}))
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page


def test_login_rate_limited_per_address_and_user(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "5 per minute")
    user = UserFactory(username="giới-hạn")
    db.session.commit()
    codes = [login(client, user, f"sai{i}").status_code for i in range(6)]
    assert codes == [200] * 5 + [429]
    assert "Bạn đã thử quá nhiều lần" in _text(login(client, user))


def test_lockout_after_repeated_failures(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOCKOUT_THRESHOLD", 3)
    user = UserFactory()
    db.session.commit()
    for attempt in range(3):
        login(client, user, f"sai-{attempt}")
    page = _text(login(client, user))  # right password, but locked
    assert "tài khoản bị tạm khóa 15 phút" in page and "Xin chào" not in page
    # A name that does not exist reads exactly the same: no account is given away.
    unknown = _text(client.post("/login", data={"username": "khong-ai", "password": "x"}))
    assert _message(unknown) == _message(page)
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "Xin chào" in _text(login(client, user))


def test_post_without_csrf_token_is_rejected(app, client, monkeypatch):
    user = UserFactory()
    db.session.commit()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in _text(response)


def test_login_with_csrf_token_works(app, client, monkeypatch):
    user = UserFactory()
    db.session.commit()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', _text(client.get("/login"))
    )
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token[1]}
    )
    assert response.status_code == 302


def test_next_only_redirects_within_the_site(client):
    user = UserFactory()
    db.session.commit()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            f"/login?next={target}", data={"username": user.username, "password": PASSWORD}
        )
        assert response.headers["Location"] == "/"
        client.post("/logout")
    response = client.post(
        "/login?next=/password", data={"username": user.username, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/password"


def test_change_password_rules_and_success(client):
    user = UserFactory()
    db.session.commit()
    login(client, user)
    weak = _text(
        client.post("/password", data={"current": PASSWORD, "new": "abc", "confirm": "abc"})
    )
    assert "ít nhất 10 ký tự" in weak
    wrong = _text(
        client.post(
            "/password",
            data={"current": "nhầm-123456", "new": "MatKhauMoi2026", "confirm": "MatKhauMoi2026"},
        )
    )
    assert "Mật khẩu hiện tại không đúng." in wrong
    done = client.post(
        "/password",
        data={"current": PASSWORD, "new": "MatKhauMoi2026", "confirm": "MatKhauMoi2026"},
        follow_redirects=True,
    )
    assert "Đã đổi mật khẩu." in _text(done)
    client.post("/logout")
    assert "Xin chào" in _text(login(client, user, "MatKhauMoi2026"))


def test_demo_password_must_change_outside_demo_mode(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    user = UserFactory(is_demo=True)
    db.session.commit()
    page = login(client, user)
    assert "Bạn cần đổi mật khẩu trước khi tiếp tục." in _text(page)
    assert client.get("/").headers["Location"] == "/password"


def test_inactive_user_cannot_sign_in(client):
    user = UserFactory(active=False)
    db.session.commit()
    assert "không đúng" in _text(login(client, user))


def test_security_headers_and_cookie_flags(client):
    user = UserFactory()
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_error_pages_are_vietnamese(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy" in _text(response)


def _message(page: str) -> str:
    return page.split("Tên đăng nhập hoặc mật khẩu không đúng.", 1)[1].split("</div>", 1)[0]
