"""The OpenAPI document and its interactive docs, served by the product itself.

Swagger UI's files come from the flask-swagger-ui package (its `dist` folder) and are
served from here: no page of the docs asks anything of another host. The page's own
script is a file too, as the Content-Security-Policy allows no inline script.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from flask import Blueprint, Response, jsonify, render_template
from flask_login import login_required

from registry.api.frame import PREFIX, api

bp = Blueprint("api_docs", __name__, url_prefix=PREFIX, template_folder="templates")
SWAGGER_UI = "flask_swagger_ui.dist"  # the package's copy of Swagger UI's dist folder
OWN = "registry.api.static"
DAY = 86400


@bp.route("/openapi.json")
@login_required
def openapi():
    return jsonify(api.spec.to_dict())


@bp.route("/docs")
@login_required
def docs():
    return render_template("api/docs.html")


@cache
def _asset(folder: str, name: str) -> bytes:
    """A docs file's bytes, read once per process (a file handle is never left open)."""
    return (files(folder) / name).read_bytes()


def _send(folder: str, name: str, mimetype: str) -> Response:
    response = Response(_asset(folder, name), mimetype=mimetype)
    response.headers["Cache-Control"] = f"private, max-age={DAY}"
    return response


# Each file by its own address (no file name in the URL is looked up).
@bp.route("/docs/swagger-ui.css")
@login_required
def swagger_css():
    return _send(SWAGGER_UI, "swagger-ui.css", "text/css")


@bp.route("/docs/swagger-ui-bundle.js")
@login_required
def swagger_js():
    return _send(SWAGGER_UI, "swagger-ui-bundle.js", "text/javascript")


@bp.route("/docs/docs.js")
@login_required
def docs_js():
    return _send(OWN, "docs.js", "text/javascript")
