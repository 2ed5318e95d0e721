"""Candidates: the list and search, the candidate page, forms, stages, alerts, bulk actions."""

from flask import Blueprint
from sqlalchemy.orm import Session

from registry.extensions import db

bp = Blueprint("candidates", __name__, template_folder="templates", url_prefix="/candidates")


def session() -> Session:
    """The request's session itself (what the services take), not its scoped proxy."""
    return db.session()


from registry.candidates import (  # noqa: E402, F401  (routes)
    views_dossier,
    views_edit,
    views_list,
    views_stage,
)
