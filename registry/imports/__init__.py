"""Importing candidate lists from Excel: upload, preview, error workbook, commit, rollback."""

from flask import Blueprint

bp = Blueprint("imports", __name__, template_folder="templates", url_prefix="/imports")

from registry.imports import views  # noqa: E402, F401  (routes on bp)
