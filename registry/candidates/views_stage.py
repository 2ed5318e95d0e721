"""The candidate page: details, timeline, what is due; recording, correcting, undoing stages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forms.candidates import CorrectEventForm, StageForm, UndoForm
from forms.dossier import NOTE_PREFIX, DossierItemForm, HelperNoteForm, IntroducerForm
from registry import access
from registry.candidates import bp, session
from registry.candidates.views_edit import editable_candidate, list_url
from registry.domain.alerts.candidate import alerts_for
from registry.domain.alerts.next_step import next_due
from registry.domain.dossier import DOSSIER_LABELS, INTRODUCER_KINDS
from registry.domain.refdata import ethnicity_names, religion_names
from registry.domain.rules.dates import effective_full_member_date, probation_end, readmission_from
from registry.domain.rules.transitions import check_row
from registry.domain.vocabulary import STAGE_LABELS
from registry.domain.workdays import fmt_date, today_vn
from registry.models import Candidate, StageEvent, Unit, User
from registry.scoping import get_in_scope
from registry.services.calendar.holidays import holiday_set
from registry.services.candidates import dossier, helper_notes, stages
from registry.services.candidates.alert_lists import alert_facts
from registry.services.candidates.edit import log_view
from registry.settings import rule_settings
from registry.transaction import on_refusal

# What the candidate page shows beside the candidate's own row (the unit, its area's
# disadvantage, the cell), read with it rather than by one lazy load each.
DETAIL_RELATIONS = (joinedload(Candidate.unit).joinedload(Unit.area), joinedload(Candidate.cell))


def _rule_warnings(candidate: Candidate, facts, today) -> list[str]:
    """Warnings the rules raise on the dates recorded so far (over 60, dossier age …)."""
    verdict = check_row(
        facts.dates,
        candidate.birth_date,
        candidate.education,
        today,
        rule_settings(),
        committee_required=facts.committee_required,
        introducers_count=facts.introducers_count,
        disadvantaged_area=facts.disadvantaged_area,
        readmission=facts.readmission,
    )
    return [issue.message for issue in verdict.warnings]


def _recorders(events: list[StageEvent]) -> dict[int, str]:
    ids = {e.recorded_by_id for e in events if e.recorded_by_id}
    if not ids:
        return {}
    rows = session().execute(select(User.id, User.full_name, User.username).where(User.id.in_(ids)))
    return {uid: full or name for uid, full, name in rows}


def _stage_form(candidate: Candidate, allowed: list[str], form: StageForm | None) -> StageForm:
    form = form or StageForm(formdata=None)
    form.set_stages(allowed)
    return form


def _prefix(event_id: int) -> str:
    # One correction form per event on the page: the prefix keeps their ids apart.
    return f"e{event_id}"


def _correct_forms(
    events: list[StageEvent], bound: tuple[int, CorrectEventForm] | None
) -> dict[int, CorrectEventForm]:
    forms: dict[int, CorrectEventForm] = {}
    for event in events:
        if not access.may(current_user, access.CORRECT_EVENT, event):
            continue
        if bound and bound[0] == event.id:
            forms[event.id] = bound[1]
        else:
            forms[event.id] = CorrectEventForm(formdata=None, obj=event, prefix=_prefix(event.id))
    return forms


def _dossier_context(
    candidate: Candidate, rows: dossier.DossierRows, editor: bool, forms: dict, today, settings
) -> dict:
    """The dossier section: what the file holds and lacks, and its forms."""
    # Missing and stale items are judged at the cell's resolution once there is one.
    at = candidate.cell_resolution_date or today
    return {
        "dossier": dossier.admission_state(session(), candidate, at, settings, rows),
        "recognition": dossier.recognition_state(session(), candidate, settings, rows.items),
        "dossier_items": rows.items,
        "introducers": rows.introducers,
        "dossier_labels": DOSSIER_LABELS,
        "introducer_kinds": INTRODUCER_KINDS,
        "item_form": forms.get("item") or DossierItemForm(formdata=None) if editor else None,
        "introducer_form": forms.get("introducer") or IntroducerForm(formdata=None)
        if editor
        else None,
        "helper_notes": helper_notes.notes_of(session(), candidate),
        "note_form": _note_form(candidate, forms.get("note")) if editor else None,
    }


def _note_form(candidate: Candidate, bound: HelperNoteForm | None) -> HelperNoteForm:
    """The bound form after a refusal, else an empty one naming the candidate's helper."""
    if bound is not None:
        return bound
    form = HelperNoteForm(formdata=None, prefix=NOTE_PREFIX)
    form.helper.data = (candidate.helpers or "").split(";")[0].split(",")[0].strip()
    return form


