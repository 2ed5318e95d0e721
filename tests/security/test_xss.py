"""XSS payloads in every text field come back escaped on every page that shows them."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pytest

from registry.extensions import db
from registry.models import Candidate, PartyCell, Unit
from tests.fixtures.sheets import xlsx_bytes
from tests.security.routes import all_routes, count, text, url
from tests.security.world import IMG, PAYLOADS, SCRIPT

RAW = ("<script>alert(1)", "<img src=x", "onerror=alert(1)>")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")
# Query strings that put the payloads into search boxes and filters.
QUERY_VARIANTS = {
    "candidates.index": [{"q": SCRIPT}, {"q": IMG, "stage": IMG, "sort": IMG}],
    "units.index": [{"q": SCRIPT, "kind": IMG}],
    "units.cells": [{"q": IMG}],
    "admin.users": [{"q": SCRIPT, "role": IMG}],
    "admin.audit": [{"action": SCRIPT, "entity": IMG, "from": IMG}],
    "candidates.alerts": [{"kind": SCRIPT, "cursor": IMG}],
}


def assert_escaped(response, where: str) -> bool:
    """No payload reaches an HTML page raw; True when one is shown escaped."""
    if "html" not in (response.content_type or ""):
        return False
    body = text(response)
    raw = [r for r in RAW if r in body]
    assert not raw, f"{where}: raw {raw}"
    return any(e in body for e in ESCAPED)


def _crawl(app, client, ids: dict[str, int], role: str) -> tuple[int, set[str]]:
    pages, shown = 0, set()
    for route in all_routes(app):
        if "GET" not in route.methods or route.endpoint in ("auth.logout",):
            continue
        target = url(app, route, ids)
        targets = [target]
        for args in QUERY_VARIANTS.get(route.endpoint, []):
            targets.append(f"{target}?{urlencode(args)}")
        for each in targets:
            response = client.get(each)
            pages += 1
            assert response.status_code < 500, f"{role}: GET {each} → {response.status_code}"
            if assert_escaped(response, f"{role}: GET {each}"):
                shown.add(route.endpoint)
    return pages, shown


@pytest.mark.parametrize("role", ["admin", "area_a", "cell_a", "gddt"])
def test_payloads_in_stored_text_are_escaped_on_every_page(app, payload_world, sign_in, role):
    client = sign_in(payload_world.users[role])
    pages, shown = _crawl(app, client, payload_world.a.ids, role)
    # The crawl really met the payloads: on the pages that show names and notes.
    expected = {"candidates.index", "candidates.detail", "units.unit_view", "units.cells"}
    assert expected <= shown, sorted(expected - shown)
    count(f"xss_pages_{role}", pages * len(PAYLOADS))


def _post_escaped(client, target: str, data: dict, where: str) -> None:
    response = client.post(target, data=data, follow_redirects=True)
    assert response.status_code < 500, f"{where} → {response.status_code}"
    assert_escaped(response, where)


def test_payloads_typed_into_forms_come_back_escaped(app, payload_world, sign_in):
    w = payload_world
    client = sign_in(w.users["admin"])
    a = w.a.ids
    posts = {
        "candidate, bad date": (
            "/candidates/new",
            {"full_name": SCRIPT, "birth_date": IMG, "note": SCRIPT, "unit_id": a["unit"]},
        ),
        "candidate, saved": (
            "/candidates/new",
            {
                "full_name": f"Lê Văn {SCRIPT}",
                "gender": "M",
                "birth_date": "01/02/2006",
                "ethnicity": "Kinh",
                "unit_id": a["unit"],
                "subgroup": "thpt",
                "source_date": "01/09/2025",
                "hometown": IMG,
                "note": SCRIPT,
            },
        ),
        "stage note": (
            f"/candidates/{a['candidate']}/stages",
            {"stage": "dossier", "event_date": "02/03/2025", "note": SCRIPT, "document_no": IMG},
        ),
        "unit": (
            "/units/new",
            {"code": "XSS1", "name": SCRIPT, "kind": "thpt", "area_id": a["area"], "address": IMG},
        ),
        "cell": ("/units/cells/new", {"name": IMG, "kind": "co_so", "area_id": a["area"]}),
        "area": ("/units/areas/new", {"code": "XSS2", "name": SCRIPT, "level": "commune"}),
        "holiday": ("/admin/holidays", {"day": "03/09/2026", "name": IMG, "kind": "swap"}),
        "user": (
            "/admin/users/new",
            {"username": IMG, "full_name": SCRIPT, "role": "admin", "password": "x"},
        ),
        "survey": (
            f"/units/{a['firm']}/surveys/new",
            {"survey_date": "05/01/2025", "workers": "3", "party_org": "none", "note": SCRIPT},
        ),
        "bulk": (
            "/candidates/bulk",
            {"ids": [a["candidate"]], "stage": "dossier", "event_date": IMG, "note": SCRIPT},
        ),
    }
    for where, (target, data) in posts.items():
        _post_escaped(client, target, data, where)
    saved = db.session.scalar(db.select(Candidate).where(Candidate.full_name.contains("Lê Văn")))
    assert saved is not None and saved.full_name.endswith(SCRIPT)  # stored as typed
    page = client.get(f"/candidates/{saved.id}")
    assert assert_escaped(page, "new candidate page")
    assert db.session.scalar(db.select(Unit).where(Unit.code == "XSS1")).name == SCRIPT
    assert db.session.scalar(db.select(PartyCell.id).where(PartyCell.name == IMG))
    count("xss_forms", len(posts) * 2)


def test_file_and_sheet_names_of_an_upload_come_back_escaped(app, world, sign_in):
    if "imports.upload" not in app.view_functions:
        pytest.skip("the import pages are not registered")
    client = sign_in(world.users["area_a"])
    rows = [["Họ và tên", "Ngày sinh", "Mã đơn vị"], ["Phạm Thị Lan", date(2006, 1, 2), "THA"]]
    data = xlsx_bytes(rows, title=IMG[:31].replace("/", ""))
    import io

    response = client.post(
        "/imports/upload",
        data={"file": (io.BytesIO(data), f"{SCRIPT}.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code < 500
    assert assert_escaped(response, "import preview")
    listing = client.get("/imports/")
    assert_escaped(listing, "import list")  # the name is stored sanitised or escaped
    assert SCRIPT not in text(listing)
    count("xss_upload", 2)
