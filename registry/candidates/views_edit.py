"""Creating and editing candidates, their page, and recording stages."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from forms.candidates import CandidateForm, NewCandidateForm, options, religion_choices
from registry import access
from registry.candidates import bp
from registry.domain.refdata import ethnicities, ethnicity_names
from registry.extensions import db
from registry.models import Candidate, PartyCell, Unit
from registry.scoping import get_in_scope, in_scope, scoped
from registry.services.candidates import edit as service
from registry.services.candidates.edit import log_view
from registry.transaction import on_refusal


def list_url() -> str | None:
    """The list page's address, once that page exists."""
    if "candidates.index" not in current_app.view_functions:
        return None
    return url_for("candidates.index")


def editable_candidate(candidate_id: int) -> Candidate:
    """The candidate if in scope (404 otherwise, before any role check) and editable."""
    candidate = get_in_scope(db.session, current_user, Candidate, candidate_id)
    access.require(access.EDIT_CANDIDATES)
    return candidate


def _unit_choices() -> list[SelectChoice]:
    units = db.session.scalars(
        scoped(current_user, Unit).where(Unit.active.is_(True)).order_by(Unit.name, Unit.id)
    )
    return options([(0, "— Chọn đơn vị —"), *((u.id, f"{u.name} ({u.code})") for u in units)])


def _cell_choices() -> list[SelectChoice]:
    cells = db.session.scalars(
        scoped(current_user, PartyCell)
        .where(PartyCell.active.is_(True))
        .order_by(PartyCell.name, PartyCell.id)
    )
    return options([(0, "— Chi bộ phụ trách đơn vị —"), *((c.id, c.name) for c in cells)])


def _prepare(form: CandidateForm) -> CandidateForm:
    form.unit_id.choices = _unit_choices()
    form.cell_id.choices = _cell_choices()
    return form


def _unit_and_cell(form: CandidateForm) -> tuple[Unit, PartyCell | None] | None:
    """The posted unit and cell, only when both are in the user's scope."""
    ok = True
    unit = None
    if form.unit_id.data and in_scope(db.session, current_user, Unit, form.unit_id.data):
        unit = db.session.get(Unit, form.unit_id.data)
    elif form.unit_id.data:
        form.unit_id.errors.append("Đơn vị này không thuộc phạm vi của bạn.")
        ok = False
    cell = None
    if form.cell_id.data:
        if in_scope(db.session, current_user, PartyCell, form.cell_id.data):
            cell = db.session.get(PartyCell, form.cell_id.data)
        else:
            form.cell_id.errors.append("Chi bộ này không thuộc phạm vi của bạn.")
            ok = False
    if current_user.role == "cell":
        # A cell secretary's candidates always belong to their own cell.
        cell = current_user.cell
    return (unit, cell) if ok and unit is not None else None


def _form_data(form: CandidateForm) -> dict:
    data = {name: form[name].data for name in service.PERSONAL_FIELDS if name in form}
    data["ethnicity"] = form.ethnicity_code
    return data


def _duplicate_message(error: service.DuplicateIdNumber) -> Markup:
    text = escape(str(error))
    if error.existing_id is None:
        return Markup(text)
    link = url_for("candidates.detail", candidate_id=error.existing_id)
    return Markup('{} <a href="{}">Mở hồ sơ đã có</a>.').format(text, link)


def _render_form(form: CandidateForm, candidate: Candidate | None, status: int = 200):
    return (
        render_template(
            "candidates/form.html",
            form=form,
            candidate=candidate,
            ethnicities=ethnicities(),
            list_url=list_url(),
        ),
        status,
    )


def _save(form: CandidateForm, candidate: Candidate | None):
    """Validate and call the service; None when the form must be shown again."""
    if not form.validate_on_submit():
        return None
    chosen = _unit_and_cell(form)
    if chosen is None:
        return None
    unit, cell = chosen
    data = _form_data(form)

    @on_refusal
    def shown_on_form(error: service.CandidateError):
        if isinstance(error, service.DuplicateIdNumber):
            form.id_number.errors.append(_duplicate_message(error))
        else:
            form[getattr(error, "field", "unit_id")].errors.append(str(error))
        return _render_form(form, candidate, 422)

    if candidate is None:
        saved = service.create_candidate(
            db.session, current_user, data, unit, cell, form.source_date.data
        )
    else:
        service.update_candidate(db.session, current_user, candidate, data, unit, cell)
        saved = candidate
    if form.id_number_warning:
        flash(form.id_number_warning, "warning")
    return saved


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    access.require(access.EDIT_CANDIDATES)
    form = _prepare(NewCandidateForm())
    if request.method == "GET" and current_user.role == "cell":
        units = [choice.value for choice in form.unit_id.choices if choice.value]
        if len(units) == 1:
            form.unit_id.data = units[0]
    saved = _save(form, None)
    if saved is not None:
        flash(f"Đã thêm {saved.full_name} vào danh sách nguồn.", "success")
        return redirect(url_for("candidates.detail", candidate_id=saved.id))
    return _render_form(form, None, 200 if request.method == "GET" else 422)


@bp.route("/<int:candidate_id>/edit", methods=["GET", "POST"])
@login_required
def edit(candidate_id: int):
    candidate = editable_candidate(candidate_id)
    form = _prepare(CandidateForm(obj=candidate if request.method == "GET" else None))
    choices = religion_choices()
    if candidate.religion and all(candidate.religion != c.value for c in choices):
        # Kept as written when an import could not match it to the list.
        form.religion.choices = [*choices, SelectChoice(candidate.religion, candidate.religion)]
    if request.method == "GET":
        form.ethnicity.data = ethnicity_names().get(candidate.ethnicity or "", "")
        form.unit_id.data = candidate.unit_id
        form.cell_id.data = candidate.cell_id if candidate.cell_id != candidate.unit.cell_id else 0
        form.introducers.data = "\n".join((candidate.introducers or "").split("; "))
        # The form shows the stored record, full CCCD included: a view like the page's.
        log_view(db.session, current_user, candidate, page="edit")
    saved = _save(form, candidate)
    if saved is not None:
        flash("Đã lưu thay đổi.", "success")
        return redirect(url_for("candidates.detail", candidate_id=saved.id))
    return _render_form(form, candidate, 200 if request.method == "GET" else 422)
