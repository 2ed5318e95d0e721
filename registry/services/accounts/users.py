"""Accounts managed by admins: create, change role and scope, disable, reset password.

Passwords never reach the audit log; only the fact that one was set.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.domain.vocabulary import GROUPS, SUBGROUPS, canonical_subgroups
from registry.models import Area, Organisation, PartyCell, User
from registry.services import ServiceError, audit
from registry.services.accounts.signin import end_sessions

USER_FIELDS = [
    "username",
    "full_name",
    "role",
    "area_id",
    "cell_id",
    "subgroups",
    "organisation_id",
    "active",
    "must_change_password",
]


class AccountError(ServiceError, ValueError):
    """A change refused; the message is for the user."""


@dataclass
class UserData:
    username: str
    full_name: str
    role: str
    area: Area | None = None
    cell: PartyCell | None = None
    # Group or subgroup codes the account is restricted to (a group: all its subgroups).
    restriction: tuple[str, ...] = ()
    organisation: Organisation | None = None


def _apply(user: User, data: UserData) -> None:
    if data.role == "area" and data.area is None:
        raise AccountError("Cán bộ địa bàn cần được giao một địa bàn.")
    if data.role == "cell" and data.cell is None:
        raise AccountError("Bí thư chi bộ cần được giao một chi bộ.")
    user.username = data.username
    user.full_name = data.full_name
    user.role = data.role
    # Only the scope that the role uses is kept, so a role change never leaves a stale one.
    user.area = data.area if data.role in ("area", "api") else None
    # A service account sees an area, else a cell, else the province (scoping.scope_role).
    keeps_cell = data.role == "cell" or (data.role == "api" and data.area is None)
    user.cell = data.cell if keeps_cell else None
    restriction = data.restriction if data.role != "admin" else ()
    unknown = [code for code in restriction if code not in GROUPS and code not in SUBGROUPS]
    if unknown:
        raise AccountError(f"Không có đối tượng «{', '.join(unknown)}».")
    user.subgroups = ",".join(canonical_subgroups(restriction))
    user.organisation = data.organisation


def _check_username(session: Session, username: str, own_id: int | None) -> None:
    other = session.scalar(select(User.id).where(func.lower(User.username) == username.lower()))
    if other is not None and other != own_id:
        raise AccountError(f"Tên đăng nhập «{username}» đã có.")


def create_user(
    session: Session,
    admin: User | str,
    data: UserData,
    password: str,
    *,
    must_change_password: bool = True,
) -> User:
    """A new account with a password the person must change at first sign-in (unless
    the one who creates it says otherwise: someone setting up their own account)."""
    _check_username(session, data.username, None)
    user = User(active=True, must_change_password=must_change_password, is_demo=False)
    _apply(user, data)
    user.set_password(password)
    session.add(user)
    session.flush()
    audit.record(session, admin, "create", "user", user.id, after=audit.snapshot(user, USER_FIELDS))
    return user


def update_user(session: Session, admin: User, user: User, data: UserData) -> User:
    """Change name, role, scope or group restriction."""
    _check_username(session, data.username, user.id)
    if user.id == admin.id and data.role != "admin":
        raise AccountError("Không thể tự bỏ quyền quản trị của chính mình.")
    before = audit.snapshot(user, USER_FIELDS)
    _apply(user, data)
    session.flush()
    old, new = audit.changed(before, audit.snapshot(user, USER_FIELDS))
    if new:
        audit.record(session, admin, "update", "user", user.id, old, new)
    return user


def set_active(session: Session, admin: User, user: User, active: bool) -> None:
    """Disable (or enable again) an account; a disabled account cannot sign in."""
    if user.id == admin.id and not active:
        raise AccountError("Không thể tự khóa tài khoản của chính mình.")
    if user.active == active:
        return
    user.active = active
    if not active:
        end_sessions(user)
    session.flush()
    audit.record(
        session,
        admin,
        "enable" if active else "disable",
        "user",
        user.id,
        {"active": not active},
        {"active": active},
    )


def reset_password(session: Session, admin: User, user: User, password: str) -> None:
    """Set a temporary password, which the person must change at the next sign-in."""
    user.set_password(password)
    user.must_change_password = True
    end_sessions(user)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    audit.record(
        session, admin, "reset_password", "user", user.id, after={"must_change_password": True}
    )
