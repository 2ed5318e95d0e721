"""Targets (chỉ tiêu): everyone reads those in scope; province users and admins set them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.units import TargetForm, UploadForm
from registry.auth.decorators import roles_required
from registry.domain.vocabulary import GROUPS
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import Area, Target, Unit
from registry.scoping import db_int, get_in_scope, in_scope, scope_filter
from registry.services.org.sheet_import import TARGET_COLUMNS, TARGET_LABELS, import_targets
from registry.services.org.targets import TargetData, allowed_groups, delete_target, save_target
from registry.services.org.units import UnitError
from registry.units import helpers
from registry.units.blueprint import bp


@bp.route("/targets")
@login_required
def targets():
    user = current_user
    year = request.args.get("year", today_vn().year, type=db_int)
    stmt = (
        select(Target, Area.name, Unit.name, Unit.code)
        .outerjoin(Area, Area.id == Target.area_id)
        .outerjoin(Unit, Unit.id == Target.unit_id)
        .where(scope_filter(user, Target), Target.year == year)
        .order_by(Target.unit_id.is_not(None), Area.name, Unit.name_key, Target.group_code)
    )
    if request.args.get("group") in GROUPS:
        stmt = stmt.where(Target.group_code == request.args["group"])
    return render_template(
        "units/targets.html",
        page=helpers.paginate(db.session, stmt),
        year=year,
        group=request.args.get("group", ""),
        groups=GROUPS,
        may_set=helpers.may_set_targets(user),
        upload_form=UploadForm(),
    )


def _prepare(form: TargetForm) -> None:
    form.group_code.choices = [(g, GROUPS[g]) for g in allowed_groups(current_user)]
    form.area_id.choices = helpers.area_choices(
        db.session, current_user, current_only=False, blank="— Chọn địa bàn —"
    )
    form.unit_id.choices = helpers.unit_choices(db.session, current_user, blank="— Chọn đơn vị —")


def _save(form: TargetForm) -> bool:
    area = unit = None
    if form.owner.data == "area":
        if not in_scope(db.session, current_user, Area, form.area_id.data):
            form.area_id.errors.append("Địa bàn nằm ngoài phạm vi của bạn.")
            return False
        area = db.session.get(Area, form.area_id.data)
    else:
        if not in_scope(db.session, current_user, Unit, form.unit_id.data):
            form.unit_id.errors.append("Đơn vị nằm ngoài phạm vi của bạn.")
            return False
        unit = db.session.get(Unit, form.unit_id.data)
    data = TargetData(form.year.data, form.group_code.data, form.count.data, area, unit)
    try:
        save_target(db.session, current_user, data)
    except UnitError as error:
        db.session.rollback()
        form.count.errors.append(str(error))
        return False
    db.session.commit()
    return True


@bp.route("/targets/new", methods=["GET", "POST"])
@roles_required("admin", "province")
def target_new():
    form = TargetForm()
    _prepare(form)
    if not form.is_submitted():
        form.year.data = request.args.get("year", today_vn().year, type=db_int)
    if form.validate_on_submit() and _save(form):
        flash("Đã lưu chỉ tiêu.", "success")
        return redirect(url_for("units.targets", year=form.year.data))
    return render_template("units/target_form.html", form=form, target=None)


@bp.route("/targets/<int:target_id>/edit", methods=["GET", "POST"])
@login_required
def target_edit(target_id: int):
    target = get_in_scope(db.session, current_user, Target, target_id)
    helpers.forbid_unless(helpers.may_set_targets(current_user))
    form = TargetForm(obj=target)
    _prepare(form)
    if not form.is_submitted():
        form.owner.data = "unit" if target.unit_id else "area"
    if form.validate_on_submit():
        moved = (target.year, target.group_code, target.area_id, target.unit_id) != (
            form.year.data,
            form.group_code.data,
            form.area_id.data if form.owner.data == "area" else None,
            form.unit_id.data if form.owner.data == "unit" else None,
        )
        try:
            if moved:
                # Another year, group or owner is another target: drop this one, set that.
                delete_target(db.session, current_user, target)
        except UnitError as error:
            db.session.rollback()
            form.group_code.errors.append(str(error))
        else:
            if _save(form):
                flash("Đã lưu chỉ tiêu.", "success")
                return redirect(url_for("units.targets", year=form.year.data))
    return render_template("units/target_form.html", form=form, target=target)


@bp.route("/targets/<int:target_id>/delete", methods=["POST"])
@login_required
def target_delete(target_id: int):
    target = get_in_scope(db.session, current_user, Target, target_id)
    helpers.forbid_unless(helpers.may_set_targets(current_user))
    year = target.year
    try:
        delete_target(db.session, current_user, target)
    except UnitError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash("Đã xóa chỉ tiêu.", "success")
    return redirect(url_for("units.targets", year=year))


@bp.route("/targets/import", methods=["POST"])
@roles_required("admin", "province")
def targets_import():
    errors = helpers.import_reference_sheet(
        UploadForm(),
        kind="targets",
        columns=TARGET_COLUMNS,
        required=("year", "group", "count"),
        labels=TARGET_LABELS,
        load=import_targets,
        noun="chỉ tiêu",
    )
    if not errors:
        return redirect(url_for("units.targets"))
    return render_template(
        "units/import_result.html",
        title="Nhập chỉ tiêu",
        errors=errors,
        back=url_for("units.targets"),
        columns=TARGET_LABELS,
    ), 422
