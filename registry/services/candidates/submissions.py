"""One-use form tokens: a form sent twice (a double click, two tabs, a resend after Back)
saves once, whichever server process answers each copy."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.models import FormSubmission, User
from registry.models._types import utcnow
from registry.services import ServiceError

# A form left open longer than this is sent again as a new one.
KEPT_FOR = timedelta(days=7)


class AlreadySubmitted(ServiceError):
    """The token was used before: this copy saves nothing, the first one's answer stands.

    Raised from a failed insert, so the request rolls back before `earlier` is read."""

    def __init__(self, token: str) -> None:
        super().__init__("Biểu mẫu này đã được gửi trước đó; dữ liệu không được lưu thêm lần nữa.")
        self.token = token


def new_token() -> str:
    return secrets.token_urlsafe(32)


def claim(session: Session, user: User, token: str) -> FormSubmission:
    """Record the first use of `token`; AlreadySubmitted when it was used already.

    The token's row is the request's first write, so a second copy arriving together
    waits on its unique key until the first commits, then fails on it."""
    session.execute(delete(FormSubmission).where(FormSubmission.at < utcnow() - KEPT_FOR))
    submission = FormSubmission(token=token, user_id=user.id)
    session.add(submission)
    try:
        session.flush()
    except IntegrityError:
        raise AlreadySubmitted(token) from None
    return submission


def earlier(session: Session, user: User, token: str) -> FormSubmission | None:
    """The user's earlier submission of `token` (None for another account's token)."""
    submission = session.get(FormSubmission, token)
    if submission is None or submission.user_id != user.id:
        return None
    return submission
