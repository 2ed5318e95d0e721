"""Candidates: the list and search, the candidate page, forms, stages, alerts, bulk actions."""

from flask import Blueprint

bp = Blueprint("candidates", __name__, template_folder="templates", url_prefix="/candidates")

from registry.candidates import views_edit, views_list, views_stage  # noqa: E402, F401  (routes)
