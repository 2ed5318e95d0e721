"""The candidate list, search and candidate page through the Flask test client.

Every scenario is a list of URLs (picked from the data: real names, real CCCD numbers,
real keyset cursors), requested one after the other by a signed-in user; the figure is
p50/p95 of the wall time per request, the page rendered in full. The same URL lists
feed the gunicorn load (bench.load).
"""

from __future__ import annotations

import random
import time
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select

SCENARIOS = (
    "list", "list_pages", "list_area", "search_name", "search_cccd", "candidate",
    "list_filtered", "search_name_part", "list_cell",
)  # fmt: skip
# Measured with an eighth of the requests: they widen the picture, the targets need less.
EXTRA = ("list_filtered", "search_name_part", "list_cell")
# Who asks: the province-wide user (the worst case: a million rows in scope), except the
# commune officer's and the cell secretary's own lists.
AS_USER = {"list_area": "xa", "list_cell": "chibo"}


def _sample(session, user, column, count: int, seed: int) -> list:
    """`count` values of `column` from candidates spread over the user's scope."""
    from registry.models import Candidate
    from registry.scoping import full_scope, scope_filter

    rng = random.Random(seed)
    if full_scope(user):
        top = session.scalar(select(func.max(Candidate.id))) or 0
        ids = sorted({rng.randint(1, top) for _ in range(count * 3)}) if top else []
    else:
        pool = list(session.scalars(select(Candidate.id).where(scope_filter(user, Candidate))))
        ids = sorted(rng.sample(pool, min(len(pool), count * 3)))
    values = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        stmt = select(column).where(Candidate.id.in_(chunk), column.is_not(None))
        values += list(session.scalars(stmt))
    rng.shuffle(values)
    return (values * (count // max(1, len(values)) + 1))[:count] if values else []


def _cursors(session, user, count: int) -> list[str]:
    """Cursors of pages spread over the list (keyset: page 1,000 should cost as page 2)."""
    from registry.services.candidates.filtering import CandidateFilters
    from registry.services.candidates.paging import fetch_page

    filters = CandidateFilters()
    page = fetch_page(session, user, filters)
    cursors: list[str] = []
    while page.next_cursor and len(cursors) < count:
        cursors.append(page.next_cursor)
        # Jump ahead with a larger page so that the cursors reach deep into the list.
        wide = CandidateFilters(per_page=200)
        # (A cursor belongs to an order, not to a page size.)
        page = fetch_page(session, user, wide, page.next_cursor)
    return cursors or [""]


def _filtered(session, count: int, seed: int) -> list[str]:
    from registry.models import Area, Unit

    rng = random.Random(seed)
    areas = list(session.scalars(select(Area.id).where(Area.level == "commune")))
    units = list(session.scalars(select(Unit.id).limit(500)))
    stages = ("source", "trained", "dossier", "cell_resolution", "admitted", "full_member")
    makers = (
        lambda: {"stage": rng.choice(stages)},
        lambda: {"area": rng.choice(areas), "stage": rng.choice(stages)},
        lambda: {"group": "worker", "gender": "F"},
        lambda: {"unit": rng.choice(units)},
        lambda: {"source_year": rng.choice((2021, 2022, 2023, 2024, 2025))},
        lambda: {"reached": "admitted", "reached_from": "01/01/2025", "reached_to": "31/12/2025"},
        lambda: {"status": "following", "ethnicity": "minority", "sort": "birth"},
    )
    return [f"/candidates/?{urlencode(rng.choice(makers)())}" for _ in range(count)]


def _parts(names: list[str], rng: random.Random) -> list[str]:
    """What people type: the family and given name only, or just the given name."""
    out = []
    for name in names:
        words = name.split()
        out.append(f"{words[0]} {words[-1]}" if rng.random() < 0.6 else words[-1])
    return out


def scenario_urls(session, users: dict[str, Any], count: int, seed: int = 7) -> dict[str, list]:
    """URL lists per scenario, taken from the data in the database."""
    from registry.models import Candidate

    rng, province = random.Random(seed), users["tinh"]
    names = _sample(session, province, Candidate.name_key, count, seed)
    cursors = _cursors(session, province, min(count, 100))
    numbers = _sample(session, province, Candidate.id_number, count, seed)
    return {
        "list": ["/candidates/"] * count,
        "list_pages": [f"/candidates/?cursor={c}" for c in (cursors * count)[:count]],
        "list_filtered": _filtered(session, count, seed),
        "list_area": ["/candidates/"] * count,
        "list_cell": ["/candidates/"] * count,
        "search_name": [f"/candidates/?{urlencode({'q': n})}" for n in names],
        "search_name_part": [f"/candidates/?{urlencode({'q': n})}" for n in _parts(names, rng)],
        "search_cccd": [f"/candidates/?q={n}" for n in numbers],
        "candidate": [
            f"/candidates/{i}" for i in _sample(session, province, Candidate.id, count, seed)
        ],
    }


def user_urls(session, user, count: int, seed: int) -> list[str]:
    """What one user of a scope asks for, in its scope: the list and its pages, a stage
    tab, names and CCCD numbers of their own candidates, candidate pages."""
    from registry.models import Candidate

    rng = random.Random(seed)
    names = _parts(_sample(session, user, Candidate.name_key, count, seed), rng)
    numbers = _sample(session, user, Candidate.id_number, count, seed)
    ids = _sample(session, user, Candidate.id, count, seed)
    cursors = _cursors(session, user, 10)
    stages = ("source", "trained", "dossier", "admitted")
    out = []
    for i in range(count):
        out += [
            "/candidates/",
            f"/candidates/?cursor={cursors[i % len(cursors)]}",
            f"/candidates/?stage={stages[i % len(stages)]}",
            f"/candidates/?{urlencode({'q': names[i]})}" if names else "/candidates/",
            f"/candidates/?q={numbers[i]}" if numbers else "/candidates/",
            f"/candidates/{ids[i]}" if ids else "/candidates/",
            f"/candidates/{ids[-i - 1]}" if ids else "/candidates/",
        ]
    return out


def _signed_in(app, user):
    from registry.auth.views import SESSION_VERSION_KEY

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session[SESSION_VERSION_KEY] = user.session_version
    return client


def run(url: str, requests: int, only: list[str] | None = None) -> dict[str, Any]:
    """p50/p95 per scenario over `requests` requests each, through the test client."""
    from bench.common import bench_app, percentiles
    from registry.extensions import db
    from registry.models import User

    app = bench_app(url)
    results: dict[str, Any] = {}
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        urls = scenario_urls(db.session, users, requests)
        db.session.remove()
    for name in only or SCENARIOS:
        client = _signed_in(app, users[AS_USER.get(name, "tinh")])
        for warm in urls[name][:3]:
            client.get(warm)
        samples, errors = [], 0
        count = max(1, requests // 8) if name in EXTRA else requests
        for target in urls[name][:count]:
            start = time.perf_counter()
            response = client.get(target)
            samples.append((time.perf_counter() - start) * 1000)
            errors += response.status_code != 200
        results[name] = {**percentiles(samples), "errors": errors, "example": urls[name][0]}
    return results
