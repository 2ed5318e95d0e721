"""Rate-limit counters in the application's database: the `database://` storage of the
`limits` library, used by Flask-Limiter when no REDIS_URL is set.

The library ships memory, Redis, Memcached and MongoDB storages; memory counts in each
gunicorn worker on its own. This one keeps fixed windows (the strategy Flask-Limiter
uses by default) in the table rate_limit_counter, so every worker counts the same
attempts. Each call is its own short transaction on its own connection: an attempt
counts even when the request that made it rolls back.
"""

from __future__ import annotations

import hashlib
import time

from limits.storage import Storage
from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from registry.extensions import db
from registry.models import RateLimitCounter
from registry.models._types import table_of, text_width

_TABLE = table_of(RateLimitCounter)
_KEY_LENGTH = text_width(RateLimitCounter, "key")


def _row_key(key: str) -> str:
    """The key as stored: a key made from a very long form value is hashed to fit."""
    if len(key) <= _KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _engine() -> Engine:
    return db.engine  # the current application's


class DatabaseStorage(Storage):
    """Fixed-window counters in rate_limit_counter (no moving or sliding windows)."""

    # Storage declares it on the instance; limits reads it from the class.
    STORAGE_SCHEME: list[str] | None = ["database"]  # noqa: RUF012

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` hits to the window of `key` (a new window once it has ended)."""
        now = time.time()
        insert = postgresql.insert if _engine().dialect.name == "postgresql" else sqlite.insert
        ended = _TABLE.c.expires_at <= now
        stmt = (
            insert(_TABLE)
            .values(key=_row_key(key), hits=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[_TABLE.c.key],
                set_={
                    "hits": case((ended, amount), else_=_TABLE.c.hits + amount),
                    "expires_at": case((ended, now + expiry), else_=_TABLE.c.expires_at),
                },
            )
            .returning(_TABLE.c.hits)
        )
        with _engine().begin() as conn:
            conn.execute(delete(_TABLE).where(ended))  # ended windows of any key
            return int(conn.execute(stmt).scalar_one())

    def get(self, key: str) -> int:
        with _engine().connect() as conn:
            hits = conn.scalar(
                select(_TABLE.c.hits).where(
                    _TABLE.c.key == _row_key(key), _TABLE.c.expires_at > time.time()
                )
            )
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        with _engine().connect() as conn:
            expires = conn.scalar(select(_TABLE.c.expires_at).where(_TABLE.c.key == _row_key(key)))
        return float(expires) if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with _engine().connect() as conn:
                conn.scalar(select(func.count()).select_from(_TABLE))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with _engine().begin() as conn:
            return conn.execute(delete(_TABLE)).rowcount

    def clear(self, key: str) -> None:
        with _engine().begin() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.key == _row_key(key)))
