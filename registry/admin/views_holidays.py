"""The working calendar: list a year's days off and worked days, add, delete."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import extract, select

from forms.admin import HolidayForm
from forms.base import add_error, entered
from registry import access
from registry.admin import bp
from registry.domain.workdays import HOLIDAY_KINDS, today_vn
from registry.extensions import db
from registry.models import Holiday
from registry.scoping import db_int
from registry.services.calendar.admin import HolidayError, add_holiday, delete_holiday
from registry.transaction import on_refusal, refusal_returns_to

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


@bp.route("/holidays", methods=["GET", "POST"])
@access.requires(access.ADMINISTER)
def holidays():
    year = request.args.get("year", today_vn().year, type=db_int)
    form = HolidayForm()
    if form.validate_on_submit():

        @on_refusal
        def shown_on_form(error: HolidayError):
            add_error(form.day, str(error))
            return _page(form, year)

        holiday = add_holiday(
            db.session(),
            current_user,
            form.day.data,
            entered(form.name),
            form.kind.data,
            entered(form.source),
        )
        flash(f"Đã thêm {HOLIDAY_KINDS[holiday.kind].lower()}: {holiday.name}.", "success")
        return redirect(url_for("admin.holidays", year=holiday.day.year))
    return _page(form, year)


def _page(form: HolidayForm, year: int):
    rows = db.session.scalars(
        select(Holiday).where(extract("year", Holiday.day) == year).order_by(Holiday.day)
    ).all()
    return render_template(
        "admin/holidays.html",
        form=form,
        holidays=rows,
        year=year,
        kinds=HOLIDAY_KINDS,
        weekdays=WEEKDAYS,
    )


@bp.route("/holidays/<int:holiday_id>/delete", methods=["POST"])
@access.requires(access.ADMINISTER)
def holiday_delete(holiday_id: int):
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        abort(404)
    year = holiday.day.year
    refusal_returns_to(url_for("admin.holidays", year=year))
    delete_holiday(db.session(), current_user, holiday)
    flash("Đã xóa ngày khỏi lịch.", "success")
    return redirect(url_for("admin.holidays", year=year))
