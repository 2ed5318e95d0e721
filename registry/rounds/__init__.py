"""Reporting rounds: open a round, send its reports and narrative report, review, unlock,
consolidate."""

from flask import Blueprint

bp = Blueprint("rounds", __name__, url_prefix="/rounds", template_folder="templates")

from registry.rounds import views, views_documents, views_review  # noqa: E402, F401  (routes on bp)
