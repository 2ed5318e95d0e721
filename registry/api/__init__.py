"""The JSON API under /api/v1 (DESIGN "API"), on flask-smorest and marshmallow.

Each resource module defines an `ApiBlueprint`; `register_api` registers them, the
tokens page and the served docs. What every call goes through is in `frame`.
"""

from __future__ import annotations

from flask import Flask

from registry.api.frame import api, prepare


def register_api(app: Flask) -> None:
    from registry.api import candidates, docs, imports, org, reports, rounds, tokens_page

    prepare(app)
    for module in (org, candidates, imports, reports, rounds):
        api.register_blueprint(module.blp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(tokens_page.bp)
