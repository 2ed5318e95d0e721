"""Background jobs: the "Việc đang chạy" list, a job's progress and its result."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, template_folder="templates", url_prefix="/jobs")

from registry.jobs import views  # noqa: E402, F401  (routes on bp)
