"""A call refused before its view runs (no token, a bad, revoked or expired one, a
read-only token writing, a right missing, another scope's id, the rate limit) is
recorded as the web records a refused request: its request log line, with the status
and, once the token is accepted, the caller; besides, the token's id (never the
secret) and the refusal's code. Like a refused page, it writes no audit entry."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import ApiToken, AuditLog
from registry.services.accounts import tokens
from tests.factories import login
from tests.integration.api.conftest import Api

WEB_FIELDS = {"time", "level", "logger", "message", "request_id", "user", "method", "path"}


def _line(log_lines) -> dict:
    """The one line the last request logged."""
    lines = [json.loads(line) for line in log_lines()]
    requests = [entry for entry in lines if entry["message"] == "request"]
    assert requests, lines
    return requests[-1]


def _audited() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog))


@pytest.fixture
def officer(world):
    return world.users["area_a"]


def _token_id(secret: str) -> int:
    return db.session.scalar(
        select(ApiToken.id).where(ApiToken.token_hash == tokens.digest(secret))
    )


def test_a_call_without_a_token_is_a_refused_anonymous_request(world, client, log_lines):
    Api(client, None).get("/candidates")
    entry = _line(log_lines)
    assert set(entry) >= WEB_FIELDS
    assert (entry["status"], entry["user"], entry["refused"]) == (401, None, "missing_token")
    assert "token" not in entry


@pytest.mark.parametrize("spoil", ["revoked", "expired", "disabled"])
def test_a_dead_token_is_named_by_its_id_and_never_by_its_secret(
    world, client, token_for, log_lines, officer, spoil
):
    secret = token_for(officer)
    token = db.session.scalar(select(ApiToken))
    if spoil == "revoked":
        tokens.revoke(db.session(), officer, token)
    elif spoil == "expired":
        token.expires_on = today_vn() - timedelta(days=1)
    else:
        officer.active = False
    db.session.commit()
    before = _audited()
    response = Api(client, secret).get(f"/candidates/{world.a.candidate.id}")
    assert response.status_code == 401
    entry = _line(log_lines)
    code = {"revoked": "revoked_token", "expired": "expired_token"}.get(spoil, "invalid_token")
    assert (entry["status"], entry["user"], entry["token"], entry["refused"]) == (
        401, None, token.id, code,
    )  # fmt: skip
    output = "\n".join(log_lines())
    assert secret not in output and tokens.digest(secret) not in output
    assert secret[4:12] not in output  # not even the part the tokens page shows
    assert _audited() == before  # a refused call reads and changes nothing


def test_an_unknown_token_is_logged_without_any_token(world, client, log_lines):
    Api(client, "dvr_khong-co-ma-nay").get("/areas")
    entry = _line(log_lines)
    assert (entry["status"], entry["refused"], entry.get("token")) == (401, "invalid_token", None)
    assert "khong-co-ma-nay" not in "\n".join(log_lines())


def test_a_read_only_token_writing_is_logged_with_its_caller(
    world, client, token_for, log_lines, officer
):
    secret = token_for(officer, write=False)
    before = _audited()
    Api(client, secret).post(
        f"/candidates/{world.a.candidate.id}/stages",
        json={"stage": "trained", "event_date": today_vn().isoformat()},
    )
    entry = _line(log_lines)
    assert (entry["status"], entry["user"], entry["token"], entry["refused"]) == (
        403, str(officer.id), _token_id(secret), "read_only_token",
    )  # fmt: skip
    assert (entry["method"], entry["path"]) == (
        "POST", f"/api/v1/candidates/{world.a.candidate.id}/stages",
    )  # fmt: skip
    assert _audited() == before


def test_another_scopes_id_and_a_missing_right_are_logged_as_the_web_logs_them(
    world, client, token_for, log_lines, officer
):
    secret = token_for(officer)
    before = _audited()
    Api(client, secret).get(f"/candidates/{world.b.candidate.id}")
    hidden = _line(log_lines)
    assert (hidden["status"], hidden["user"], hidden["refused"]) == (
        404, str(officer.id), "not_found",
    )  # fmt: skip
    assert hidden["token"] == _token_id(secret)
    secretary = world.users["cell_a"]
    Api(client, token_for(secretary)).get("/imports")
    forbidden = _line(log_lines)
    assert (forbidden["status"], forbidden["user"], forbidden["refused"]) == (
        403, str(secretary.id), "forbidden",
    )  # fmt: skip
    assert _audited() == before + 1  # the secretary's token; no entry for either refusal

    # The web's line for the same refusal: the same fields, the same status and user.
    login(client, officer)
    client.get(f"/candidates/{world.b.candidate.id}")
    page = _line(log_lines)
    assert (page["status"], page["user"]) == (404, str(officer.id))
    assert set(page) >= WEB_FIELDS and set(hidden) >= WEB_FIELDS


def test_a_rate_limited_call_has_its_own_request_id_and_names_its_token(
    world, client, token_for, log_lines, officer, app, monkeypatch
):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1 per minute")
    secret = token_for(officer)
    caller = Api(client, secret)
    assert caller.get("/areas").status_code == 200
    first = _line(log_lines)
    assert caller.get("/units").status_code == 429  # one count for every route
    entry = _line(log_lines)
    assert (entry["status"], entry["token"], entry["refused"]) == (
        429, _token_id(secret), "rate_limited",
    )  # fmt: skip
    assert entry["request_id"] != first["request_id"]
    assert secret not in "\n".join(log_lines())


def test_an_accepted_call_names_its_token_and_no_refusal(
    world, client, token_for, log_lines, officer
):
    secret = token_for(officer)
    Api(client, secret).get("/areas")
    entry = _line(log_lines)
    assert (entry["status"], entry["user"], entry["token"]) == (
        200, str(officer.id), _token_id(secret),
    )  # fmt: skip
    assert "refused" not in entry
