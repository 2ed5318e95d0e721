"""The page where a user creates and revokes personal API tokens (and an admin those of
service accounts). A new token is shown once, on the answer to the form that made it:
it is never kept, nor put in a cookie or an address."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from forms.base import add_error, entered
from forms.tokens import RevokeForm, TokenForm
from registry import access
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import ApiToken, User
from registry.services.accounts import tokens
from registry.services.candidates import submissions
from registry.transaction import on_refusal

bp = Blueprint("api_tokens", __name__, url_prefix="/tokens", template_folder="templates")
DEFAULT_DAYS = 90


def _form(form: TokenForm | None = None) -> TokenForm:
    form = form or TokenForm(formdata=None)
    owners = [(current_user.id, f"Của tôi ({current_user.username})")]
    if access.may(current_user, access.MANAGE_SERVICE_TOKENS):
        owners += [
            (u.id, f"Tài khoản dịch vụ {u.username}") for u in tokens.service_accounts(db.session())
        ]
    form.owner.choices = owners
    if form.expires_on.data is None and not form.is_submitted():
        form.expires_on.data = today_vn() + timedelta(days=DEFAULT_DAYS)
    if not form.submission_token.data:
        form.submission_token.data = submissions.new_token()
    return form


def _page(form: TokenForm, issued: tokens.Issued | None = None, status: int = 200):
    listed = tokens.visible_tokens(db.session(), current_user)
    return render_template(
        "api/tokens.html",
        form=form,
        issued=issued,
        listed=listed,
        revoke_form=RevokeForm(formdata=None),
        today=today_vn(),
        max_days=current_app.config["API_TOKEN_MAX_DAYS"],
    ), status


@bp.route("/")
@access.requires(access.USE_API)
def index() -> ResponseReturnValue:
    return _page(_form())


@bp.route("/", methods=["POST"])
@access.requires(access.USE_API)
def create() -> ResponseReturnValue:
    form = _form(TokenForm())
    if not form.validate_on_submit():
        return _page(form, status=422)
    owner = db.session.get(User, form.owner.data)
    if owner is None:
        abort(404)

    @on_refusal
    def shown_on_form(error):
        if isinstance(error, submissions.AlreadySubmitted):
            flash("Biểu mẫu này đã được gửi: mã truy cập đã tạo chỉ hiện một lần.", "warning")
            return redirect(url_for("api_tokens.index"))
        add_error(form.expires_on, str(error))
        return _page(form, status=422)

    submissions.claim(db.session(), current_user, form.submission_token.data or "")
    issued = tokens.issue(
        db.session(),
        current_user,
        owner,
        entered(form.name),
        form.rights.data == "write",
        form.expires_on.data,
        today=today_vn(),
        max_days=current_app.config["API_TOKEN_MAX_DAYS"],
    )
    form.submission_token.data = submissions.new_token()
    return _page(form, issued, status=201)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@access.requires(access.USE_API)
def revoke(token_id: int) -> ResponseReturnValue:
    token = db.session.get(ApiToken, token_id)
    if token is None or not tokens.may_hold_for(current_user, token.user):
        abort(404)  # another person's token is not told apart from a missing one
    if not RevokeForm().validate_on_submit():
        abort(400)
    tokens.revoke(db.session(), current_user, token)
    flash(f"Đã thu hồi mã truy cập “{token.name}”.", "success")
    return redirect(url_for("api_tokens.index"))
