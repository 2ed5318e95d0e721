"""Moving a candidate to another unit and cell; their history stays as it was."""

from __future__ import annotations

from collections.abc import Sequence

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Row, select

from forms.units import TransferForm
from registry import access
from registry.extensions import db
from registry.models import Area, Candidate, PartyCell, StageEvent, Unit
from registry.scoping import get_in_scope
from registry.services.org.units import UnitError, transfer_candidate
from registry.transaction import on_refusal
from registry.units import bp, helpers


def _history(candidate: Candidate) -> Sequence[Row[tuple[StageEvent, str, str]]]:
    """The candidate's events with the unit and cell of their time (one query)."""
    return db.session.execute(
        select(StageEvent, Unit.name, PartyCell.name)
        .join(Unit, Unit.id == StageEvent.unit_id)
        .outerjoin(PartyCell, PartyCell.id == StageEvent.cell_id)
        .where(StageEvent.candidate_id == candidate.id)
        .order_by(StageEvent.event_date, StageEvent.sequence, StageEvent.id)
    ).all()


def _chosen_place(form: TransferForm) -> tuple[Unit, PartyCell | None] | None:
    """The unit and cell picked; None, with the message under the field, when one lies
    outside the user's scope."""
    unit = helpers.chosen_in_scope(form.unit_id, Unit, "Đơn vị nằm ngoài phạm vi của bạn.")
    if unit is None or form.cell_id.data is None:
        return None if unit is None else (unit, None)
    cell = helpers.chosen_in_scope(form.cell_id, PartyCell, "Chi bộ nằm ngoài phạm vi của bạn.")
    return None if cell is None else (unit, cell)


@bp.route("/transfer/<int:candidate_id>", methods=["GET", "POST"])
@login_required
def transfer(candidate_id: int):
    candidate = get_in_scope(db.session(), current_user, Candidate, candidate_id)
    access.require(access.TRANSFER)
    form = TransferForm()
    form.unit_id.choices = helpers.unit_choices(db.session(), current_user, blank="— Chọn đơn vị —")
    form.cell_id.choices = helpers.cell_choices(
        db.session(), current_user, blank="— Chi bộ đang phụ trách đơn vị đó —"
    )
    place = _chosen_place(form) if form.validate_on_submit() else None
    if place is not None:
        new_unit, new_cell = place

        @on_refusal
        def shown_on_form(error: UnitError):
            helpers.add_error(form.unit_id, str(error))
            return _page(form, candidate)

        transfer_candidate(db.session(), current_user, candidate, new_unit, new_cell)
        flash(
            f"Đã chuyển {candidate.full_name} sang {new_unit.name}. "
            "Lịch sử các giai đoạn được giữ nguyên.",
            "success",
        )
        return redirect(url_for("units.transfer", candidate_id=candidate.id))
    if request.method == "GET":
        form.unit_id.data = candidate.unit_id
    return _page(form, candidate)


def _page(form: TransferForm, candidate: Candidate):
    return render_template(
        "units/transfer.html",
        form=form,
        candidate=candidate,
        area=db.session.get(Area, candidate.unit.area_id),
        history=_history(candidate),
    )
