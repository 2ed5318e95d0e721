"""The area tree: everyone reads their part of it; admins add, rename and move areas."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from forms.units import AreaForm
from registry import access
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import Area, Unit
from registry.scoping import db_int, get_in_scope, scope_filter
from registry.services.org.area_paths import AreaError
from registry.services.org.areas import AreaData, create_area, update_area
from registry.transaction import on_refusal
from registry.units import bp, helpers


@bp.route("/areas")
@login_required
def areas():
    """The tree of areas in scope, with how many units each holds directly."""
    user = current_user
    show_old = request.args.get("old") != "0"
    stmt = select(Area).where(scope_filter(user, Area))
    if not show_old:
        stmt = stmt.where(Area.valid_to.is_(None) | (Area.valid_to >= today_vn()))
    found = list(db.session.scalars(stmt))
    units = dict(
        db.session.execute(
            select(Unit.area_id, func.count())
            .where(scope_filter(user, Unit))
            .group_by(Unit.area_id)
        ).all()
    )
    names = {a.id: a.name for a in found}
    missing = {a.successor_id for a in found if a.successor_id and a.successor_id not in names}
    if missing:
        names.update(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(missing))))
    return render_template(
        "units/areas.html",
        tree=helpers.tree_order(found),
        units=units,
        names=names,
        show_old=show_old,
        today=today_vn(),
        may_edit=access.may(user, access.EDIT_AREAS),
    )


def _prepare(form: AreaForm, area: Area | None) -> None:
    everything = helpers.area_choices(
        db.session(), current_user, current_only=False, blank="— Không (cấp cao nhất) —"
    )
    form.parent_id.choices = [c for c in everything if area is None or c[0] != area.id]
    form.successor_id.choices = [("", "— Không —")] + [
        c for c in everything[1:] if area is None or c[0] != area.id
    ]
    parent = request.args.get("parent", type=db_int)
    if area is None and request.method == "GET" and parent:
        form.parent_id.data = parent


def _data(form: AreaForm) -> AreaData:
    get = lambda ident: db.session.get(Area, ident) if ident is not None else None  # noqa: E731
    return AreaData(
        code=form.code.data or "",
        name=form.name.data or "",
        level=form.level.data,
        parent=get(form.parent_id.data),
        valid_from=form.valid_from.data,
        valid_to=form.valid_to.data,
        successor=get(form.successor_id.data),
        disadvantaged=form.disadvantaged.data,
    )


def _error_field(form: AreaForm, message: str):
    """The field a refusal from the tree service is about."""
    if message.startswith("Mã"):
        return form.code
    if "kế thừa" in message:
        return form.successor_id
    if message.startswith("Ngày"):
        return form.valid_to
    return form.parent_id


def _refusal_on_form(form: AreaForm, area: Area | None) -> None:
    """A refusal of the tree service is shown on the form, under the field it is about."""

    @on_refusal
    def shown_on_form(error: AreaError):
        helpers.add_error(_error_field(form, str(error)), str(error))
        return _page(form, area)


def _page(form: AreaForm, area: Area | None):
    return render_template("units/area_form.html", form=form, area=area)


def _save(form: AreaForm, area: Area | None) -> Area:
    _refusal_on_form(form, area)
    if area is None:
        return create_area(db.session(), current_user, _data(form))
    return update_area(db.session(), current_user, area, _data(form))


def _form_view(area: Area | None, saved_message: str):
    form = AreaForm(obj=area)
    _prepare(form, area)
    return helpers.form_response(
        form,
        lambda: _save(form, area),
        lambda saved: (saved_message.format(name=saved.name), url_for("units.areas")),
        lambda: _page(form, area),
    )


@bp.route("/areas/new", methods=["GET", "POST"])
@access.requires(access.EDIT_AREAS)
def area_new():
    return _form_view(None, "Đã thêm địa bàn {name}.")


@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@login_required
def area_edit(area_id: int):
    area = get_in_scope(db.session(), current_user, Area, area_id)
    access.require(access.EDIT_AREAS)
    return _form_view(area, "Đã lưu địa bàn {name}.")
