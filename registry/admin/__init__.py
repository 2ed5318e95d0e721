"""Administration (admins only): accounts, organisations, the audit log, public holidays."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

from registry.admin import (  # noqa: E402, F401  (routes on bp)
    views,
    views_audit,
    views_holidays,
    views_organisations,
)
