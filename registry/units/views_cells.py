"""Party cells: the list, a cell's page, and the form that sets the units it looks after."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from forms.units import CellForm
from registry import access
from registry.domain.textutil import fold
from registry.extensions import db
from registry.models import Area, Candidate, PartyCell, Unit
from registry.scoping import get_in_scope, scope_filter
from registry.services.org.units import CellData, UnitError, save_cell
from registry.transaction import on_refusal
from registry.units import bp, helpers
from registry.units.views_units import candidates_page


@bp.route("/cells")
@login_required
def cells():
    user = current_user
    area_id = helpers.scoped_id_arg(db.session(), user, Area, "area")
    units = (
        select(Unit.cell_id, func.count().label("n"))
        .where(scope_filter(user, Unit))
        .group_by(Unit.cell_id)
        .subquery()
    )
    people = (
        select(Candidate.cell_id, func.count().label("n"))
        .where(scope_filter(user, Candidate), Candidate.stage != "exited")
        .group_by(Candidate.cell_id)
        .subquery()
    )
    stmt = (
        select(PartyCell, Area.name, units.c.n, people.c.n)
        .join(Area, Area.id == PartyCell.area_id)
        .outerjoin(units, units.c.cell_id == PartyCell.id)
        .outerjoin(people, people.c.cell_id == PartyCell.id)
        .where(scope_filter(user, PartyCell))
        .order_by(PartyCell.name_key, PartyCell.id)
    )
    if area_id is not None:
        path = db.session.scalar(select(Area.path).where(Area.id == area_id))
        stmt = stmt.where(PartyCell.area_id.in_(select(Area.id).where(Area.path.startswith(path))))
    q = (request.args.get("q") or "").strip()
    if q:
        stmt = stmt.where(PartyCell.name_key.contains(fold(q), autoescape=True))
    return render_template(
        "units/cells.html",
        page=helpers.paginate(db.session(), stmt),
        areas=helpers.area_choices(db.session(), user, current_only=False, blank="Tất cả địa bàn"),
        area_id=area_id,
        args=request.args,
        may_manage=access.may(user, access.MANAGE_UNITS),
    )


@bp.route("/cells/<int:cell_id>")
@login_required
def cell_view(cell_id: int):
    cell = get_in_scope(db.session(), current_user, PartyCell, cell_id)
    units = db.session.scalars(
        select(Unit)
        .where(Unit.cell_id == cell.id, scope_filter(current_user, Unit))
        .order_by(Unit.name_key)
    ).all()
    in_cell = (Candidate.cell_id == cell.id) & scope_filter(current_user, Candidate)
    return render_template(
        "units/cell.html",
        cell=cell,
        units=units,
        candidates=candidates_page(in_cell),
        may_manage=access.may(current_user, access.MANAGE_UNITS),
        may_transfer=access.may(current_user, access.TRANSFER),
    )


def _prepare(form: CellForm, cell: PartyCell | None) -> None:
    form.area_id.choices = helpers.area_choices(
        db.session(), current_user, blank="— Chọn địa bàn —", keep=cell.area if cell else None
    )
    form.unit_ids.choices = helpers.unit_choices(db.session(), current_user)


def _save(form: CellForm, cell: PartyCell | None) -> PartyCell | None:
    area = helpers.chosen_in_scope(form.area_id, Area, "Địa bàn nằm ngoài phạm vi của bạn.")
    if area is None:
        return None
    chosen = form.unit_ids.data or []
    units = list(
        db.session.scalars(
            select(Unit).where(Unit.id.in_(chosen), scope_filter(current_user, Unit))
        )
    )
    if len(units) != len(set(chosen)):
        helpers.add_error(form.unit_ids, "Có đơn vị nằm ngoài phạm vi của bạn.")
        return None
    data = CellData(
        name=form.name.data or "",
        area=area,
        kind=form.kind.data,
        parent_org=form.parent_org.data or None,
        active=form.active.data,
        units=units,
    )

    @on_refusal
    def shown_on_form(error: UnitError):
        helpers.add_error(form.name, str(error))
        return _page(form, cell)

    return save_cell(db.session(), current_user, data, cell)


def _page(form: CellForm, cell: PartyCell | None):
    return render_template("units/cell_form.html", form=form, cell=cell)


def _form_view(cell: PartyCell | None, saved_message: str):
    form = CellForm(obj=cell)
    _prepare(form, cell)
    if cell is not None and request.method == "GET":
        form.unit_ids.data = list(
            db.session.scalars(
                select(Unit.id).where(Unit.cell_id == cell.id, scope_filter(current_user, Unit))
            )
        )
    return helpers.form_response(
        form,
        lambda: _save(form, cell),
        lambda saved: (
            saved_message.format(name=saved.name),
            url_for("units.cell_view", cell_id=saved.id),
        ),
        lambda: _page(form, cell),
    )


@bp.route("/cells/new", methods=["GET", "POST"])
@access.requires(access.MANAGE_UNITS)
def cell_new():
    return _form_view(None, "Đã thêm {name}.")


@bp.route("/cells/<int:cell_id>/edit", methods=["GET", "POST"])
@login_required
def cell_edit(cell_id: int):
    cell = get_in_scope(db.session(), current_user, PartyCell, cell_id)
    access.require(access.MANAGE_UNITS)
    return _form_view(cell, "Đã lưu chi bộ.")
