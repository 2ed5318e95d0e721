"""Fixtures: an application per backend, a clean database per test, a client, logins.

The backend comes from `--backend` (sqlite, the default, or postgres). PostgreSQL and
browser tests skip with a reason when their service is missing, unless REQUIRE_POSTGRES
or REQUIRE_BROWSER is set (as CI does), where they fail instead.
"""

from __future__ import annotations

import io
import logging
import os

import hypothesis
import pytest
import sqlalchemy as sa
from flask import g
from flask_migrate import upgrade

from config import TestConfig
from registry import create_app
from registry.extensions import db, limiter

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# Property tests check what is true, never how fast: a per-example deadline measures the
# machine (2 shared cores in CI), not the code, and turns a slow run into a failure.
hypothesis.settings.register_profile("registry", deadline=None)
hypothesis.settings.load_profile("registry")


def pytest_addoption(parser):
    parser.addoption(
        "--backend",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="database backend for the integration tests",
    )


def required(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def unavailable(reason: str, requirement: str):
    """Skip, or fail when the service is required here."""
    if required(requirement):
        pytest.fail(f"{reason} ({requirement} is set, so this must not skip)", pytrace=False)
    pytest.skip(reason)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def backend(request) -> str:
    return request.config.getoption("--backend")


@pytest.fixture(scope="session")
def database_url(backend, tmp_path_factory) -> str:
    """A database of this worker's own, empty before the migrations run."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'registry.db'}"
        return
    base = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
    # One schema per test process, so parallel runs on one server never meet.
    schema = f"test_{_worker()}_{os.getpid()}"
    try:
        engine = sa.create_engine(base, connect_args={"connect_timeout": 5})
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
    except sa.exc.OperationalError as error:
        unavailable(f"PostgreSQL is not reachable at {base}: {error.orig}", "REQUIRE_POSTGRES")
    yield f"{base}?options=-csearch_path%3D{schema}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def app(database_url):
    """The application on a freshly migrated database (the migrations are under test too)."""

    class Settings(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    application = create_app(Settings)

    # Tests hold one application context across requests, so Flask-Login's per-context
    # cache of the user would leak from one request (or client) to the next.
    @application.before_request
    def _forget_cached_user():
        g.pop("_login_user", None)

    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _forget_search_sizes():
    """The word search keeps the sizes of searched words per process for a few minutes
    (they only choose its plan): each test counts its own data's."""
    from registry.services.candidates import word_search

    word_search.forget_sizes()


@pytest.fixture(autouse=True)
def _keep_the_rate_limit_storage():
    """Flask-Limiter keeps one storage for every application of the process, the last one
    built deciding. A test that builds another application (production settings count in
    the database) must not hand its storage to the tests after it."""
    saved = (getattr(limiter, "_storage", None), getattr(limiter, "_limiter", None))
    yield
    if saved[0] is not None:
        limiter._storage, limiter._limiter = saved


def _empty_tables() -> None:
    """Delete every row the test left, and on PostgreSQL restart the ids it used.

    Only the tables that hold rows are emptied, with DELETE: a TRUNCATE of every table
    costs PostgreSQL most of a second per test, this a few milliseconds. Tests keep real
    commits (other connections, threads and processes see their data)."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        probe = " UNION ALL ".join(
            f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
        )
        used = set(conn.scalars(sa.text(probe)))
        for table in tables:
            if table.name in used:
                conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            sequences = conn.scalars(
                sa.text(
                    "SELECT sequencename FROM pg_sequences "
                    "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                )
            )
            for name in list(sequences):
                conn.execute(sa.text(f'ALTER SEQUENCE "{name}" RESTART'))
        elif sa.inspect(conn).has_table("sqlite_sequence"):
            # Counters start again, as the sequences do on PostgreSQL.
            conn.execute(sa.text("DELETE FROM sqlite_sequence"))


@pytest.fixture
def ctx(app):
    """An application context on an empty database, emptied again afterwards."""
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
        _empty_tables()


@pytest.fixture
def client(ctx):
    return ctx.test_client()


@pytest.fixture
def log_lines(app, monkeypatch):
    """log_lines(): what the application logged so far, line by line (INFO and up)."""
    stream = io.StringIO()
    handler = app.logger.handlers[0]
    monkeypatch.setattr(handler, "stream", stream)
    level = app.logger.level
    app.logger.setLevel(logging.INFO)
    yield lambda: stream.getvalue().splitlines()
    app.logger.setLevel(level)


@pytest.fixture
def runner(ctx):
    return ctx.test_cli_runner()
