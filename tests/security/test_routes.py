"""Every route, found in app.url_map: signed out, without CSRF token, and aimed at
another scope's ids by each role. A new route is attacked as soon as it is registered."""

from __future__ import annotations

import pytest

from registry.extensions import db
from tests.factories import PASSWORD
from tests.security.routes import PUBLIC, all_routes, call, count, text, url
from tests.security.world import MISSING_ID, fingerprint, hidden_ids, own_ids


def _no_marker(body: str, markers: list[str], where: str) -> None:
    leaked = [m for m in markers if m in body]
    assert not leaked, f"{where} shows {leaked}"


def test_public_endpoints_are_exactly_the_allow_list(app):
    open_ = set()
    for route in all_routes(app):
        if route.endpoint in PUBLIC:
            open_.add(route.endpoint)
    assert open_ == {"auth.login", "main.health"}


def test_signed_out_every_route_sends_to_login_and_shows_no_data(app, world, client):
    before = fingerprint()
    tried = 0
    markers = world.a.markers + world.b.markers
    for route in all_routes(app):
        if route.endpoint in PUBLIC:
            continue
        target = url(app, route, own_ids(world))
        for method in route.methods:
            response = call(client, method, target)
            tried += 1
            where = f"{method} {target}"
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login"), where
            else:
                assert response.status_code in (401, 403, 404), where
            _no_marker(text(response), markers, where)
    assert client.get("/health").get_json() == {"status": "ok"}
    assert fingerprint() == before
    count("signed_out", tried)


def test_every_post_route_refuses_a_missing_csrf_token(app, world, sign_in, monkeypatch):
    client = sign_in(world.users["admin"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = fingerprint()
    tried = 0
    for route in all_routes(app):
        if "POST" not in route.methods:
            continue
        target = url(app, route, own_ids(world))
        for data in ({}, {"csrf_token": "gia-mao"}):
            response = client.post(target, data=data)
            tried += 1
            assert response.status_code == 400, f"POST {target} {data}"
            assert "Yêu cầu không hợp lệ" in text(response)
    # The sign-in form too, for someone signed out.
    client.post("/logout", data={})
    response = client.post("/login", data={"username": "quantri", "password": PASSWORD})
    assert response.status_code == 400
    assert fingerprint() == before
    count("csrf", tried + 1)


def _variants(route, hidden: dict[str, int], own: dict[str, int]):
    """(ids to use, ids of the same request against missing records) for each way the
    route's parameters can point outside the scope: all at once, then one at a time."""
    aimed = [p for p in route.params if route.kinds[route.params.index(p)] in hidden]
    if not aimed:
        return
    groups = [aimed] + ([[p] for p in aimed] if len(aimed) > 1 else [])
    for group in groups:
        ids, missing = {}, {}
        for param, kind in zip(route.params, route.kinds, strict=True):
            ids[param] = hidden[kind] if param in group else own[kind]
            missing[param] = MISSING_ID if param in group else own[kind]
        yield ids, missing


def _by_param(app, route, values: dict[str, int]) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for(route.endpoint, **values)


@pytest.mark.parametrize("role", ["area_a", "cell_a", "gddt"])
def test_another_scopes_ids_answer_like_missing_ones(app, world, sign_in, role):
    client = sign_in(world.users[role])
    hidden = hidden_ids(world, role)
    own = own_ids(world)
    markers = world.b.markers if role != "gddt" else [world.a.markers[1], world.a.markers[3]]
    before = fingerprint()
    tried, statuses = 0, {}
    for route in all_routes(app):
        for ids, missing in _variants(route, hidden, own):
            target = _by_param(app, route, ids)
            for method in route.methods:
                response = call(client, method, target)
                baseline = call(client, method, _by_param(app, route, missing))
                where = f"{role}: {method} {target}"
                tried += 1
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                assert response.status_code in (403, 404), f"{where} → {response.status_code}"
                assert response.status_code == baseline.status_code, (
                    f"{where} → {response.status_code}, a missing id → {baseline.status_code}"
                )
                _no_marker(text(response), markers, where)
    db.session.expire_all()
    assert fingerprint() == before
    assert tried >= 10
    count(f"scope_{role}", tried)


def test_ids_too_large_for_the_database_are_404_on_every_route(app, world, sign_in):
    client = sign_in(world.users["admin"])
    tried = 0
    for route in all_routes(app):
        if not route.params:
            continue
        for huge in (2**31, 10**30):
            target = route.rule
            for param in route.params:
                target = target.replace(f"<int:{param}>", str(huge))
            for method in route.methods:
                response = call(client, method, target)
                tried += 1
                assert response.status_code == 404, f"{method} {target}"
    count("huge_ids", tried)
