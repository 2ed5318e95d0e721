"""Signing in and out, changing one's own password."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from registry.auth import views  # noqa: E402, F401  (routes on bp)
