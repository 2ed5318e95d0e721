"""The candidate page's dossier: add and remove documents, introducers, helpers' notes."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from forms.base import entered
from forms.dossier import NOTE_PREFIX, DossierItemForm, HelperNoteForm, IntroducerForm
from registry.candidates import bp, session
from registry.candidates.views_edit import editable_candidate
from registry.candidates.views_stage import render_page
from registry.domain.dossier import DOSSIER_LABELS
from registry.services.candidates import dossier, helper_notes
from registry.settings import rule_settings
from registry.transaction import on_refusal


def _back(candidate_id: int):
    return redirect(url_for("candidates.detail", candidate_id=candidate_id) + "#dossier-title")


@bp.route("/<int:candidate_id>/dossier", methods=["POST"])
@login_required
def dossier_item_add(candidate_id: int):
    candidate = editable_candidate(candidate_id)
    form = DossierItemForm()
    if not form.validate():
        return render_page(candidate, status=422, dossier_forms={"item": form})

    @on_refusal
    def shown_on_form(refused: dossier.DossierRefused):
        form.day.errors = [str(refused)]
        return render_page(candidate, status=422, dossier_forms={"item": form})

    data = dossier.ItemData(
        kind=form.kind.data,
        day=form.day.data,
        number=form.number.data,
        checked_by=form.checked_by.data,
        votes_for=form.votes_for.data,
        votes_total=form.votes_total.data,
        note=form.note.data,
    )
    dossier.add_item(session(), current_user, candidate, data, rule_settings())
    flash(f"Đã thêm vào hồ sơ: {DOSSIER_LABELS[data.kind]}.", "success")
    return _back(candidate.id)


@bp.route("/<int:candidate_id>/dossier/<int:item_id>/delete", methods=["POST"])
@login_required
def dossier_item_delete(candidate_id: int, item_id: int):
    candidate = editable_candidate(candidate_id)
    row = dossier.item_in(session(), candidate, item_id)
    if row is None:
        abort(404)
    dossier.delete_item(session(), current_user, candidate, row, rule_settings())
    flash("Đã xóa giấy tờ khỏi hồ sơ.", "success")
    return _back(candidate.id)


@bp.route("/<int:candidate_id>/introducers", methods=["POST"])
@login_required
def introducer_add(candidate_id: int):
    candidate = editable_candidate(candidate_id)
    form = IntroducerForm()
    if not form.validate():
        return render_page(candidate, status=422, dossier_forms={"introducer": form})

    @on_refusal
    def shown_on_form(refused: dossier.DossierRefused):
        form.name.errors = [str(refused)]
        return render_page(candidate, status=422, dossier_forms={"introducer": form})

    data = dossier.IntroducerData(
        kind=form.kind.data,
        name=entered(form.name),
        day=form.day.data,
        number=form.number.data,
        full_member_since=form.full_member_since.data,
        months_together=form.months_together.data,
        checked_by=form.checked_by.data,
    )
    row, warnings = dossier.add_introducer(
        session(), current_user, candidate, data, rule_settings()
    )
    flash(f"Đã thêm người giới thiệu: {row.name}.", "success")
    for message in warnings:
        flash(message, "warning")
    return _back(candidate.id)


@bp.route("/<int:candidate_id>/introducers/<int:introducer_id>/delete", methods=["POST"])
@login_required
def introducer_delete(candidate_id: int, introducer_id: int):
    candidate = editable_candidate(candidate_id)
    row = dossier.introducer_in(session(), candidate, introducer_id)
    if row is None:
        abort(404)
    dossier.delete_introducer(session(), current_user, candidate, row, rule_settings())
    flash("Đã xóa người giới thiệu.", "success")
    return _back(candidate.id)


def _to_notes(candidate_id: int):
    return redirect(url_for("candidates.detail", candidate_id=candidate_id) + "#notes-title")


@bp.route("/<int:candidate_id>/helper-notes", methods=["POST"])
@login_required
def helper_note_add(candidate_id: int):
    candidate = editable_candidate(candidate_id)
    form = HelperNoteForm(prefix=NOTE_PREFIX)
    if not form.validate():
        return render_page(candidate, status=422, dossier_forms={"note": form})

    @on_refusal
    def shown_on_form(refused: helper_notes.NoteRefused):
        form.day.errors = [str(refused)]
        return render_page(candidate, status=422, dossier_forms={"note": form})

    data = helper_notes.NoteData(
        day=form.day.data, helper=entered(form.helper), text=entered(form.text)
    )
    row = helper_notes.add_note(session(), current_user, candidate, data)
    flash(f"Đã thêm nhận xét của đảng viên giúp đỡ {row.helper}.", "success")
    return _to_notes(candidate.id)


@bp.route("/<int:candidate_id>/helper-notes/<int:note_id>/delete", methods=["POST"])
@login_required
def helper_note_delete(candidate_id: int, note_id: int):
    candidate = editable_candidate(candidate_id)
    row = helper_notes.note_in(session(), candidate, note_id)
    if row is None:
        abort(404)
    helper_notes.delete_note(session(), current_user, candidate, row)
    flash("Đã xóa nhận xét của đảng viên giúp đỡ.", "success")
    return _to_notes(candidate.id)
