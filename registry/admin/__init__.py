"""Administration (admins only): accounts, the audit log, public holidays."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

from registry.admin import views, views_audit, views_holidays  # noqa: E402, F401  (routes on bp)
