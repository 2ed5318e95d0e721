"""The `admin` blueprint (admins only); its routes live in the views*.py modules."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
