"""The register_* steps of create_app: extensions, blueprints, errors, hooks, logging."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from flask import Flask, abort, g, render_template, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from registry import access
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


REQUEST_FIELDS = ("request_id", "user", "method", "path", "status", "ms", "token", "refused")
# A request id from the client (nginx's $request_id, a caller's trace id) is kept only
# when it is plainly an id; anything else gets a fresh one.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# JSON leaves these unescaped, yet some log readers break lines on them.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the request fields.

    Every value is a JSON string or number, so a newline or a `key=value` in a path, a
    header or a message stays inside its field and cannot forge a line or a field."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in REQUEST_FIELDS:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str).translate(_LINE_BREAKS)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def request_id(header: str | None) -> str:
    """The client's X-Request-Id when it is a plain id, else a fresh one."""
    if header and SAFE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex[:12]


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
    app.logger.propagate = False


# The largest database file read through mmap (see _sqlite_pragmas).
SQLITE_MMAP_BYTES = 4 << 30


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL and foreign keys on every SQLite connection (PostgreSQL needs neither).

    temp_store=MEMORY: the triggers on candidate (migration 0005) make SQLite keep a
    statement journal for every INSERT, a temporary file by default; in memory, 100,000
    imported rows take 14 s instead of 20 s.

    mmap_size: the database file is read through the operating system's page cache
    mapped into the process, not copied page by page into each connection's own cache
    of 2 MB, which a list filter over a million candidates overflows at once (bench,
    filters at 1,000,000: median 87 → 42 ms). SQLite caps the size at its build's
    limit; a smaller file maps only what it has."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()


def register_extensions(app: Flask) -> None:
    import registry.models  # (so every table is on db.metadata)
    import registry.rate_limits  # (registers the database:// counter storage)

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

    from registry import replica
    from registry.services.jobs import tasks

    tasks.init_app(app)
    replica.init_app(app)

    from registry.models import User

    # The user's area comes with it (the scope of nearly every page reads its path); the
    # option is built once, not on each request.
    WITH_AREA = (joinedload(User.area),)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        from flask import session

        from registry.auth.views import SESSION_VERSION_KEY

        user = db.session.get(User, int(user_id), options=WITH_AREA)
        if user is None or not user.active:
            return None
        # A session opened before the last sign-out or password change is over.
        return user if session.get(SESSION_VERSION_KEY) == user.session_version else None


def register_blueprints(app: Flask) -> None:
    from registry.admin import bp as admin_bp
    from registry.auth import bp as auth_bp
    from registry.candidates import bp as candidates_bp
    from registry.imports import bp as imports_bp
    from registry.jobs import bp as jobs_bp
    from registry.main import bp as main_bp
    from registry.privacy import bp as privacy_bp
    from registry.reports import bp as reports_bp
    from registry.rounds import bp as rounds_bp
    from registry.units import bp as units_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(candidates_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(units_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(rounds_bp)
    app.register_blueprint(jobs_bp)

    from registry.api import register_api

    register_api(app)


def render_error(code: int):
    if request.path.startswith("/api/v1/") and request.blueprint is None:
        from registry.api.errors import HTTP_ERRORS, answer

        return answer(code, *HTTP_ERRORS.get(code, HTTP_ERRORS[500]))
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
    def start_request() -> None:
        g.request_id = request_id(request.headers.get("X-Request-Id"))
        g.started = time.perf_counter()
        g.log_fields = {}
        # The user is read afresh by each request, as a fresh `g` does in production (the
        # tests keep one application context, and with it `g`, across their requests).
        g.pop("_login_user", None)

    # Before every other hook, the rate limit's included: a refused request's line has
    # its own id and time too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

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
                "user": _signed_in_id(),
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000),
                # An API call's token (its id, never the secret) and a refusal's code.
                **g.get("log_fields", {}),
            },
        )
        return response


def _signed_in_id() -> str | None:
    """The id of the user this request signed in as, for its log line: read off the
    loaded user's identity, so the line neither loads a user the request did not need
    (a static file) nor reloads the one its commit expired (a second transaction)."""
    from registry.models import User

    user = g.get("_login_user")
    if not isinstance(user, User):
        return None
    identity: tuple[object, ...] | None = sa_inspect(user).identity
    return str(identity[0]) if identity else None


def register_template_helpers(app: Flask) -> None:
    from registry.domain import vocabulary as domain
    from registry.domain.textutil import vn_number
    from registry.domain.workdays import fmt_local_time, today_vn

    @app.template_filter("vndate")
    def vndate(value: date | None) -> str:
        return value.strftime("%d/%m/%Y") if value else ""

    app.add_template_filter(fmt_local_time, "localtime")

    @app.template_filter("number")
    def number(value: int | None) -> str:
        return vn_number(value or 0)  # Vietnamese writes thousands with a dot: 12.345

    def may(action: str, target=None) -> bool:
        """In templates: whether the signed-in user may do `action` (registry.access)."""
        return access.may(current_user, action, target)

    @app.context_processor
    def vocabulary() -> dict:
        return {"domain": domain, "nav_items": nav_items, "may": may, "today_vn": today_vn}


# The menu; an entry shows once its feature's blueprint is registered, to whoever may use it.
NAV = (
    ("main.home", "Trang chủ", None),
    ("candidates.index", "Quần chúng ưu tú", None),
    ("candidates.alerts", "Cảnh báo hạn", None),
    ("imports.index", "Nhập từ Excel", access.IMPORT),
    ("reports.index", "Báo cáo", access.DOWNLOAD_REGISTER),
    ("rounds.index", "Đợt báo cáo", access.USE_ROUNDS),
    ("units.index", "Đơn vị, chi bộ", access.BROWSE_ORG),
    ("jobs.index", "Việc đang chạy", access.FOLLOW_JOBS),
    ("admin.users", "Quản trị", access.ADMINISTER),
)


def _nav_count(endpoint: str) -> int:
    """The number beside a menu entry: the reporting rounds the user's organisation must
    still report in (nothing sent, returned, or unlocked)."""
    if endpoint != "rounds.index":
        return 0
    from registry.services.rounds.rounds import to_do_rounds

    return len(to_do_rounds(db.session(), current_user))


def nav_items() -> list[dict]:
    """The menu for the current user; exactly one item (at most) is marked active: the
    page's own, else the first of its blueprint (the alerts page is not the list's)."""
    from flask import current_app, request

    items = []
    for endpoint, label, action in NAV:
        if endpoint not in current_app.view_functions:
            continue
        if action is not None and not access.may(current_user, action):
            continue
        items.append(
            {
                "endpoint": endpoint,
                "label": label,
                "blueprint": endpoint.split(".")[0],
                "active": False,
                "count": _nav_count(endpoint),
            }
        )
    current = next((i for i in items if i["endpoint"] == request.endpoint), None)
    current = current or next((i for i in items if i["blueprint"] == request.blueprint), None)
    if current is not None:
        current["active"] = True
    return items
