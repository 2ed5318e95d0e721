"""What reports print around their tables: issuing body, place, signatures, style.

Admins and province users edit the province-wide settings (or, with ?area=ID, an area's);
an area officer edits their own area's only.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.base import entered
from forms.reports import ReportSettingsForm
from registry import access
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import Area
from registry.reports import bp
from registry.reports.choices import area_choices
from registry.scoping import in_scope
from registry.services.reports.headings import (
    ReportSettings,
    issuer_area_id,
    load_settings,
    save_settings,
)


def _target_area_id() -> int | None:
    """Whose settings the page edits; another scope's area (or an officer asking for
    another area than their own) answers 404."""
    asked = request.args.get("area", type=int)
    if current_user.role == "area":
        if asked is not None and asked != current_user.area_id:
            abort(404)
        return current_user.area_id
    if asked is not None and not in_scope(db.session(), current_user, Area, asked):
        abort(404)
    return asked if asked is not None else issuer_area_id(current_user)


@bp.route("/settings", methods=["GET", "POST"])
@access.requires(access.USE_REPORTS)
def settings():
    area_id = _target_area_id()
    current = load_settings(db.session(), area_id)
    form = ReportSettingsForm()
    if not form.is_submitted():
        form.issuing_body.data = "\n".join(current.issuing_body)
        names = ("place", "style", "form_code", "issuer_code", "signer_title", "signer_name")
        for name in (*names, "preparer_name"):
            getattr(form, name).data = getattr(current, name)
    if form.validate_on_submit():
        data = ReportSettings(
            issuing_body=entered(form.issuing_body).split("\n"),
            place=entered(form.place),
            signer_title=form.signer_title.data or "",
            signer_name=form.signer_name.data or "",
            preparer_name=form.preparer_name.data or "",
            style=form.style.data,
            form_code=form.form_code.data or "",
            issuer_code=form.issuer_code.data or "",
        )
        save_settings(db.session(), current_user, area_id, data)
        flash("Đã lưu cài đặt báo cáo.", "success")
        return redirect(url_for("reports.settings", area=area_id) if area_id else request.path)
    area = db.session.get(Area, area_id) if area_id else None
    choices = []
    if current_user.role != "area":
        choices = area_choices(db.session(), current_user, today_vn())
    return render_template(
        "reports/settings.html",
        form=form,
        area=area,
        area_id=area_id,
        choices=choices,
    ), (422 if form.is_submitted() else 200)
