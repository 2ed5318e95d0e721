"""A unit's page, and the forms to add or edit a unit."""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from forms.units import UnitForm
from registry import access
from registry.domain.vocabulary import ENTERPRISE_KINDS, STAGE_LABELS, STAGE_ORDER
from registry.extensions import db
from registry.models import Area, Candidate, PartyCell, Target, Unit
from registry.scoping import get_in_scope, scope_filter
from registry.services.org.targets import target_label
from registry.services.org.units import UnitData, UnitError, save_unit
from registry.transaction import on_refusal
from registry.units import bp, helpers


def _stage_counts(where) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = {
        stage: n
        for stage, n in db.session.execute(
            select(Candidate.stage, func.count()).where(where).group_by(Candidate.stage)
        )
    }
    stages = [s.value for s in STAGE_ORDER] + ["exited"]
    return [(code, STAGE_LABELS[code], counts.get(code, 0)) for code in stages]


def candidates_page(where):
    """Candidates matching `where` (already scoped), a page at a time, by Vietnamese name."""
    stmt = (
        select(Candidate.id, Candidate.full_name, Candidate.birth_date, Candidate.stage)
        .where(where)
        .order_by(Candidate.sort_key, Candidate.id)
    )
    return helpers.paginate(db.session(), stmt)


@bp.route("/<int:unit_id>")
@login_required
def unit_view(unit_id: int):
    unit = get_in_scope(db.session(), current_user, Unit, unit_id)
    in_unit = (Candidate.unit_id == unit.id) & scope_filter(current_user, Candidate)
    targets = db.session.scalars(
        select(Target)
        .where(Target.unit_id == unit.id, scope_filter(current_user, Target))
        .order_by(Target.year.desc(), Target.group_code)
    ).all()
    return render_template(
        "units/unit.html",
        unit=unit,
        is_enterprise=unit.kind in ENTERPRISE_KINDS,
        surveys=unit.surveys,
        targets=targets,
        target_label=target_label,
        stages=_stage_counts(in_unit),
        candidates=candidates_page(in_unit),
        may_manage=access.may(current_user, access.MANAGE_UNITS),
        may_transfer=access.may(current_user, access.TRANSFER),
    )


def _prepare(form: UnitForm, unit: Unit | None) -> None:
    form.area_id.choices = helpers.area_choices(
        db.session(), current_user, blank="— Chọn địa bàn —", keep=unit.area if unit else None
    )
    form.cell_id.choices = helpers.cell_choices(
        db.session(),
        current_user,
        blank="— Chưa có chi bộ phụ trách —",
        keep=unit.cell if unit else None,
    )


def _save(form: UnitForm, unit: Unit | None) -> Unit | None:
    area = helpers.chosen_in_scope(form.area_id, Area, "Địa bàn nằm ngoài phạm vi của bạn.")
    if area is None:
        return None
    cell = None
    if form.cell_id.data is not None:
        cell = helpers.chosen_in_scope(form.cell_id, PartyCell, "Chi bộ nằm ngoài phạm vi của bạn.")
        if cell is None:
            return None
    data = UnitData(
        code=form.code.data or "",
        name=form.name.data or "",
        kind=form.kind.data,
        area=area,
        cell=cell,
        tax_code=form.tax_code.data or None,
        address=form.address.data or None,
        active=form.active.data,
    )

    @on_refusal
    def shown_on_form(error: UnitError):
        helpers.add_error(form.code if str(error).startswith("Mã") else form.area_id, str(error))
        return _page(form, unit)

    return save_unit(db.session(), current_user, data, unit)


def _page(form: UnitForm, unit: Unit | None):
    return render_template("units/unit_form.html", form=form, unit=unit)


def _form_view(unit: Unit | None, saved_message: str):
    form = UnitForm(obj=unit)
    _prepare(form, unit)
    return helpers.form_response(
        form,
        lambda: _save(form, unit),
        lambda saved: (
            saved_message.format(name=saved.name),
            url_for("units.unit_view", unit_id=saved.id),
        ),
        lambda: _page(form, unit),
    )


@bp.route("/new", methods=["GET", "POST"])
@access.requires(access.MANAGE_UNITS)
def unit_new():
    return _form_view(None, "Đã thêm đơn vị {name}.")


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@login_required
def unit_edit(unit_id: int):
    unit = get_in_scope(db.session(), current_user, Unit, unit_id)
    access.require(access.MANAGE_UNITS)
    return _form_view(unit, "Đã lưu thông tin đơn vị.")
