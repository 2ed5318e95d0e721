"""The register_* steps of create_app: extensions, blueprints, errors, hooks, logging."""

from __future__ import annotations

import logging
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from flask import Flask, abort, g, render_template, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from registry.extensions import bootstrap, csrf, db, limiter, login_manager, migrate

ERROR_MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Trình duyệt gửi yêu cầu không đúng. Hãy tải lại trang."),
    403: ("Không có quyền", "Tài khoản của bạn không được phép thực hiện việc này."),
    404: ("Không tìm thấy", "Trang hoặc hồ sơ này không có, hoặc nằm ngoài phạm vi của bạn."),
    405: ("Không hỗ trợ", "Thao tác này không được hỗ trợ trên trang này."),
    413: (
        "Tệp quá lớn",
        "Tệp tải lên vượt quá dung lượng cho phép. Hãy chia nhỏ tệp rồi tải lại.",
    ),
    429: ("Thao tác quá nhanh", "Bạn đã thử quá nhiều lần. Hãy đợi một phút rồi thử lại."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra. Dữ liệu của bạn không bị thay đổi."),
    503: (
        "Tạm thời không phục vụ được",
        "Cơ sở dữ liệu tạm thời không truy cập được. Hãy thử lại sau ít phút.",
    ),
}


class KeyValueFormatter(logging.Formatter):
    """One line per record: time, level, logger, message, then request fields."""

    def format(self, record: logging.LogRecord) -> str:
        base = (
            f"time={self.formatTime(record)} level={record.levelname} "
            f"logger={record.name} msg={record.getMessage()!r}"
        )
        for key in ("request_id", "user", "method", "path", "status", "ms"):
            if hasattr(record, key):
                base += f" {key}={getattr(record, key)}"
        if record.exc_info:
            base += "\n" + self.formatException(record.exc_info)
        return base


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
    app.logger.propagate = False


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL and foreign keys on every SQLite connection (PostgreSQL needs neither).

    temp_store=MEMORY: the triggers on candidate (migration 0005) make SQLite keep a
    statement journal for every INSERT, a temporary file by default; in memory, 100,000
    imported rows take 14 s instead of 20 s."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()


def register_extensions(app: Flask) -> None:
    import registry.models  # (so every table is on db.metadata)

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        render_as_batch=True,
        include_name=registry.models.candidates.include_name,
    )
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Hãy đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    from registry.models import User

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        from flask import session

        from registry.auth.views import SESSION_VERSION_KEY

        user = db.session.get(User, int(user_id))
        if user is None or not user.active:
            return None
        # A session opened before the last sign-out or password change is over.
        return user if session.get(SESSION_VERSION_KEY) == user.session_version else None


def register_blueprints(app: Flask) -> None:
    from registry.admin.views import bp as admin_bp
    from registry.auth.views import bp as auth_bp
    from registry.candidates import bp as candidates_bp
    from registry.imports import bp as imports_bp
    from registry.main.views import bp as main_bp
    from registry.privacy import bp as privacy_bp
    from registry.reports import bp as reports_bp
    from registry.units.views import bp as units_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(candidates_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(units_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(reports_bp)


def render_error(code: int):
    title, message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
    return render_template("errors.html", code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    for code in ERROR_MESSAGES:
        if code in (500, 503):
            continue
        app.register_error_handler(code, lambda e, code=code: render_error(code))

    @app.errorhandler(OperationalError)
    def database_down(error: OperationalError):
        db.session.rollback()
        app.logger.error("database unavailable: %s", error.__class__.__name__)
        # The page must not reach for the database again: without this, the menu would
        # load (or refresh) the signed-in user, fail once more and give a bare 500.
        g._login_user = login_manager.anonymous_user()
        return render_error(503)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    ),
}


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def start_request() -> None:
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:12]
        g.started = time.perf_counter()

    @app.before_request
    def refuse_nul_bytes() -> None:
        """A NUL byte in a query string or form field is never real input, and PostgreSQL
        refuses it in any text value (a 500): answer every such request 400 up front."""
        values = [*request.args.values(), *request.form.values()]
        if any("\x00" in value for value in values):
            abort(400)

    @app.after_request
    def finish_request(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        app.logger.info(
            "request",
            extra={
                "request_id": g.get("request_id"),
                "user": current_user.get_id() if current_user else None,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000),
            },
        )
        return response


def register_template_helpers(app: Flask) -> None:
    from registry.domain import vocabulary as domain

    @app.template_filter("vndate")
    def vndate(value: date | None) -> str:
        return value.strftime("%d/%m/%Y") if value else ""

    @app.template_filter("number")
    def number(value: int | None) -> str:
        # Vietnamese writes thousands with a dot: 12.345
        return f"{value or 0:,}".replace(",", ".")

    @app.context_processor
    def vocabulary() -> dict:
        return {"domain": domain, "nav_items": nav_items}


# The menu; an entry shows once its feature's blueprint is registered.
NAV = (
    ("main.home", "Trang chủ", None),
    ("candidates.index", "Quần chúng ưu tú", None),
    ("candidates.alerts", "Cảnh báo hạn", None),
    ("imports.index", "Nhập từ Excel", ("admin", "area")),
    ("reports.index", "Báo cáo", ("admin", "province", "area")),
    ("units.index", "Đơn vị, chi bộ", ("admin", "province", "area")),
    ("admin.users", "Quản trị", ("admin",)),
)


def nav_items() -> list[dict]:
    from flask import current_app

    items = []
    for endpoint, label, roles in NAV:
        if endpoint not in current_app.view_functions:
            continue
        if roles is not None and current_user.role not in roles:
            continue
        items.append({"endpoint": endpoint, "label": label, "blueprint": endpoint.split(".")[0]})
    return items
