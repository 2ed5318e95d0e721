"""The log: one JSON object per line, whatever a path, a header or a message holds."""

from __future__ import annotations

import json

import pytest

from registry.extensions import db
from tests.factories import UserFactory, login
from tests.security.routes import count


def test_a_newline_in_the_path_stays_inside_its_json_field(client, log_lines):
    client.get("/login/%0Atime=2020 level=ERROR user=1%0D%0A%E2%80%A8x")
    lines = log_lines()
    assert len(lines) == 1, lines
    entry = json.loads(lines[0])
    assert entry["path"] == "/login/\ntime=2020 level=ERROR user=1\r\n\u2028x"
    assert (entry["level"], entry["status"], entry["user"]) == ("INFO", 404, None)
    assert {"time", "level", "logger", "message", "request_id", "method", "ms"} <= set(entry)
    count("log_forging", 1)


@pytest.mark.parametrize(
    "header", ["abc level=ERROR user=1", "x" * 65, "id\u00a0with-nbsp", 'a"b', "a/b"]
)
def test_a_request_id_that_is_not_plainly_an_id_is_replaced(client, log_lines, header):
    client.get("/login", headers={"X-Request-Id": header})
    entry = json.loads(log_lines()[-1])
    assert entry["request_id"] != header
    assert len(entry["request_id"]) == 12 and entry["request_id"].isalnum()
    count("log_forging", 1)


def test_a_plain_request_id_from_the_proxy_is_kept(client, log_lines):
    client.get("/login", headers={"X-Request-Id": "7f3a9c0e-41b2.nginx_1"})
    assert json.loads(log_lines()[-1])["request_id"] == "7f3a9c0e-41b2.nginx_1"


def test_every_line_of_a_signed_in_session_is_json(client, log_lines):
    user = UserFactory(full_name="Nguyễn Thị Hoà\nlevel=ERROR")
    db.session.commit()
    login(client, user)
    client.get("/candidates/?q=%0A%22%7D")
    lines = log_lines()
    assert len(lines) >= 3
    entries = [json.loads(line) for line in lines]
    assert entries[-1]["user"] == str(user.id)
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)


def test_a_rate_limited_sign_in_has_a_line_of_its_own(app, client, log_lines, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1 per minute")
    form = {"username": "khong_co", "password": "sai-mat-khau"}
    assert client.post("/login", data=form).status_code == 200
    first = json.loads(log_lines()[-1])
    assert client.post("/login", data=form).status_code == 429
    refused = json.loads(log_lines()[-1])
    assert (refused["status"], refused["user"]) == (429, None)
    # The request id is set before the rate limit is checked: not the previous request's.
    assert refused["request_id"] != first["request_id"]
