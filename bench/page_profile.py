"""The Python cost of each page of the gunicorn load's mix, measured without gunicorn.

The pages the load asks for (bench_list.user_urls, in load.ROLE_MIX's roles) are requested
through the Flask test client, signed in as the load signs in, and grouped by kind (the
list, a later page, a stage tab, a name search, a CCCD search, a candidate page). Per kind:
the CPU time of this process per request (the median of `rounds` passes, unprofiled), the
Python function calls per request under cProfile (deterministic: the figure to compare
between two versions of the code on a shared machine), and the SQL statements per request.

    PYTHONPATH=. .venv/bin/python -m bench.page_profile URL [--count 7] [--rounds 3] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import time
from collections import defaultdict
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import event, select

ROLES = ("tinh", "xa", "chibo")  # bench.load.ROLE_MIX's users


def kind_of(url: str) -> str:
    """The kind of page a URL of bench_list.user_urls asks for."""
    parts = urlsplit(url)
    if parts.path.rstrip("/") != "/candidates":
        return "candidate"
    args = parse_qs(parts.query)
    if "cursor" in args:
        return "list_page"
    if "stage" in args:
        return "stage_tab"
    if "q" in args:
        return "search_cccd" if args["q"][0].isdigit() else "search_name"
    return "list"


class StatementCounter:
    """Counts the SQL statements sent to the database while it is on."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def _urls(app, count: int) -> dict[str, list[str]]:
    from bench.bench_list import user_urls
    from registry.extensions import db
    from registry.models import User

    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        urls = {role: user_urls(db.session, users[role], count, seed=11) for role in ROLES}
        db.session.remove()
    return urls


def run(url: str, count: int = 7, rounds: int = 3, top: int = 0) -> dict[str, Any]:
    """Per role and kind of page: CPU ms, calls and SQL statements per request."""
    from bench.bench_list import _signed_in
    from bench.common import bench_app
    from registry.extensions import db
    from registry.models import User

    app = bench_app(url)
    urls = _urls(app, count)
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        counter = StatementCounter(db.engine)
        db.session.remove()
    cpu: dict[tuple[str, str], list[float]] = defaultdict(list)
    calls: dict[tuple[str, str], list[int]] = defaultdict(list)
    statements: dict[tuple[str, str], list[int]] = defaultdict(list)
    stats: dict[str, pstats.Stats] = {}
    errors = 0
    for role in ROLES:
        client = _signed_in(app, users[role])
        for target in dict.fromkeys(urls[role]):  # warm: templates compiled, pool filled
            errors += client.get(target).status_code != 200
        for _ in range(rounds):
            for target in urls[role]:
                start = time.process_time()
                client.get(target)
                cpu[role, kind_of(target)].append((time.process_time() - start) * 1000)
        for target in urls[role]:
            profile, before = cProfile.Profile(), counter.count
            profile.enable()
            client.get(target)
            profile.disable()
            key = (role, kind_of(target))
            statements[key].append(counter.count - before)
            one = pstats.Stats(profile)
            calls[key].append(one.total_calls)  # type: ignore[attr-defined]
            if key[1] in stats:
                stats[key[1]].add(profile)
            else:
                stats[key[1]] = one
    result: dict[str, Any] = {"errors": errors, "pages": {}}
    for role, kind in sorted(cpu):
        key = (role, kind)
        result["pages"][f"{role} {kind}"] = {
            "cpu_ms": round(statistics.median(cpu[key]), 2),
            "calls": round(statistics.mean(calls[key])),
            "sql": round(statistics.mean(statements[key]), 1),
        }
    if top:
        for kind, one in stats.items():
            print(f"=== {kind}")
            one.sort_stats("cumulative").print_stats(top)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--count", type=int, default=7, help="URL groups per role (7 URLs each)")
    parser.add_argument("--rounds", type=int, default=3, help="unprofiled passes for the CPU time")
    parser.add_argument("--top", type=int, default=0, help="print the heaviest functions per kind")
    args = parser.parse_args()
    print(json.dumps(run(args.url, args.count, args.rounds, args.top), indent=1))


if __name__ == "__main__":
    main()
