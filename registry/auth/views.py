"""Sign in, sign out, change one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from forms.auth import ChangePasswordForm, LoginForm
from forms.base import add_error, entered
from registry.auth import bp
from registry.extensions import db, limiter
from registry.services.accounts import signin as accounts

SESSION_VERSION_KEY = "session_version"


def _login_key() -> str:
    """Rate-limit login attempts per client address and user name together."""
    username = (request.form.get("username") or "").strip().lower()
    return f"{request.remote_addr}|{username}"


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (open redirect)."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    if "\\" in target or not target.isprintable():
        # A control character (CR/LF) could never be a real path, and a redirect header
        # cannot carry it.
        return url_for("main.home")
    return target


def remember_session_version(user) -> None:
    """Keep the account's session version in this session (the user loader checks it)."""
    session[SESSION_VERSION_KEY] = user.session_version


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_login_key, methods=["POST"]
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                db.session(),
                entered(form.username),
                entered(form.password),
                threshold=current_app.config["LOCKOUT_THRESHOLD"],
                lock_minutes=current_app.config["LOCKOUT_MINUTES"],
            )
        except accounts.LoginRefused as refused:
            # Survives the refusal: the failure count and the lockout must be kept.
            db.session.commit()
            flash(str(refused), "danger")
            return render_template("auth/login.html", form=form), 200
        session.clear()
        # No "remember me" cookie: it would outlive the inactivity limit (and Flask-Login's
        # token never expires on the server), so a session always ends after SESSION_MINUTES.
        login_user(user)
        remember_session_version(user)
        session.permanent = True
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    accounts.sign_out(db.session(), current_user)
    logout_user()
    session.clear()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            add_error(form.current, "Mật khẩu hiện tại không đúng.")
        elif form.new.data == form.current.data:
            add_error(form.new, "Mật khẩu mới phải khác mật khẩu hiện tại.")
        else:
            accounts.change_password(db.session(), current_user, entered(form.new))
            remember_session_version(current_user)
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)


def password_change_required() -> bool:
    """Demo passwords must be changed outside demo mode, as must reset ones."""
    if not current_user.is_authenticated:
        return False
    if current_user.must_change_password:
        return True
    return current_user.is_demo and not current_app.config["DEMO_MODE"]


@bp.before_app_request
def force_password_change():
    allowed = {"auth.change_password", "auth.logout", "static", "bootstrap.static"}
    if request.endpoint not in allowed and password_change_required():
        flash("Bạn cần đổi mật khẩu trước khi tiếp tục.", "warning")
        return redirect(url_for("auth.change_password"))
    return None
