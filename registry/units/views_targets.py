"""Targets (chỉ tiêu): everyone reads those in scope; province users and admins set them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.units import TargetForm, UploadForm
from registry import access
from registry.domain.vocabulary import GROUPS
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import Area, Target, Unit
from registry.scoping import db_int, get_in_scope, in_scope, scope_filter
from registry.services.org.sheet_import import TARGET_COLUMNS, TARGET_LABELS, import_targets
from registry.services.org.targets import TargetData, allowed_groups, delete_target, save_target
from registry.services.org.units import UnitError
from registry.transaction import on_refusal, refusal_returns_to
from registry.units import bp, helpers


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
        may_set=access.may(user, access.SET_TARGETS),
        upload_form=UploadForm(),
    )


def _prepare(form: TargetForm) -> None:
    form.group_code.choices = [(g, GROUPS[g]) for g in allowed_groups(current_user)]
    form.area_id.choices = helpers.area_choices(
        db.session, current_user, current_only=False, blank="— Chọn địa bàn —"
    )
    form.unit_id.choices = helpers.unit_choices(db.session, current_user, blank="— Chọn đơn vị —")


def _save(form: TargetForm, page, replacing: Target | None = None) -> bool:
    """Save the target (in place of `replacing`); False, with nothing written, when the
    form must be shown again. A refusal shows `page()` with the message under the count."""
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

    @on_refusal
    def shown_on_form(error: UnitError):
        form.count.errors.append(str(error))
        return page()

    if replacing is not None:
        # Another year, group or owner is another target: drop this one, set that one.
        delete_target(db.session, current_user, replacing)
    save_target(db.session, current_user, data)
    return True


@bp.route("/targets/new", methods=["GET", "POST"])
@access.requires(access.SET_TARGETS)
def target_new():
    form = TargetForm()
    _prepare(form)
    if not form.is_submitted():
        form.year.data = request.args.get("year", today_vn().year, type=db_int)
    page = lambda: render_template("units/target_form.html", form=form, target=None)  # noqa: E731
    if form.validate_on_submit() and _save(form, page):
        flash("Đã lưu chỉ tiêu.", "success")
        return redirect(url_for("units.targets", year=form.year.data))
    return page()


@bp.route("/targets/<int:target_id>/edit", methods=["GET", "POST"])
@login_required
def target_edit(target_id: int):
    target = get_in_scope(db.session, current_user, Target, target_id)
    access.require(access.SET_TARGETS)
    form = TargetForm(obj=target)
    _prepare(form)
    if not form.is_submitted():
        form.owner.data = "unit" if target.unit_id else "area"
    page = lambda: render_template("units/target_form.html", form=form, target=target)  # noqa: E731
    if form.validate_on_submit():
        moved = (target.year, target.group_code, target.area_id, target.unit_id) != (
            form.year.data,
            form.group_code.data,
            form.area_id.data if form.owner.data == "area" else None,
            form.unit_id.data if form.owner.data == "unit" else None,
        )
        if _save(form, page, replacing=target if moved else None):
            flash("Đã lưu chỉ tiêu.", "success")
            return redirect(url_for("units.targets", year=form.year.data))
    return page()


@bp.route("/targets/<int:target_id>/delete", methods=["POST"])
@login_required
def target_delete(target_id: int):
    target = get_in_scope(db.session, current_user, Target, target_id)
    access.require(access.SET_TARGETS)
    back = url_for("units.targets", year=target.year)
    refusal_returns_to(back)
    delete_target(db.session, current_user, target)
    flash("Đã xóa chỉ tiêu.", "success")
    return redirect(back)


TARGET_SHEET = helpers.ReferenceSheet(
    kind="targets",
    columns=TARGET_COLUMNS,
    required=("year", "group", "count"),
    labels=TARGET_LABELS,
    load=import_targets,
    noun="chỉ tiêu",
    title="Nhập chỉ tiêu",
    back="units.targets",
)


@bp.route("/targets/import", methods=["POST"])
@access.requires(access.SET_TARGETS)
def targets_import():
    return helpers.upload_reference_sheet(TARGET_SHEET)
