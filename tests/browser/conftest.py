"""A live server on loopback with the demo province, and Chromium driven by Playwright.

Chromium is Debian's (/usr/bin/chromium); Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import threading

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from config import TestConfig
from registry import create_app, demo
from registry.demo.accounts import DEMO_PASSWORD
from registry.extensions import db
from tests.conftest import unavailable

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The application of the live server, on a demo database; a test that needs a
    record the demo lacks (a job still waiting) adds it in this app's context."""
    path = tmp_path_factory.mktemp("live") / "registry.db"

    class Settings(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
        WTF_CSRF_ENABLED = True

    app = create_app(Settings)
    with app.app_context():
        upgrade()
        demo.seed(db.session, candidates=300)
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """Base URL of the application served from a thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        unavailable(f"Chromium is not installed at {CHROMIUM}", "REQUIRE_BROWSER")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed", "REQUIRE_BROWSER")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def sign_out_and_in(page, username: str) -> None:
    """Sign the current user out, then `username` in."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    sign_in(page, username)
