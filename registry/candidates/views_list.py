"""The candidate list with filters and search, deadline alerts, bulk stage recording."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from forms.candidate_bulk import BulkStageForm, selected_ids
from registry import access
from registry.candidates import bp, session
from registry.domain import identity
from registry.domain.alerts.kinds import ALERT_KINDS, ALERT_RULES
from registry.domain.refdata import ethnicities
from registry.domain.vocabulary import ENTERPRISE_KINDS, GENDERS, GROUPS, STAGE_LABELS, SUBGROUPS
from registry.domain.workdays import today_vn
from registry.downloads import download_response
from registry.models import Candidate
from registry.services import ServiceError
from registry.services.calendar.holidays import holiday_set
from registry.services.candidates import submissions
from registry.services.candidates.alert_lists import alert_counts, alert_page
from registry.services.candidates.bulk import (
    MAX_SELECTED,
    bulk_outcomes,
    bulk_summary,
    record_for_many,
)
from registry.services.candidates.choices import filter_choices
from registry.services.candidates.counting import list_counts
from registry.services.candidates.filtering import (
    ALL_STAGES,
    ETHNIC_GROUPS,
    PAGE_SIZES,
    SORTS,
    STATUSES,
    CandidateFilters,
    FilterError,
    check_scope,
)
from registry.services.candidates.paging import fetch_page, stage_date
from registry.services.reports.list_download import list_export, log_list_export
from registry.services.reports.workbooks import ReportError
from registry.settings import rule_settings
from registry.transaction import on_refusal

# Forms and texts the list template needs besides the rows.
VOCABULARY = {
    "statuses": STATUSES,
    "ethnic_groups": ETHNIC_GROUPS,
    "all_stages": ALL_STAGES,
    "stage_labels": STAGE_LABELS,
    "groups": GROUPS,
    "subgroups": SUBGROUPS,
    "genders": GENDERS,
    "sorts": SORTS,
    "page_sizes": PAGE_SIZES,
    "enterprise_kinds": ENTERPRISE_KINDS,
}


def _filters(args: Mapping[str, str]) -> CandidateFilters:
    """The filters of the query string; an id outside the scope (or not an id) is a 404."""
    try:
        filters = CandidateFilters.from_args(args)
        check_scope(session(), current_user, filters)
    except FilterError:
        abort(404)
    return filters


def _render_list(
    args: Mapping[str, str], form: BulkStageForm | None, selected=(), status: int = 200
):
    """The list page; `form` is the bulk form, shown to editors only (None for others)."""
    filters = _filters(args)
    for problem in filters.problems:
        flash(problem, "warning")
    page = fetch_page(session(), current_user, filters, args.get("cursor"), load=(Candidate.unit,))
    counts = list_counts(
        session(), current_user, filters, exact=args.get("count") == "all", page=page
    )

    def url_with(**changes: Any) -> str:
        query: dict[str, Any] = filters.to_args(**changes)
        return url_for("candidates.index", **query)

    # Read once: the template's links and texts use them several times each.
    filter_args: dict[str, Any] = filters.to_args()
    everything: dict[str, Any] = {**filter_args, "count": "all"}

    return render_template(
        "candidates/list.html",
        filters=filters,
        filter_args=filter_args,
        filters_active=filters.active,
        page=page,
        counts=counts,
        count_all_url=url_for("candidates.index", **everything),
        choices=filter_choices(session(), current_user, today_vn(), filters),
        ethnicities=ethnicities(),
        url_with=url_with,
        # The rows' links share one url_for (the rule is /candidates/<int:candidate_id>)
        # instead of building the URL from the rule once per row.
        detail_prefix=url_for("candidates.detail", candidate_id=0).removesuffix("0"),
        mask=identity.mask_id_number,
        stage_date=stage_date,
        can_edit=access.may(current_user, access.EDIT_CANDIDATES),
        form=form,
        selected=set(selected),
        back=request.full_path if request.method == "GET" else _back_url(),
        **VOCABULARY,
    ), status


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    if not access.may(current_user, access.EDIT_CANDIDATES):
        return _render_list(request.args, None)  # no bulk form to build
    form = BulkStageForm(formdata=None)
    form.submission_token.data = submissions.new_token()
    return _render_list(request.args, form)


@bp.route("/export")
@access.requires(access.DOWNLOAD_LIST)
def export_list() -> ResponseReturnValue:
    """The list as filtered, in a workbook: every canonical column and the full CCCD (the
    detail list's builder); logged. Another scope's ids in the filters answer 404."""
    filters = _filters(request.args)
    today = today_vn()
    try:
        export = list_export(session(), current_user, filters, today)
    except ReportError as error:
        flash(str(error), "warning")
        query: dict[str, Any] = filters.to_args()
        return redirect(url_for("candidates.index", **query))
    log_list_export(session(), current_user, filters, export)
    ascii_name = f"danh-sach-quan-chung_{today.isoformat()}.xlsx"
    display = unicodedata.normalize("NFC", f"Danh sách quần chúng ưu tú {today:%d-%m-%Y}.xlsx")
    return download_response(export.stream, ascii_name, display)


def _back_url() -> str:
    """The list view the bulk form was sent from (only a path of the list itself)."""
    target = request.form.get("back") or ""
    parts = urlsplit(target)
    base = url_for("candidates.index")
    if parts.scheme or parts.netloc or parts.path != base:
        return base
    return target


@bp.route("/bulk", methods=["POST"])
@login_required
def bulk() -> ResponseReturnValue:
    access.require(access.EDIT_CANDIDATES)
    form = BulkStageForm()
    ids = selected_ids(request.form.getlist("ids"), MAX_SELECTED)
    back = _back_url()
    list_args = MultiDict(parse_qsl(urlsplit(back).query))
    if not ids:
        flash(
            "Chưa chọn quần chúng nào: hãy đánh dấu ô đầu dòng của những người cần ghi.", "warning"
        )
    if not form.validate() or not ids:
        return _render_list(list_args, form, ids, status=422)
    token = form.submission_token.data or submissions.new_token()

    @on_refusal
    def shown_already(error: ServiceError) -> ResponseReturnValue:
        if isinstance(error, submissions.AlreadySubmitted):
            return redirect(url_for("candidates.bulk_result", t=token))
        flash(str(error), "danger")
        return redirect(back)

    submission = submissions.claim(session(), current_user, token)
    outcomes = record_for_many(
        session(),
        current_user,
        ids,
        form.stage.data,
        form.event_date.data,
        document_no=form.document_no.data,
        note=form.note.data,
    )
    submission.result = bulk_summary(
        outcomes, form.stage.data, form.event_date.data, form.document_no.data, back
    )
    # A page of its own, reached by GET: refreshing it or coming Back records nothing.
    return redirect(url_for("candidates.bulk_result", t=token))


@bp.route("/bulk/result")
@login_required
def bulk_result() -> ResponseReturnValue:
    """What a bulk recording did; `t` is the token of the form that recorded it."""
    earlier = submissions.earlier(session(), current_user, request.args.get("t", ""))
    if earlier is None or earlier.result is None:
        abort(404)
    summary = earlier.result
    outcomes = bulk_outcomes(session(), current_user, summary)
    return render_template(
        "candidates/bulk_result.html",
        outcomes=outcomes,
        stage_label=STAGE_LABELS[summary["stage"]],
        when=date.fromisoformat(summary["when"]),
        document_no=summary["document_no"],
        succeeded=[o for o in outcomes if o.ok],
        failed=[o for o in outcomes if not o.ok],
        back=summary["back"],
    )


@bp.route("/alerts")
@login_required
def alerts():
    today = today_vn()
    holidays = holiday_set(session())
    settings = rule_settings()
    counts = alert_counts(session(), current_user, today, holidays, settings)
    kind = request.args.get("kind")
    if kind not in ALERT_KINDS:
        kind = next((k for k, n in counts.items() if n), next(iter(ALERT_KINDS)))
    page = alert_page(
        session(),
        current_user,
        kind,
        today,
        holidays,
        settings,
        cursor=request.args.get("cursor"),
    )
    return render_template(
        "candidates/alerts.html",
        counts=counts,
        kinds=ALERT_KINDS,
        rules=ALERT_RULES,
        kind=kind,
        page=page,
        today=today,
        stage_labels=STAGE_LABELS,
    )


@bp.app_template_global("alert_kinds")
def alert_kinds() -> dict[str, str]:
    """The alert kinds and their labels, for the home page's alert card."""
    return ALERT_KINDS
