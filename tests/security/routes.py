"""Every route of the application, read from app.url_map, with URLs for chosen ids."""

from __future__ import annotations

import html
import json
import os
import zipfile
from dataclasses import dataclass
from io import BytesIO

from flask import Flask, url_for
from openpyxl import load_workbook
from werkzeug.routing import IntegerConverter

from tests.security.world import MISSING_ID, PARAM_KINDS

# The API's addresses: a token signs a call in, never the session (see conftest.sign_in).
API = "/api/v1/"

# Pages anyone may open without signing in.
PUBLIC = {"auth.login", "main.health", "static", "bootstrap.static"}


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: tuple[str, ...]
    params: tuple[str, ...]  # the <int:...> parameters, in rule order

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(PARAM_KINDS[p] for p in self.params)


def all_routes(app: Flask) -> list[Route]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "bootstrap.static"):
            continue
        params = tuple(
            name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)
        )
        untyped = set(rule.arguments) - set(params)
        assert not untyped, f"{rule.endpoint}: add a way to fill {sorted(untyped)}"
        unknown = [p for p in params if p not in PARAM_KINDS]
        assert not unknown, f"{rule.endpoint}: add {unknown} to PARAM_KINDS in world.py"
        methods = tuple(sorted(m for m in rule.methods if m in ("GET", "POST")))
        routes.append(Route(rule.endpoint, rule.rule, methods, params))
    return sorted(routes, key=lambda r: r.endpoint)


def url(app: Flask, route: Route, ids: dict[str, int]) -> str:
    """The route's URL with each parameter set to ids[kind] (a missing id when absent)."""
    values = {p: ids.get(PARAM_KINDS[p], MISSING_ID) for p in route.params}
    with app.test_request_context():
        return url_for(route.endpoint, **values)


def call(client, method: str, target: str, data: dict | None = None):
    if method == "GET":
        return client.get(target)
    return client.post(target, data=data or {})


def count(name: str, n: int) -> None:
    """Add n to the tally of attacks tried (written when SECURITY_TALLY names a file)."""
    path = os.environ.get("SECURITY_TALLY")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"name": name, "n": n}) + "\n")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(response) -> str:
    """What a response shows: its page, every text cell of a downloaded workbook, or the
    text of a downloaded Word document's XML parts (a marker inside counts as seen)."""
    if response.mimetype == XLSX:
        book = load_workbook(BytesIO(response.data), read_only=True)
        cells = (v for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row)
        return "\n".join(str(v) for v in cells if v is not None)
    data = response.get_data()
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return "\n".join(
                html.unescape(archive.read(name).decode("utf-8", "replace"))
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return response.get_data(as_text=True)
