"""Reports: download the Excel reports, submit them for a period, edit their header."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

from registry.reports import views, views_settings  # noqa: E402, F401  (routes on bp)
