"""Every route, found in app.url_map: signed out, without CSRF token, and aimed at
another scope's ids by each role. A new route is attacked as soon as it is registered."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from registry.domain.alerts.kinds import ALERT_KINDS
from registry.extensions import db
from tests.factories import PASSWORD
from tests.security.routes import API, PUBLIC, all_routes, call, count, text, url
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
        if target.startswith(API):
            # No cookie signs in an API call, so CSRF has nothing to guard there: the
            # session alone is refused (tests/integration/api checks token calls).
            unsigned = client.post(target, data={}, headers={"Authorization": ""})
            assert unsigned.status_code == 401, target
            continue
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


# Searches and filters that would list the other group if the restriction slipped.
GROUP_PROBES = {
    "candidates.index": [
        {"q": "Công Nhân"},
        {"q": "001098"},
        {"group": "worker"},
        {"subgroup": "cong_nhan"},
        {"stage": "trained", "reached": "trained"},
    ],
    "candidates.alerts": [{"kind": kind} for kind in ALERT_KINDS],
    "units.index": [{"kind": "cong_ty_tnhh"}, {"q": "Công ty"}],
}


def test_a_group_restricted_user_sees_no_one_of_the_other_group_on_any_page(app, world, sign_in):
    """Sở GD&ĐT (province-wide, THPT students only) walks every page with each side's
    ids and the searches that would find workers: no 500, no worker's name or CCCD."""
    client = sign_in(world.users["gddt"])
    workers = [world.a.markers[1], world.a.markers[3], world.b.markers[1], world.b.markers[3]]
    workers_ids = {
        **world.a.ids,
        "candidate": world.a.ids["worker"],
        "event": world.a.ids["worker_event"],
        "unit": world.a.ids["firm"],
    }
    before = fingerprint()
    tried = 0
    for ids in (own_ids(world), dict(world.b.ids), workers_ids):
        for route in all_routes(app):
            if "GET" not in route.methods or route.endpoint == "auth.logout":
                continue
            target = url(app, route, ids)
            probes = [""] + [f"?{urlencode(q)}" for q in GROUP_PROBES.get(route.endpoint, [])]
            for probe in probes:
                response = client.get(target + probe)
                tried += 1
                where = f"gddt: GET {target}{probe}"
                assert response.status_code < 500, f"{where} → {response.status_code}"
                _no_marker(text(response), workers, where)
    # The student of side A is there to be seen: the restriction hides only the others.
    assert world.a.markers[0] in text(client.get("/candidates/?q=Học+Sinh"))
    db.session.expire_all()
    assert fingerprint() == before
    count("scope_gddt_pages", tried)
