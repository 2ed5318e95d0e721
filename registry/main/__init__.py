"""The home page and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__, template_folder="templates")

from registry.main import views  # noqa: E402, F401  (routes on bp)
