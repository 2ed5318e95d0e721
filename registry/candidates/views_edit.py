"""Creating and editing candidates, their page, and recording stages."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from forms.base import add_error
from forms.candidates import (
    CandidateForm,
    NewCandidateForm,
    SelectChoice,
    options,
    religion_choices,
)
from registry import access
from registry.candidates import bp, session
from registry.domain.refdata import ethnicities, ethnicity_names
from registry.models import Candidate, PartyCell, Unit
from registry.scoping import get_in_scope, in_scope, scoped
from registry.services import ServiceError
from registry.services.candidates import edit as service
from registry.services.candidates import submissions
from registry.services.candidates.edit import log_view
from registry.transaction import on_refusal


def list_url() -> str | None:
    """The list page's address, once that page exists."""
    if "candidates.index" not in current_app.view_functions:
        return None
    return url_for("candidates.index")


def editable_candidate(candidate_id: int) -> Candidate:
    """The candidate if in scope (404 otherwise, before any role check) and editable."""
    candidate = get_in_scope(session(), current_user, Candidate, candidate_id)
    access.require(access.EDIT_CANDIDATES)
    return candidate


def _unit_choices() -> list[SelectChoice]:
    units = session().scalars(
        scoped(current_user, Unit).where(Unit.active.is_(True)).order_by(Unit.name, Unit.id)
    )
    return options([(0, "— Chọn đơn vị —"), *((u.id, f"{u.name} ({u.code})") for u in units)])


def _cell_choices() -> list[SelectChoice]:
    cells = session().scalars(
        scoped(current_user, PartyCell)
        .where(PartyCell.active.is_(True))
        .order_by(PartyCell.name, PartyCell.id)
    )
    return options([(0, "— Chi bộ phụ trách đơn vị —"), *((c.id, c.name) for c in cells)])


def _prepare(form: CandidateForm) -> CandidateForm:
    form.unit_id.choices = _unit_choices()
    form.cell_id.choices = _cell_choices()
    return form


def unit_and_cell(form: CandidateForm) -> tuple[Unit, PartyCell | None] | None:
    """The posted unit and cell, only when both are in the user's scope."""
    ok = True
    unit = None
    if form.unit_id.data and in_scope(session(), current_user, Unit, form.unit_id.data):
        unit = session().get(Unit, form.unit_id.data)
    elif form.unit_id.data:
        add_error(form.unit_id, "Đơn vị này không thuộc phạm vi của bạn.")
        ok = False
    cell = None
    if form.cell_id.data:
        if in_scope(session(), current_user, PartyCell, form.cell_id.data):
            cell = session().get(PartyCell, form.cell_id.data)
        else:
            add_error(form.cell_id, "Chi bộ này không thuộc phạm vi của bạn.")
            ok = False
    if current_user.role == "cell":
        # A cell secretary's candidates always belong to their own cell.
        cell = current_user.cell
    return (unit, cell) if ok and unit is not None else None


def form_data(form: CandidateForm) -> dict:
    data = {name: form[name].data for name in service.PERSONAL_FIELDS if name in form}
    data["ethnicity"] = form.ethnicity_code
    return data


def _duplicate_message(error: service.DuplicateIdNumber) -> Markup:
    text = escape(str(error))
    if error.existing_id is None:
        return Markup(text)
    link = url_for("candidates.detail", candidate_id=error.existing_id)
    return Markup('{} <a href="{}">Mở hồ sơ đã có</a>.').format(text, link)


def _render_form(
    form: CandidateForm,
    candidate: Candidate | None,
    status: int = 200,
    probable: Candidate | None = None,
) -> ResponseReturnValue:
    page = render_template(
        "candidates/form.html",
        form=form,
        candidate=candidate,
        ethnicities=ethnicities(),
        list_url=list_url(),
        probable=probable,
    )
    # Never kept by the browser: Back after saving asks for a fresh, empty form (with a
    # new token) instead of showing the one just sent, partly filled in again.
    return page, status, {"Cache-Control": "no-store"}


def _earlier_answer(token: str) -> ResponseReturnValue | None:
    """The record an earlier copy of this form saved, if it saved one."""
    earlier = submissions.earlier(session(), current_user, token)
    if earlier is None or earlier.candidate_id is None:
        return None
    flash("Biểu mẫu này đã được gửi trước đó: hồ sơ đã lưu, không thêm lần nữa.", "info")
    return redirect(url_for("candidates.detail", candidate_id=earlier.candidate_id))


