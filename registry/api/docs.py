"""The OpenAPI document and its interactive docs, served by the product itself.

Swagger UI's files come from the flask-swagger-ui package (its `dist` folder) and are
served from here: no page of the docs asks anything of another host. The page's own
script is a file too, as the Content-Security-Policy allows no inline script.
"""

from __future__ import annotations

from importlib.resources import files

from flask import Blueprint, jsonify, render_template, send_from_directory
from flask_login import login_required

from registry.api.frame import PREFIX, api

bp = Blueprint("api_docs", __name__, url_prefix=PREFIX, template_folder="templates")
SWAGGER_UI = str(files("flask_swagger_ui") / "dist")
OWN = str(files("registry.api") / "static")
DAY = 86400


@bp.route("/openapi.json")
@login_required
def openapi():
    return jsonify(api.spec.to_dict())


@bp.route("/docs")
@login_required
def docs():
    return render_template("api/docs.html")


# Each file by its own address (no file name in the URL is looked up).
@bp.route("/docs/swagger-ui.css")
@login_required
def swagger_css():
    return send_from_directory(SWAGGER_UI, "swagger-ui.css", max_age=DAY)


@bp.route("/docs/swagger-ui-bundle.js")
@login_required
def swagger_js():
    return send_from_directory(SWAGGER_UI, "swagger-ui-bundle.js", max_age=DAY)


@bp.route("/docs/docs.js")
@login_required
def docs_js():
    return send_from_directory(OWN, "docs.js", max_age=DAY)
