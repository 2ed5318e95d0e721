"""Who a command acts as: the account named by --user, or the command line itself.

Without --user a command has the full scope and the audit log names it COMMAND_LINE;
with --user it has that account's scope, as on the web.
"""

from __future__ import annotations

import click
from sqlalchemy import select

from registry.extensions import db
from registry.models import User
from registry.services.audit import COMMAND_LINE


def command_line_user() -> User:
    """A user that is never stored: full scope (scope_filter reads its role), no area."""
    return User(username=COMMAND_LINE, role="admin", active=True)


def named_user(username: str | None) -> User | None:
    """The active account --user names; None without --user."""
    if username is None:
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise click.BadParameter(
            f"không có tài khoản đang hoạt động «{username}»", param_hint="--user"
        )
    return user
