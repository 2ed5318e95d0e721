"""A submission's narrative report and its PDF as sent, and the draft a reporter edits
before sending."""

from __future__ import annotations

from io import BytesIO

from flask import abort, request, url_for
from flask_login import current_user

from registry import access
from registry.downloads import download_response
from registry.extensions import db
from registry.models import ReportingRound
from registry.rounds import bp
from registry.rounds.views import submission_in
from registry.scoping import get_in_scope
from registry.services import audit
from registry.services.reports.workbooks import FILE_TITLES
from registry.services.rounds.review import draft_narrative
from registry.transaction import refusal_returns_to

NARRATIVE_SLUG = "bao-cao-van-ban"
_KIND_OF_FORMAT = {"docx": "narrative", "pdf": "pdf"}


@bp.route("/<int:round_id>/submissions/<int:submission_id>/narrative")
@access.requires(access.USE_ROUNDS)
def narrative(round_id: int, submission_id: int):
    """The narrative report of a submission exactly as it was sent (?format=pdf: its PDF)."""
    submission = submission_in(round_id, submission_id)
    suffix = request.args.get("format", "docx")
    kept = submission.document(_KIND_OF_FORMAT.get(suffix, ""))
    if kept is None:
        abort(404)
    audit.record(
        db.session(), current_user, "export", "submission", submission.id, None,
        {"document": "narrative", "format": suffix, "edited": kept.edited,
         "round_id": submission.round_id},
    )  # fmt: skip
    ascii_name = f"{NARRATIVE_SLUG}_dot-{round_id}_lan-nop-{submission.id}.{suffix}"
    display = f"{FILE_TITLES['narrative']} (đợt {round_id}, lần nộp {submission.id}).{suffix}"
    return download_response(BytesIO(kept.content), ascii_name, display)


@bp.route("/<int:round_id>/narrative")
@access.requires(access.USE_ROUNDS)
def narrative_draft(round_id: int):
    """The narrative report a submission would carry now, to edit in Word and send; who
    may not send now (an admin, the opener, a sender waiting for review) is told why."""
    round_ = get_in_scope(db.session(), current_user, ReportingRound, round_id)
    refusal_returns_to(url_for("rounds.show", round_id=round_.id))
    export = draft_narrative(db.session(), current_user, round_)
    audit.record(
        db.session(), current_user, "export", "reporting_round", round_.id, None,
        {"document": "narrative", "format": "docx", "draft": True},
    )  # fmt: skip
    ascii_name = f"{NARRATIVE_SLUG}_dot-{round_.id}_ban-du-thao.docx"
    display = f"{FILE_TITLES['narrative']} (đợt {round_.id}, bản dự thảo).docx"
    return download_response(export.stream, ascii_name, display)