class Answer:
    """A page to show instead of a saved record."""

    def __init__(self, response: ResponseReturnValue) -> None:
        self.response = response


class _Shown:
    """How the form answers a service refusal: the message on its field, never a 500."""

    def __init__(self, form: CandidateForm, candidate: Candidate | None) -> None:
        self.form = form
        self.candidate = candidate

    def __call__(self, error: ServiceError) -> ResponseReturnValue:
        form = self.form
        if isinstance(error, submissions.AlreadySubmitted):
            answer = _earlier_answer(error.token)
            if answer is not None:
                return answer
            flash(str(error), "warning")
            form.submission_token.data = submissions.new_token()
        elif isinstance(error, service.DuplicateIdNumber):
            if error.existing_id is None:
                # Met on saving (another request took the number meanwhile): look again.
                found = service.find_duplicate(
                    session(), current_user, form.id_number.data, exclude_id=self._own_id()
                )
                error = found or error
            add_error(form.id_number, _duplicate_message(error))
        else:
            add_error(form[getattr(error, "field", "unit_id")], str(error))
        return _render_form(form, self.candidate, 422)

    def _own_id(self) -> int | None:
        return self.candidate.id if self.candidate is not None else None


def _create(form: NewCandidateForm, unit: Unit, cell: PartyCell | None) -> Candidate | Answer:
    """Save a new candidate once per form token, after a probable duplicate is confirmed."""
    token = form.submission_token.data or None
    if token:
        answer = _earlier_answer(token)
        if answer is not None:
            return Answer(answer)
    if not form.confirm_duplicate.data:
        probable = service.probable_duplicate(
            session(), current_user, form.full_name.data, form.birth_date.data, unit
        )
        if probable is not None:
            return Answer(_render_form(form, None, 422, probable=probable))
    submission = submissions.claim(session(), current_user, token) if token else None
    saved = service.create_candidate(
        session(), current_user, form_data(form), unit, cell, form.source_date.data
    )
    if submission is not None:
        submission.candidate_id = saved.id
    return saved


def _save(form: CandidateForm, candidate: Candidate | None) -> Candidate | Answer | None:
    """Validate and call the service; None when the form must be shown again."""
    if not form.validate_on_submit():
        return None
    chosen = unit_and_cell(form)
    if chosen is None:
        return None
    unit, cell = chosen
    on_refusal(_Shown(form, candidate))
    saved: Candidate | Answer
    if candidate is None:
        assert isinstance(form, NewCandidateForm)
        saved = _create(form, unit, cell)
    else:
        service.update_candidate(session(), current_user, candidate, form_data(form), unit, cell)
        saved = candidate
    if form.id_number_warning and isinstance(saved, Candidate):
        flash(form.id_number_warning, "warning")
    return saved


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    access.require(access.EDIT_CANDIDATES)
    form = NewCandidateForm()
    units = _unit_choices()
    form.unit_id.choices = units
    form.cell_id.choices = _cell_choices()
    if request.method == "GET":
        form.submission_token.data = submissions.new_token()
        if current_user.role == "cell":
            ids = [choice.value for choice in units if choice.value]
            if len(ids) == 1:
                form.unit_id.data = ids[0]
    saved = _save(form, None)
    if isinstance(saved, Answer):
        return saved.response
    if saved is not None:
        flash(f"Đã thêm {saved.full_name} vào danh sách nguồn.", "success")
        return redirect(url_for("candidates.detail", candidate_id=saved.id))
    return _render_form(form, None, 200 if request.method == "GET" else 422)


@bp.route("/<int:candidate_id>/edit", methods=["GET", "POST"])
@login_required
def edit(candidate_id: int) -> ResponseReturnValue:
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
        log_view(session(), current_user, candidate, page="edit")
    saved = _save(form, candidate)
    if isinstance(saved, Candidate):
        flash("Đã lưu thay đổi.", "success")
        return redirect(url_for("candidates.detail", candidate_id=saved.id))
    return _render_form(form, candidate, 200 if request.method == "GET" else 422)
