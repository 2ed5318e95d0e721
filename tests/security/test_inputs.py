"""Hostile query strings and form fields: SQL-shaped text, LIKE wildcards, huge numbers,
and ids of another scope. Nothing fails, nothing extra is listed, nothing leaks."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from registry.extensions import db
from registry.models import Candidate, PartyCell, Target, Unit
from tests.security.routes import API, all_routes, count, text, url
from tests.security.world import fingerprint

HOSTILE = [
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "%' OR '1'='1",
    "1; DROP TABLE candidate; --",
    "99999999999999999999999",
    "-1",
    "../../etc/passwd",
    "2147483648",
    "\u0000",
]
# Query-string names the pages read: free text and codes, then ids and numbers.
TEXT_ARGS = [
    "q",
    "kind",
    "party",
    "status",
    "group",
    "subgroup",
    "stage",
    "gender",
    "ethnicity",
    "reached",
    "reached_from",
    "reached_to",
    "sort",
    "desc",
    "cursor",
    "action",
    "entity",
    "from",
    "to",
    "role",
    "old",
    "next",
    "back",
]
ARG_HOSTILE = (
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "2147483648",
    "99999999999999999999999",
    "-1",
    "\u0000",
)
NUMBER_HOSTILE = ("99999999999999999999999", "2147483648", "' OR 1=1 --")
NUMBER_ARGS = [
    "area",
    "unit",
    "cell",
    "page",
    "year",
    "before",
    "user",
    "entity_id",
    "parent",
    "source_year",
    "per_page",
]
SEARCH_PAGES = {
    "candidates.index": ("q",),
    "units.index": ("q",),
    "units.cells": ("q",),
    "admin.users": ("q",),
}


def _names(world) -> list[str]:
    w = world
    names = [m for m in w.a.markers + w.b.markers if not m.isdigit()]
    names += ["Trường A", "Trường B", "Chi bộ A", "Chi bộ B", "canboa", "bithub"]
    return names


@pytest.mark.parametrize("value", ARG_HOSTILE)
def test_hostile_values_in_every_query_argument_of_every_page(app, world, sign_in, value):
    client = sign_in(world.users["admin"])
    before = fingerprint()
    tried = 0
    for route in all_routes(app):
        if "GET" not in route.methods or route.endpoint == "auth.login":
            continue
        base = url(app, route, world.a.ids)
        queries = [{name: value for name in TEXT_ARGS}]
        if not route.params and value in NUMBER_HOSTILE:
            queries += [{name: value} for name in NUMBER_ARGS]
        for query in queries:
            response = client.get(f"{base}?{urlencode(query)}")
            tried += 1
            # The API answers a value of the wrong type 422, with the field named.
            allowed = (200, 302, 400, 404) + ((422,) if base.startswith(API) else ())
            assert response.status_code in allowed, f"GET {base} {query} → {response.status_code}"
            if "html" not in response.content_type:
                break  # a download: its query string is not read
    assert fingerprint() == before
    count("hostile_query_args", tried)


@pytest.mark.parametrize("endpoint", list(SEARCH_PAGES))
def test_wildcards_and_sql_in_search_find_nothing_extra(app, world, sign_in, endpoint):
    client = sign_in(world.users["admin"])
    with app.test_request_context():
        from flask import url_for

        base = url_for(endpoint)
    names = _names(world)
    for value in HOSTILE[:-1]:  # (a lone NUL cleans to a blank search: the whole list)
        body = text(client.get(f"{base}?{urlencode({'q': value})}"))
        table = body.split("<table", 1)[1] if "<table" in body else ""
        shown = [n for n in names if n in table]
        assert not shown, f"{endpoint} q={value!r} lists {shown}"
    # The same search still finds what it should.
    assert "Học Sinh A" in text(client.get(f"{base.replace(base, '/candidates/')}?q=hoc+sinh"))
    count("search_wildcards", len(HOSTILE))


def test_area_officer_list_with_hostile_search_stays_in_scope(world, sign_in):
    client = sign_in(world.users["area_a"])
    for value in [*HOSTILE, "", "Học", "001"]:
        body = text(client.get(f"/candidates/?{urlencode({'q': value})}"))
        assert not [m for m in world.b.markers if m in body], value
    count("scoped_search", len(HOSTILE) + 3)


def test_filters_naming_another_scope_answer_404(world, sign_in):
    client = sign_in(world.users["area_a"])
    b = world.b.ids
    attempts = [
        f"/candidates/?area={b['area']}",
        f"/candidates/?unit={b['unit']}",
        f"/candidates/?cell={b['cell']}",
        f"/units/?area={b['area']}",
        f"/units/cells?area={b['area']}",
        f"/units/targets?area={b['area']}",
        f"/units/areas/new?parent={b['area']}",
    ]
    for target in attempts:
        response = client.get(target)
        assert response.status_code in (404, 403, 200), target
        assert not [m for m in world.b.markers if m in text(response)], target
    for target in attempts[:4]:
        assert client.get(target).status_code == 404, target
    count("idor_query", len(attempts))


def _other_scope_posts(world) -> dict[str, tuple[str, dict]]:
    a, b = world.a.ids, world.b.ids
    person = {
        "full_name": "Vũ Thị Mai",
        "gender": "F",
        "birth_date": "03/04/2006",
        "ethnicity": "Kinh",
        "subgroup": "thpt",
        "source_date": "01/09/2025",
    }
    return {
        "candidate in B's unit": ("/candidates/new", {**person, "unit_id": b["unit"]}),
        "candidate in B's cell": (
            "/candidates/new",
            {**person, "unit_id": a["unit"], "cell_id": b["cell"]},
        ),
        "move own candidate to B": (
            f"/candidates/{a['candidate']}/edit",
            {**person, "unit_id": b["unit"]},
        ),
        "unit in B": (
            "/units/new",
            {"code": "IDOR1", "name": "Trường Lạ", "kind": "thpt", "area_id": b["area"]},
        ),
        "unit with B's cell": (
            "/units/new",
            {
                "code": "IDOR2",
                "name": "Trường Lạ 2",
                "kind": "thpt",
                "area_id": a["area"],
                "cell_id": b["cell"],
            },
        ),
        "own unit moved to B": (
            f"/units/{a['unit']}/edit",
            {"code": "THA", "name": "Trường A", "kind": "thpt", "area_id": b["area"]},
        ),
        "cell in B": (
            "/units/cells/new",
            {"name": "Chi bộ Lạ", "kind": "co_so", "area_id": b["area"]},
        ),
        "cell taking B's unit": (
            "/units/cells/new",
            {"name": "Chi bộ Lạ 2", "kind": "co_so", "area_id": a["area"], "unit_ids": [b["unit"]]},
        ),
        "target for B": (
            "/units/targets/new",
            {
                "year": "2027",
                "group_code": "student",
                "owner": "area",
                "area_id": b["area"],
                "count": "5",
            },
        ),
        "target for B's unit": (
            "/units/targets/new",
            {
                "year": "2027",
                "group_code": "worker",
                "owner": "unit",
                "unit_id": b["firm"],
                "count": "5",
            },
        ),
        "transfer to B": (f"/units/transfer/{a['candidate']}", {"unit_id": b["unit"]}),
        "transfer with B's cell": (
            f"/units/transfer/{a['candidate']}",
            {"unit_id": a["firm"], "cell_id": b["cell"]},
        ),
        "bulk with B's ids": (
            "/candidates/bulk",
            {"ids": [b["candidate"], b["worker"]], "stage": "dossier", "event_date": "02/03/2025"},
        ),
    }


def test_form_fields_naming_another_scope_change_nothing(world, sign_in):
    client = sign_in(world.users["area_a"])
    before = fingerprint()
    posts = _other_scope_posts(world)
    for where, (target, data) in posts.items():
        # A bulk recording answers with its result page (refused ids there), reached by GET.
        response = client.post(target, data=data, follow_redirects=True)
        assert response.status_code in (200, 400, 403, 404, 422), f"{where}: {response.status_code}"
        assert not [m for m in world.b.markers if m in text(response)], where
    db.session.expire_all()
    assert fingerprint() == before, "a form naming another scope's record changed data"
    b = world.b.ids
    assert (
        db.session.scalar(db.select(Candidate.id).where(Candidate.unit_id == b["unit"]))
        == b["candidate"]
    )
    assert db.session.get(Unit, world.a.ids["unit"]).area_id == world.a.ids["area"]
    assert not db.session.scalar(db.select(PartyCell.id).where(PartyCell.name.like("Chi bộ Lạ%")))
    assert db.session.scalar(db.select(db.func.count()).select_from(Target)) == 6  # 3 a side
    count("idor_form", len(posts))
