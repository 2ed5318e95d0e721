"""Targets (chỉ tiêu): everyone reads those in scope; province users and admins set them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.units import TargetForm, UploadForm
from registry import access
from registry.domain.vocabulary import GROUPS, SUBGROUPS
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import Area, Target, Unit
from registry.scoping import db_int, get_in_scope, scope_filter
from registry.services.org.sheet_import import TARGET_COLUMNS, TARGET_LABELS, import_targets
from registry.services.org.target_template import build_target_template
from registry.services.org.targets import (
    TARGET_KINDS,
    TargetData,
    allowed_kinds,
    delete_target,
    save_target,
    target_kind,
    target_label,
)
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
        .order_by(
            Target.unit_id.is_not(None),
            Area.name,
            Unit.name_key,
            Target.group_code,
            Target.subgroup.is_not(None),
            Target.subgroup,
        )
    )
    chosen = request.args.get("group", "")
    if chosen in GROUPS:
        stmt = stmt.where(Target.group_code == chosen)
    elif chosen in SUBGROUPS:
        stmt = stmt.where(Target.subgroup == chosen)
    return render_template(
        "units/targets.html",
        page=helpers.paginate(db.session(), stmt),
        year=year,
        group=chosen,
        groups={code: GROUPS.get(code) or SUBGROUPS[code] for code in allowed_kinds(user)},
        label=target_label,
        may_set=access.may(user, access.SET_TARGETS),
        upload_form=UploadForm(),
    )


def _prepare(form: TargetForm) -> None:
    form.group_code.choices = [(code, TARGET_KINDS[code]) for code in allowed_kinds(current_user)]
    form.area_id.choices = helpers.area_choices(
        db.session(), current_user, current_only=False, blank="— Chọn địa bàn —"
    )
    form.unit_id.choices = helpers.unit_choices(db.session(), current_user, blank="— Chọn đơn vị —")


def _moved(target: Target, form: TargetForm) -> bool:
    """Whether the form gives the target another year, group or owner."""
    return (target.year, target_kind(target), target.area_id, target.unit_id) != (
        form.year.data,
        form.group_code.data,
        form.area_id.data if form.owner.data == "area" else None,
        form.unit_id.data if form.owner.data == "unit" else None,
    )


def _save(form: TargetForm, target: Target | None) -> Target | None:
    """Save the target (in place of `target` when editing); None, with nothing written, when
    the form must be shown again. A refusal shows the form with the message under the count."""
    area = unit = None
    if form.owner.data == "area":
        area = helpers.chosen_in_scope(form.area_id, Area, "Địa bàn nằm ngoài phạm vi của bạn.")
        if area is None:
            return None
    else:
        unit = helpers.chosen_in_scope(form.unit_id, Unit, "Đơn vị nằm ngoài phạm vi của bạn.")
        if unit is None:
            return None
    year, group_code, count = form.year.data, form.group_code.data, form.count.data
    if year is None or group_code is None or count is None:
        return None  # the validators have already said what is missing
    data = TargetData(year, group_code, count, area, unit)

    @on_refusal
    def shown_on_form(error: UnitError):
        helpers.add_error(form.count, str(error))
        return _page(form, target)

    if target is not None and _moved(target, form):
        # Another year, group or owner is another target: drop this one, set that one.
        delete_target(db.session(), current_user, target)
    saved, _created = save_target(db.session(), current_user, data)
    return saved


def _page(form: TargetForm, target: Target | None):
    return render_template("units/target_form.html", form=form, target=target)


def _form_view(form: TargetForm, target: Target | None):
    _prepare(form)
    return helpers.form_response(
        form,
        lambda: _save(form, target),
        lambda saved: ("Đã lưu chỉ tiêu.", url_for("units.targets", year=form.year.data)),
        lambda: _page(form, target),
    )


@bp.route("/targets/new", methods=["GET", "POST"])
@access.requires(access.SET_TARGETS)
def target_new():
    form = TargetForm()
    if not form.is_submitted():
        form.year.data = request.args.get("year", today_vn().year, type=db_int)
    return _form_view(form, None)


@bp.route("/targets/<int:target_id>/edit", methods=["GET", "POST"])
@login_required
def target_edit(target_id: int):
    target = get_in_scope(db.session(), current_user, Target, target_id)
    access.require(access.SET_TARGETS)
    form = TargetForm(obj=target)
    if not form.is_submitted():
        form.owner.data = "unit" if target.unit_id else "area"
        form.group_code.data = target_kind(target)
    return _form_view(form, target)


@bp.route("/targets/<int:target_id>/delete", methods=["POST"])
@login_required
def target_delete(target_id: int):
    target = get_in_scope(db.session(), current_user, Target, target_id)
    access.require(access.SET_TARGETS)
    back = url_for("units.targets", year=target.year)
    refusal_returns_to(back)
    delete_target(db.session(), current_user, target)
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


@bp.route("/targets/template")
@access.requires(access.SET_TARGETS)
def targets_template():
    """The sheet to fill in, offering the groups and subgroups this user may set."""
    labels = [GROUPS.get(code) or SUBGROUPS[code] for code in allowed_kinds(current_user)]
    year = request.args.get("year", today_vn().year, type=db_int)
    return send_file(
        build_target_template(year, labels),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="mau_chi_tieu.xlsx",
    )


@bp.route("/targets/import", methods=["POST"])
@access.requires(access.SET_TARGETS)
def targets_import():
    return helpers.upload_reference_sheet(TARGET_SHEET)
