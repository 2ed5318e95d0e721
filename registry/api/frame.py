"""What every API call goes through: its token, its rights, its audit entry, its rate
limit and its errors. A session cookie never decides who calls: the caller is the user
of the token in `Authorization: Bearer …`, and nobody else, for the whole call."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, request
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from flask_smorest import Api, Blueprint
from werkzeug.exceptions import HTTPException, default_exceptions

from registry import access
from registry.api import errors
from registry.api.schemas import ErrorSchema
from registry.domain.workdays import today_vn
from registry.extensions import csrf, db, limiter, login_manager
from registry.models import (
    ApiToken,
    Area,
    Candidate,
    ImportBatch,
    PartyCell,
    ReportingRound,
    Submission,
    Unit,
    User,
)
from registry.scoping import get_in_scope
from registry.services import ServiceError, audit
from registry.services.accounts import tokens
from registry.transaction import on_refusal

PREFIX = "/api/v1"
READING = frozenset({"GET", "HEAD", "OPTIONS"})
SCOPED_IDS: dict[str, type] = {
    "area_id": Area,
    "unit_id": Unit,
    "cell_id": PartyCell,
    "candidate_id": Candidate,
    "batch_id": ImportBatch,
    "round_id": ReportingRound,
    "submission_id": Submission,
}


class RegistryApi(Api):
    """flask-smorest's Api whose error handlers stay on the API's blueprints: the web
    keeps its own pages."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        pass


api = RegistryApi()


def prepare(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Registry API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # served by registry.api.docs
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": (
                    "API của hệ thống theo dõi phát triển đảng viên. Mỗi lời gọi gửi "
                    "`Authorization: Bearer <mã truy cập>`; mã truy cập tạo ở trang "
                    "“Mã truy cập API”."
                )
            },
            "servers": [{"url": "/"}],
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        },
    )
    api.init_app(app)
    # First of all the request hooks: an API call has no session user, so no hook (the
    # forced password change, the request log) ever acts on a cookie's account.
    app.before_request_funcs.setdefault(None, []).insert(0, _no_session_user)


def _no_session_user() -> None:
    if request.blueprint in ApiBlueprint.names:
        g._login_user = login_manager.anonymous_user()


def bearer() -> str | None:
    """The token of the call's Authorization header, if it has one."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _rate_key() -> str:
    """Calls count per token (per address for calls without one)."""
    secret = bearer()
    return "api:" + (tokens.digest(secret)[:32] if secret else get_remote_address())


def caller() -> User:
    """The user the call's token belongs to."""
    user: User = g.api_token.user
    return user


def require(action: str, target: Any = None) -> None:
    """403 unless the caller may do `action` (registry.access, as on the web)."""
    if not access.may(caller(), action, target):
        errors.raise_api(403, "forbidden", errors.HTTP_ERRORS[403][1])


def _record_call(outcome: str | None = None) -> None:
    token: ApiToken = g.api_token
    after = {"method": request.method, "path": request.path}
    if outcome:
        after["refused"] = outcome
    audit.record(db.session(), token.user, "api", "api_token", token.id, None, after)


def _authenticate() -> None:
    try:
        token = tokens.recognise(db.session(), bearer(), today_vn())
    except tokens.TokenRefused as refused:
        _log_token(refused.token)
        errors.raise_api(401, refused.code, str(refused))
        return
    _log_token(token)
    g.api_token = token
    # Whatever a session cookie says, this call is the token's user's, also for the
    # services and the request log that read Flask-Login's current user.
    g._login_user = token.user
    # Another scope's id answers 404 before anything else is read or checked.
    for name, ident in (request.view_args or {}).items():
        if name in SCOPED_IDS:
            get_in_scope(db.session(), token.user, SCOPED_IDS[name], ident)
    if request.method not in READING and not token.can_write:
        errors.raise_api(
            403, "read_only_token", "Mã truy cập này chỉ được đọc, không được thay đổi dữ liệu."
        )
    _record_call()


def _log_token(token: ApiToken | None) -> None:
    """Name the call's token on its log line: its id, never the secret or its digest."""
    if token is not None:
        g.setdefault("log_fields", {})["token"] = token.id


def _rate_limited(error: HTTPException):
    """429, counted before the token is checked: the line still names the token."""
    secret = bearer()
    if secret:
        _log_token(tokens.find(db.session(), secret))
    return errors.http_error(error)


def _refused(error: ServiceError):
    """A service's refusal, after the rollback: the JSON answer, and the call's audit
    entry again (the rollback took the first one)."""
    if "api_token" in g:
        _record_call(getattr(error, "code", None) or type(error).__name__)
    return errors.refusal(error)


class ApiBlueprint(Blueprint):
    """A smorest Blueprint under /api/v1 whose every view is an API call: token first,
    JSON errors, no CSRF (no cookie signs it in), the API's rate limit."""

    names: set[str] = set()  # noqa: RUF012  # every API blueprint, by name

    def __init__(self, name: str, import_name: str, **kwargs: Any) -> None:
        ApiBlueprint.names.add(name)
        kwargs.setdefault("url_prefix", PREFIX)
        super().__init__(name, import_name, **kwargs)
        self.before_request(_authenticate)
        # Flask prefers the application's handler for a status over a blueprint's for
        # every HTTPException, so each status gets the JSON answer by its code.
        for code in default_exceptions:
            self.register_error_handler(code, errors.http_error)
        self.register_error_handler(HTTPException, errors.http_error)
        self.register_error_handler(429, _rate_limited)
        csrf.exempt(self)
        # One count per token for the whole API (a plain limit would count each route
        # apart, so a token could make the limit's number of calls on every route).
        limiter.shared_limit(
            lambda: current_app.config["API_RATE_LIMIT"], scope="api", key_func=_rate_key
        )(self)

    def add_url_rule(self, rule, endpoint=None, view_func=None, *args: Any, **kwargs: Any):
        if isinstance(view_func, type) and issubclass(view_func, MethodView):
            # Flask applies a MethodView's decorators to the view it makes.
            view_func.decorators = [*view_func.decorators, _answering_refusals]
        elif view_func is not None:
            view_func = _answering_refusals(view_func)
        return super().add_url_rule(rule, endpoint, view_func, *args, **kwargs)


def _answering_refusals(view: Callable) -> Callable:
    @wraps(view)
    def call(*args: Any, **kwargs: Any):
        on_refusal(_refused)
        return view(*args, **kwargs)

    return call
