"""Enterprise surveys: entry form, corrections, deletion and the sheet import."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from forms.units import SurveyForm
from registry import access
from registry.domain.workdays import fmt_date, today_vn
from registry.extensions import db
from registry.models import EnterpriseSurvey, Unit
from registry.scoping import get_in_scope
from registry.services.org.sheet_import import SURVEY_COLUMNS, SURVEY_LABELS, import_surveys
from registry.services.org.surveys import SurveyData, delete_survey, save_survey, survey_problems
from registry.services.org.units import UnitError
from registry.transaction import on_refusal
from registry.units import bp, helpers


def _data(form: SurveyForm) -> SurveyData:
    return SurveyData(
        survey_date=form.survey_date.data,
        operating=form.operating.data,
        party_org=form.party_org.data,
        owner_is_member=form.owner_is_member.data,
        has_trade_union=form.has_trade_union.data,
        has_youth_union=form.has_youth_union.data,
        note=form.note.data or None,
        **form.counts(),
    )


def _page(form: SurveyForm, unit: Unit, survey: EnterpriseSurvey | None):
    return render_template("units/survey_form.html", form=form, unit=unit, survey=survey)


def _save(form: SurveyForm, unit: Unit, survey: EnterpriseSurvey | None) -> EnterpriseSurvey | None:
    """Save the survey; None, with nothing written, when the form must be shown again."""
    data = _data(form)
    if data.survey_date > today_vn():
        helpers.add_error(
            form.survey_date, f"Ngày khảo sát không thể sau hôm nay ({fmt_date(today_vn())})."
        )
        return None
    problems = survey_problems(data)
    for name, message in problems.items():
        helpers.add_error(form[name], message)
    if problems:
        return None

    @on_refusal
    def shown_on_form(error: UnitError):
        helpers.add_error(form.survey_date, str(error))
        return _page(form, unit, survey)

    return save_survey(db.session(), current_user, unit, data, survey)


def _form_view(unit: Unit, survey: EnterpriseSurvey | None, saved_message: str):
    form = SurveyForm(obj=survey)
    if survey is None and not form.is_submitted():
        form.survey_date.data = today_vn()
    return helpers.form_response(
        form,
        lambda: _save(form, unit, survey),
        lambda saved: (saved_message, url_for("units.unit_view", unit_id=unit.id)),
        lambda: _page(form, unit, survey),
    )


@bp.route("/<int:unit_id>/surveys/new", methods=["GET", "POST"])
@login_required
def survey_new(unit_id: int):
    unit = get_in_scope(db.session(), current_user, Unit, unit_id)
    access.require(access.MANAGE_UNITS)
    return _form_view(unit, None, "Đã lưu phiếu khảo sát.")


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@login_required
def survey_edit(survey_id: int):
    survey = get_in_scope(db.session(), current_user, EnterpriseSurvey, survey_id)
    access.require(access.MANAGE_UNITS)
    return _form_view(survey.unit, survey, "Đã sửa phiếu khảo sát.")


@bp.route("/surveys/<int:survey_id>/delete", methods=["POST"])
@login_required
def survey_delete(survey_id: int):
    survey = get_in_scope(db.session(), current_user, EnterpriseSurvey, survey_id)
    access.require(access.MANAGE_UNITS)
    # CSRFProtect checks the token of every POST before the view runs.
    unit_id = survey.unit_id
    delete_survey(db.session(), current_user, survey)
    flash("Đã xóa phiếu khảo sát.", "success")
    return redirect(url_for("units.unit_view", unit_id=unit_id))


SURVEY_SHEET = helpers.ReferenceSheet(
    kind="surveys",
    columns=SURVEY_COLUMNS,
    required=("unit_code", "survey_date"),
    labels=SURVEY_LABELS,
    load=import_surveys,
    noun="phiếu khảo sát",
    title="Nhập phiếu khảo sát doanh nghiệp",
    back="units.index",
)


@bp.route("/surveys/import", methods=["POST"])
@access.requires(access.MANAGE_UNITS)
def surveys_import():
    return helpers.upload_reference_sheet(SURVEY_SHEET)
