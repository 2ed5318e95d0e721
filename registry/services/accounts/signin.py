"""Signing in, lockouts and passwords."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from registry.models import User
from registry.models._types import utcnow
from registry.services import ServiceError, audit


@cache
def _dummy_hash() -> str:
    """A hash made like real ones, checked when the name is unknown."""
    return generate_password_hash("no account has this password 7f3a")


class LoginRefused(ServiceError):
    """Sign-in refused; the message is safe to show (it never says which part was wrong)."""


def authenticate(
    session: Session, username: str, password: str, *, threshold: int, lock_minutes: int
) -> User:
    """The user for these credentials, counting failures towards a lockout."""
    # One answer for every refusal (unknown name, wrong password, locked account), so
    # the page never tells whether an account exists; it states the lockout rule instead.
    refused = LoginRefused(
        "Tên đăng nhập hoặc mật khẩu không đúng. Sau "
        f"{threshold} lần nhập sai liên tiếp, tài khoản bị tạm khóa {lock_minutes} phút; "
        "cần mở sớm hơn thì liên hệ quản trị viên."
    )
    user = session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    # Every attempt checks one hash, also for an unknown name or a locked or disabled
    # account: a quick answer would tell that the name does not exist.
    matches = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    now = utcnow()
    if user is not None and user.locked_until and user.locked_until > now:
        raise refused
    # A service account (role api) calls the API with its tokens and never signs in.
    if user is None or not user.active or not matches or user.role == "api":
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= threshold:
                user.locked_until = now + timedelta(minutes=lock_minutes)
                user.failed_logins = 0
                audit.record(session, user, "lockout", "user", user.id)
        raise refused
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(session, user, "login", "user", user.id)
    return user


def end_sessions(user: User) -> None:
    """End every session of this account opened so far (each carries the old version)."""
    user.session_version = (user.session_version or 0) + 1


def sign_out(session: Session, user: User) -> None:
    """Sign out: the cookie is dropped, and a copy of it kept elsewhere stops working."""
    end_sessions(user)
    audit.record(session, user, "logout", "user", user.id)


def change_password(session: Session, user: User, new_password: str) -> None:
    """A new password, which also ends the account's other sessions (the caller keeps
    the current one by storing the new session version in it)."""
    user.set_password(new_password)
    user.must_change_password = False
    user.is_demo = False
    end_sessions(user)
    audit.record(session, user, "change_password", "user", user.id)