def render_page(
    candidate: Candidate,
    stage_form: StageForm | None = None,
    correct: tuple[int, CorrectEventForm] | None = None,
    status: int = 200,
    dossier_forms: dict | None = None,
):
    """The candidate page; every showing of it is logged (it holds personal data)."""
    today = today_vn()
    settings = rule_settings()
    events = stages.ordered_events(candidate.events)
    # The documents and introducers are read once and shared by every part of the page.
    rows = dossier.rows_of(session(), candidate)
    facts = stages.facts_for(candidate, introducers=rows.introducers)
    editor = access.may(current_user, access.EDIT_CANDIDATES)
    allowed = stages.allowed_next_stages(candidate, today, facts) if editor else []
    admitted = candidate.admitted_date
    holidays = holiday_set(session())
    page = render_template(
        "candidates/detail.html",
        candidate=candidate,
        events=events,
        recorders=_recorders(events),
        due=next_due(facts, today, holidays, settings),
        alerts=alerts_for(alert_facts(candidate), today, holidays, settings),
        warnings=_rule_warnings(candidate, facts, today),
        editor=editor,
        stage_form=_stage_form(candidate, allowed, stage_form) if allowed else None,
        correct_forms=_correct_forms(events, correct) if editor else {},
        undo_form=UndoForm(formdata=None)
        if access.may(current_user, access.UNDO_EVENT) and len(events) > 1
        else None,
        ethnicity=ethnicity_names().get(candidate.ethnicity or "", candidate.ethnicity or ""),
        religion=religion_names().get(candidate.religion or "", candidate.religion or ""),
        probation_end=probation_end(admitted, settings) if admitted else None,
        effective_date=effective_full_member_date(admitted, settings) if admitted else None,
        readmission_from=readmission_from(facts.readmission, settings)
        if facts.readmission
        else None,
        stage_labels=STAGE_LABELS,
        list_url=list_url(),
        **_dossier_context(candidate, rows, editor, dossier_forms or {}, today, settings),
    )
    log_view(session(), current_user, candidate)  # committed with the request
    return page, status


@bp.route("/<int:candidate_id>")
@login_required
def detail(candidate_id: int):
    candidate = get_in_scope(
        session(), current_user, Candidate, candidate_id, options=DETAIL_RELATIONS
    )
    return render_page(candidate)


def _flash_warnings(warnings: list[tuple[str, str]]) -> None:
    for _code, message in warnings:
        flash(message, "warning")


@bp.route("/<int:candidate_id>/stages", methods=["POST"])
@login_required
def record_stage(candidate_id: int):
    candidate = editable_candidate(candidate_id)
    form = StageForm()
    form.set_stages(stages.allowed_next_stages(candidate))
    if not form.validate():
        return render_page(candidate, stage_form=form, status=422)

    @on_refusal
    def shown_on_form(refused: stages.StageRefused):
        form.event_date.errors = [message for _code, message in refused.issues]
        return render_page(candidate, stage_form=form, status=422)

    result = stages.record_stage(
        session(),
        current_user,
        candidate,
        form.stage.data,
        form.event_date.data,
        document_no=form.document_no.data,
        note=form.note.data,
        reason=form.reason.data or None,
        holidays=holiday_set(session()),
    )
    flash(
        f"Đã ghi nhận bước “{STAGE_LABELS[result.event.stage]}” ngày "
        f"{fmt_date(result.event.event_date)}.",
        "success",
    )
    _flash_warnings(result.warnings)
    return redirect(url_for("candidates.detail", candidate_id=candidate.id))


def _event_of(candidate: Candidate, event_id: int) -> StageEvent:
    event = get_in_scope(session(), current_user, StageEvent, event_id)
    if event.candidate_id != candidate.id:
        abort(404)
    return event


@bp.route("/<int:candidate_id>/events/<int:event_id>", methods=["POST"])
@login_required
def correct_event(candidate_id: int, event_id: int):
    candidate = editable_candidate(candidate_id)
    event = _event_of(candidate, event_id)
    access.require(access.CORRECT_EVENT, event)
    form = CorrectEventForm(prefix=_prefix(event.id))
    if not form.validate():
        return render_page(candidate, correct=(event.id, form), status=422)

    @on_refusal
    def shown_on_form(refused: stages.StageRefused):
        form.event_date.errors = [message for _code, message in refused.issues]
        return render_page(candidate, correct=(event.id, form), status=422)

    result = stages.correct_event(
        session(),
        current_user,
        event,
        form.event_date.data,
        form.document_no.data,
        note=form.note.data,
    )
    flash(f"Đã sửa sự kiện “{STAGE_LABELS[event.stage]}”.", "success")
    _flash_warnings(result.warnings)
    return redirect(url_for("candidates.detail", candidate_id=candidate.id))


@bp.route("/<int:candidate_id>/events/undo", methods=["POST"])
@login_required
def undo_event(candidate_id: int):
    candidate = editable_candidate(candidate_id)
    access.require(access.UNDO_EVENT)
    form = UndoForm()
    if not form.validate():
        abort(400)
    back = url_for("candidates.detail", candidate_id=candidate.id)

    @on_refusal
    def flashed(refused: stages.StageRefused):
        for _code, message in refused.issues:
            flash(message, "danger")
        return redirect(back)

    event = stages.undo_last_event(session(), current_user, candidate)
    flash(
        f"Đã hoàn tác sự kiện “{STAGE_LABELS[event.stage]}” ngày {fmt_date(event.event_date)}.",
        "success",
    )
    return redirect(back)
