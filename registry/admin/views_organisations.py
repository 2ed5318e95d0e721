"""Organisations: list, create, change (admins only). Their report header and signer
are edited on the reports' settings page."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from forms.admin import OrganisationForm
from forms.base import add_error, entered
from registry import access
from registry.admin import bp
from registry.domain.vocabulary import DOCUMENT_STYLES, SUBGROUPS
from registry.extensions import db
from registry.models import Area, Organisation
from registry.services.org.organisations import (
    OrganisationData,
    OrganisationError,
    all_organisations,
    create_organisation,
    members,
    update_organisation,
)
from registry.transaction import on_refusal
from registry.units import helpers


@bp.route("/organisations")
@access.requires(access.ADMINISTER)
def organisations():
    rows = [(o, members(db.session(), o)) for o in all_organisations(db.session())]
    return render_template(
        "admin/organisations.html", rows=rows, styles=DOCUMENT_STYLES, subgroups=SUBGROUPS
    )


def _form(organisation: Organisation | None = None) -> OrganisationForm:
    form = OrganisationForm(obj=organisation)
    if form.opens_rounds.data is None:  # WTForms does not coerce a stored None
        form.opens_rounds.data = ""
    form.area_id.choices = helpers.area_choices(
        db.session(), current_user, current_only=False, blank="— Toàn tỉnh —"
    )
    return form


def _form_page(form: OrganisationForm, organisation: Organisation | None):
    return render_template("admin/organisation_form.html", form=form, organisation=organisation), (
        422 if form.is_submitted() else 200
    )


def _data(form: OrganisationForm) -> OrganisationData:
    return OrganisationData(
        code=entered(form.code),
        name=entered(form.name),
        style=form.style.data,
        issuer_code=form.issuer_code.data or "",
        area=db.session.get(Area, form.area_id.data) if form.area_id.data else None,
        subgroups=tuple(form.subgroups.data or ()),
        active=bool(form.active.data),
        opens_rounds={"yes": True, "no": False}.get(form.opens_rounds.data or ""),
        email=form.email.data or "",
    )


def _save(form: OrganisationForm, organisation: Organisation | None):
    if not form.validate_on_submit():
        return _form_page(form, organisation)

    @on_refusal
    def shown_on_form(error: OrganisationError):
        add_error(form.code, str(error))
        return _form_page(form, organisation)

    if organisation is None:
        organisation = create_organisation(db.session(), current_user, _data(form))
    else:
        update_organisation(db.session(), current_user, organisation, _data(form))
    flash(f"Đã lưu {organisation.name}.", "success")
    return redirect(url_for("admin.organisations"))


@bp.route("/organisations/new", methods=["GET", "POST"])
@access.requires(access.ADMINISTER)
def organisation_new():
    form = _form()
    if not form.is_submitted():
        return _form_page(form, None)
    return _save(form, None)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@access.requires(access.ADMINISTER)
def organisation_edit(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = _form(organisation)
    if not form.is_submitted():
        form.subgroups.data = list(organisation.subgroup_codes)
        return _form_page(form, organisation)
    return _save(form, organisation)
