"""What reports print around their tables: issuing body, place, signatures, style.

Each user edits their own organisation's settings (DESIGN "Organisation": Sở GD&ĐT
its own, never Sở Nội vụ's); an admin edits any organisation's with ?org=ID.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.base import entered
from forms.reports import ReportSettingsForm
from registry import access
from registry.extensions import db
from registry.reports import bp
from registry.reports.choices import organisation_asked
from registry.services.org.organisations import all_organisations
from registry.services.reports.headings import ReportSettings, save_settings, settings_of

FORM_FIELDS = (
    "place", "style", "form_code", "issuer_code", "signer_title", "signer_name",
    "preparer_name", "addressee", "recipients",
)  # fmt: skip


@bp.route("/settings", methods=["GET", "POST"])
@access.requires(access.USE_REPORTS)
def settings():
    organisation = organisation_asked(admin_default_first=True)
    choices = all_organisations(db.session()) if current_user.role == "admin" else []
    if organisation is None:
        return render_template("reports/settings.html", form=None, organisation=None)
    current = settings_of(db.session(), organisation, current_user)
    form = ReportSettingsForm()
    if not form.is_submitted():
        form.issuing_body.data = "\n".join(current.issuing_body)
        for name in FORM_FIELDS:
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
            addressee=form.addressee.data or "",
            recipients=form.recipients.data or "",
            issuer_code=form.issuer_code.data or "",
        )
        save_settings(db.session(), current_user, organisation, data)
        flash("Đã lưu cài đặt báo cáo.", "success")
        if organisation.id != getattr(current_user.organisation, "id", None):
            return redirect(url_for("reports.settings", org=organisation.id))
        return redirect(request.path)
    return render_template(
        "reports/settings.html",
        form=form,
        organisation=organisation,
        choices=[(o.id, o.name) for o in choices],
    ), (422 if form.is_submitted() else 200)
