"""The narrative report's Word template: the placeholders it may use (one page, with an
example each), the current template to download, and (admins) an organisation's own
template to upload or drop."""

from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from exports.narrative.placeholders import PLACEHOLDERS, ROW_FIELDS
from forms.base import add_error
from forms.reports import TemplateUploadForm
from registry import access
from registry.downloads import MIMETYPES
from registry.extensions import db
from registry.models import Organisation
from registry.reports import bp
from registry.reports.choices import organisation_asked
from registry.services import audit
from registry.services.org.organisations import all_organisations
from registry.services.reports.narrative import (
    TemplateError,
    drop_template,
    save_template,
    template_bytes,
    template_of,
)
from registry.transaction import on_refusal


def _page(form: TemplateUploadForm, organisation: Organisation | None, status: int = 200):
    return render_template(
        "reports/templates.html",
        form=form,
        organisation=organisation,
        own=template_of(db.session(), organisation),
        placeholders=PLACEHOLDERS,
        row_fields=ROW_FIELDS,
        choices=[(o.id, o.name) for o in all_organisations(db.session())]
        if current_user.role == "admin"
        else [],
        may_upload=current_user.role == "admin" and organisation is not None,
    ), status


@bp.route("/templates", methods=["GET", "POST"])
@access.requires(access.USE_REPORTS)
def templates():
    organisation = organisation_asked()
    form = TemplateUploadForm()
    if not form.is_submitted():
        return _page(form, organisation)
    if current_user.role != "admin" or organisation is None:
        abort(403)
    if not form.validate_on_submit():
        return _page(form, organisation, 422)

    @on_refusal
    def shown_on_form(error: TemplateError):
        add_error(form.file, str(error))
        return _page(form, organisation, 422)

    upload = form.file.data
    save_template(db.session(), current_user, organisation, upload.filename or "", upload.read())
    flash(f"Đã lưu mẫu báo cáo của {organisation.name}.", "success")
    return redirect(url_for("reports.templates", org=organisation.id))


@bp.route("/templates/download")
@access.requires(access.USE_REPORTS)
def template_download():
    organisation = organisation_asked()
    data = template_bytes(db.session(), organisation)
    audit.record(
        db.session(),
        current_user,
        "export",
        "report_template",
        organisation.id if organisation else None,
        after={"organisation": organisation.name if organisation else None},
    )
    return send_file(
        BytesIO(data),
        mimetype=MIMETYPES[".docx"],
        as_attachment=True,
        download_name="mau-bao-cao-van-ban.docx",
    )


@bp.route("/templates/default", methods=["POST"])
@access.requires(access.ADMINISTER)
def template_default():
    organisation = organisation_asked()
    if organisation is None:
        abort(404)
    if drop_template(db.session(), current_user, organisation):
        flash(f"{organisation.name} dùng lại mẫu mặc định.", "success")
    return redirect(url_for("reports.templates", org=organisation.id))
