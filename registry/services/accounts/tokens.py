"""Personal API tokens: issue (shown once), revoke, and recognise a token on a call.

A token is `dvr_` and 43 random URL-safe characters; only its SHA-256 is stored, so a
copy of the database gives no usable token. A token this random needs no slow hash: the
digest is looked up by its unique index.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import access
from registry.models import ApiToken, User
from registry.models._types import utcnow
from registry.services import ServiceError, audit

PREFIX = "dvr_"
SHOWN_PREFIX = 12  # characters kept to tell tokens apart in the list
TOKEN_FIELDS = ["user_id", "name", "prefix", "can_write", "expires_on"]


class TokenError(ServiceError, ValueError):
    """A token that cannot be issued or revoked; the message is for the user."""


class TokenRefused(ServiceError):
    """A call's token is missing, unknown, expired or revoked (answered 401); `token` is
    the stored token it names, if any (a revoked or expired one, or a disabled user's)."""

    def __init__(self, code: str, message: str, token: ApiToken | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.token = token


@dataclass
class Issued:
    token: ApiToken
    secret: str  # shown once, then forgotten


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_hold_for(actor: User, owner: User) -> bool:
    """Whether `actor` may issue and revoke tokens of `owner`: their own, or (an admin)
    those of a service account."""
    if owner.id == actor.id:
        return access.may(actor, access.USE_API)
    return owner.role == "api" and access.may(actor, access.MANAGE_SERVICE_TOKENS)


def issue(
    session: Session,
    actor: User,
    owner: User,
    name: str,
    can_write: bool,
    expires_on: date,
    *,
    today: date,
    max_days: int,
) -> Issued:
    """A new token for `owner`, valid through `expires_on`."""
    if not may_hold_for(actor, owner) or not owner.active:
        raise TokenError("Bạn không được tạo mã truy cập cho tài khoản này.")
    if expires_on <= today:
        raise TokenError("Ngày hết hạn phải sau hôm nay.")
    if expires_on > today + timedelta(days=max_days):
        raise TokenError(f"Mã truy cập có hiệu lực tối đa {max_days} ngày kể từ hôm nay.")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=owner.id,
        name=name,
        token_hash=digest(secret),
        prefix=secret[:SHOWN_PREFIX],
        can_write=can_write,
        expires_on=expires_on,
        created_by_id=actor.id,
    )
    session.add(token)
    session.flush()
    audit.record(
        session, actor, "create", "api_token", token.id, None, audit.snapshot(token, TOKEN_FIELDS)
    )
    return Issued(token, secret)


def revoke(session: Session, actor: User, token: ApiToken) -> None:
    if not may_hold_for(actor, token.user):
        raise TokenError("Bạn không được thu hồi mã truy cập này.")
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit.record(session, actor, "revoke", "api_token", token.id, None, {"name": token.name})


def visible_tokens(session: Session, actor: User) -> list[ApiToken]:
    """The tokens the tokens page lists: the actor's own, and for an admin those of every
    service account."""
    mine = ApiToken.user_id == actor.id
    if access.may(actor, access.MANAGE_SERVICE_TOKENS):
        services = select(User.id).where(User.role == "api")
        mine = mine | ApiToken.user_id.in_(services)
    stmt = select(ApiToken).where(mine).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    return list(session.scalars(stmt))


def service_accounts(session: Session) -> list[User]:
    stmt = select(User).where(User.role == "api", User.active.is_(True)).order_by(User.username)
    return list(session.scalars(stmt))


def find(session: Session, secret: str) -> ApiToken | None:
    """The stored token of this secret, live or not (by its digest's unique index)."""
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))


def recognise(session: Session, secret: str | None, today: date) -> ApiToken:
    """The live token a call carries, or TokenRefused saying why not."""
    if not secret:
        raise TokenRefused(
            "missing_token",
            "Thiếu mã truy cập: gửi tiêu đề “Authorization: Bearer <mã truy cập>”.",
        )
    token = find(session, secret)
    if token is None or not token.user.active:
        raise TokenRefused(
            "invalid_token", "Mã truy cập không đúng hoặc tài khoản đã bị khóa.", token
        )
    if token.revoked_at is not None:
        raise TokenRefused("revoked_token", "Mã truy cập này đã bị thu hồi.", token)
    if token.expires_on < today:
        raise TokenRefused("expired_token", "Mã truy cập này đã hết hạn.", token)
    token.last_used_at = utcnow()
    return token
