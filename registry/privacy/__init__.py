"""Personal data of one person: what the registry holds (download) and erasure."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy", template_folder="templates")

from registry.privacy import views  # noqa: E402, F401  (routes on bp)
