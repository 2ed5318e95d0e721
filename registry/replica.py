"""Where reports read: a read replica when `REPORTS_DATABASE_URL` is set, else the
primary database.

Report queries and exports only read. With the setting, they run on a session bound to
that URL (a PostgreSQL streaming replica, reached as a role with SELECT rights only), so
they take no work from the primary; what a report request writes (the audit entry of a
download, a submitted report) still goes through `db.session`, the primary.
"""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from config import engine_options
from registry.extensions import db

_ENGINE_KEY = "reports_engine"


def _engine() -> Engine | None:
    url = current_app.config.get("REPORTS_DATABASE_URL")
    if not url:
        return None
    engine = current_app.extensions.get(_ENGINE_KEY)
    if engine is None:
        engine = create_engine(url, **engine_options(url))
        current_app.extensions[_ENGINE_KEY] = engine
    return engine


def reports_session() -> Session:
    """The session report queries use in this application context."""
    engine = _engine()
    if engine is None:
        return db.session()
    if "reports_session" not in g:
        g.reports_session = Session(engine, autoflush=False)
    return g.reports_session


def close_reports_session(_error: BaseException | None = None) -> None:
    session = g.pop("reports_session", None)
    if session is not None:
        session.close()


def init_app(app) -> None:
    app.teardown_appcontext(close_reports_session)
