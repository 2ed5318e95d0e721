"""Accounts: list, create, change role and scope, disable, reset password (admins only)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from forms.admin import NewUserForm, ResetPasswordForm, UserForm
from forms.base import add_error, entered, strong_password_problem
from registry import access
from registry.admin import bp
from registry.domain.vocabulary import ROLES
from registry.extensions import db
from registry.models import Area, Organisation, PartyCell, User
from registry.services.accounts.scope_text import describe_scope
from registry.services.accounts.users import (
    AccountError,
    UserData,
    create_user,
    reset_password,
    set_active,
    update_user,
)
from registry.services.org.organisations import all_organisations
from registry.transaction import on_refusal, refusal_returns_to
from registry.units import helpers


@bp.route("/users")
@access.requires(access.ADMINISTER)
def users():
    stmt = select(User).order_by(User.username)
    q = (request.args.get("q") or "").strip().lower()
    if q:
        stmt = stmt.where(
            or_(
                User.username.contains(q, autoescape=True),
                User.full_name.icontains(q, autoescape=True),
            )
        )
    if request.args.get("role") in ROLES:
        stmt = stmt.where(User.role == request.args["role"])
    if request.args.get("status") in ("active", "disabled"):
        stmt = stmt.where(User.active.is_(request.args["status"] == "active"))
    page = helpers.paginate(db.session(), stmt)
    return render_template(
        "admin/users.html",
        page=page,
        roles=ROLES,
        args=request.args,
        describe_scope=describe_scope,
    )


def _prepare(form: UserForm, user: User | None = None) -> None:
    form.area_id.choices = helpers.area_choices(
        db.session(), current_user, current_only=False, blank="— Không —"
    )
    form.cell_id.choices = helpers.cell_choices(db.session(), current_user, blank="— Không —")
    # Active organisations, and the one the account already has even if it was closed, so
    # saving the form never drops it silently.
    form.organisation_id.choices = [("", "— Không —")] + [
        (o.id, o.name)
        for o in all_organisations(db.session())
        if o.active or (user is not None and o.id == user.organisation_id)
    ]


def _data(form: UserForm) -> UserData:
    return UserData(
        username=entered(form.username),
        full_name=form.full_name.data or "",
        role=form.role.data,
        area=db.session.get(Area, form.area_id.data) if form.area_id.data else None,
        cell=db.session.get(PartyCell, form.cell_id.data) if form.cell_id.data else None,
        restriction=tuple(form.subgroups.data or ()),
        organisation=(
            db.session.get(Organisation, form.organisation_id.data)
            if form.organisation_id.data
            else None
        ),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@access.requires(access.ADMINISTER)
def user_new():
    form = NewUserForm()
    _prepare(form)
    if form.validate_on_submit():

        @on_refusal
        def shown_on_form(error: AccountError):
            add_error(form.username, str(error))
            return render_template("admin/user_form.html", form=form, user=None)

        user = create_user(db.session(), current_user, _data(form), entered(form.password))
        flash(
            f"Đã tạo tài khoản {user.username}. Người dùng phải đổi mật khẩu ở lần đăng nhập đầu.",
            "success",
        )
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@access.requires(access.ADMINISTER)
def user_edit(user_id: int):
    user = _user_or_404(user_id)
    form = UserForm(obj=user)
    _prepare(form, user)
    if not form.is_submitted():
        form.subgroups.data = list(user.subgroup_codes)
    if form.validate_on_submit():

        @on_refusal
        def shown_on_form(error: AccountError):
            add_error(form.role, str(error))
            return _edit_page(form, user)

        update_user(db.session(), current_user, user, _data(form))
        flash(f"Đã lưu tài khoản {user.username}.", "success")
        return redirect(url_for("admin.users"))
    return _edit_page(form, user)


def _edit_page(form: UserForm, user: User):
    return render_template(
        "admin/user_form.html", form=form, user=user, reset_form=ResetPasswordForm(formdata=None)
    )


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@access.requires(access.ADMINISTER)
def user_password(user_id: int):
    user = _user_or_404(user_id)
    form = ResetPasswordForm()
    problem = None
    if form.validate_on_submit():
        problem = strong_password_problem(entered(form.password), user.username)
    else:
        problem = "; ".join(e for errors in form.errors.values() for e in errors)
    if problem:
        flash(f"Chưa đặt lại mật khẩu: {problem}", "danger")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    reset_password(db.session(), current_user, user, entered(form.password))
    flash(
        f"Đã đặt lại mật khẩu cho {user.username}; người dùng phải đổi mật khẩu khi đăng nhập.",
        "success",
    )
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@access.requires(access.ADMINISTER)
def user_active(user_id: int):
    user = _user_or_404(user_id)
    active = request.form.get("active") == "1"
    refusal_returns_to(url_for("admin.users"))
    set_active(db.session(), current_user, user, active)
    flash(f"Đã {'mở khóa' if active else 'khóa'} tài khoản {user.username}.", "success")
    return redirect(url_for("admin.users"))
