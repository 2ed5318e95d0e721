"""Reports read from a replica: with REPORTS_DATABASE_URL set, the report queries and
exports run as a second PostgreSQL role that may only SELECT, so any write on a report
path fails here. PostgreSQL only: skipped on SQLite runs; with --backend=postgres a
server that is missing fails the test."""

from __future__ import annotations

import os
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.engine import Engine, make_url

from registry.extensions import db
from registry.models import AuditLog, Job
from registry.replica import reports_session
from tests.conftest import DEFAULT_PG_URL
from tests.factories import PASSWORD
from tests.integration.reports_world import build_world
from tests.unit.test_exports_support import all_texts

READS = ("SELECT", "WITH", "SET LOCAL", "SHOW")


@pytest.fixture(scope="session")
def postgres_server(backend) -> str:
    """The server's URL; skips on SQLite runs, fails (never skips) when --backend=postgres
    is given and the server does not answer. Session-scoped, so it runs before the
    application's database is made."""
    if backend != "postgres":
        pytest.skip("a read-only role needs PostgreSQL (run with --backend=postgres)")
    base = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
    probe = sa.create_engine(base, connect_args={"connect_timeout": 5})
    try:
        with probe.connect():
            pass
    except sa.exc.OperationalError as error:
        pytest.fail(f"--backend=postgres, but PostgreSQL is not reachable at {base}: {error}")
    finally:
        probe.dispose()
    return base


@pytest.fixture
def read_only_url(postgres_server, request, monkeypatch):
    """A URL of the test schema as a fresh role holding SELECT rights only, set as the
    application's REPORTS_DATABASE_URL."""
    probe = sa.create_engine(postgres_server)
    database_url = request.getfixturevalue("database_url")
    schema = make_url(database_url).query["options"].split("=", 1)[1]
    role = f"reports_ro_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    with probe.begin() as conn:
        _drop_role(conn, role)  # one left by an interrupted run
        conn.execute(sa.text(f"CREATE ROLE {role} LOGIN PASSWORD 'chi-doc'"))
        conn.execute(sa.text(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}'))
        conn.execute(sa.text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {role}'))
    url = make_url(database_url).set(username=role, password="chi-doc")
    rendered = url.render_as_string(hide_password=False)
    app = request.getfixturevalue("app")
    monkeypatch.setitem(app.config, "REPORTS_DATABASE_URL", rendered)
    yield role
    engine = app.extensions.pop("reports_engine", None)
    if engine is not None:
        engine.dispose()
    with probe.begin() as conn:
        _drop_role(conn, role)
    probe.dispose()


def _drop_role(conn, role: str) -> None:
    if conn.scalar(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
        conn.execute(sa.text(f"DROP OWNED BY {role}"))
        conn.execute(sa.text(f"DROP ROLE {role}"))


@pytest.fixture
def world(postgres_server, read_only_url, ctx):
    return build_world()


@pytest.fixture
def statements_as(read_only_url):
    """The SQL statements each role sent while the test ran."""
    seen: dict[str, list[str]] = {}

    def record(conn, _cursor, statement, _params, _context, _many):
        seen.setdefault(conn.engine.url.username, []).append(statement)

    sa.event.listen(Engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(Engine, "before_cursor_execute", record)


def login(client, user) -> None:
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def form(area, report: str) -> dict:
    return {
        "report": report, "preset": "year", "year": "2025", "quarter": "1", "date_from": "",
        "date_to": "", "area_id": str(area.id), "group": "", "reached": "",
    }  # fmt: skip


def test_the_read_only_role_cannot_write(world, read_only_url):
    session = reports_session()
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) is not None
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
        session.execute(sa.text("UPDATE area SET name = name"))
    session.rollback()


def test_reports_and_the_detail_list_are_read_on_the_replica(
    world, client, statements_as, read_only_url
):
    login(client, world["users"]["province"])
    province = world["areas"]["province"]
    names = {person.full_name for person in world["people"].values()}
    for report, expected in (("students", "Phường Bắc"), ("summary", "Phường Bắc")):
        response = client.post("/reports/", data=form(province, report))
        assert response.status_code == 200, response.get_data(as_text=True)[:1000]
        texts = all_texts(load_workbook(BytesIO(response.data)).worksheets[0])
        assert any(expected in t for t in texts), report
    response = client.post("/reports/", data=form(province, "candidates"))
    assert response.status_code == 200
    texts = all_texts(load_workbook(BytesIO(response.data)).worksheets[0])
    assert names & set(texts)
    replica = statements_as.get(read_only_url, [])
    assert any("GROUP BY" in s for s in replica)  # the report figures
    assert any("FROM candidate" in s for s in replica)
    writes = [s for s in replica if not s.lstrip().upper().startswith(READS)]
    assert not writes, writes
    # Each download is still logged, on the primary.
    db.session.expire_all()
    logged = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "export")).all()
    assert len(logged) == 3


def test_a_long_detail_list_built_by_a_job_reads_the_replica(
    world, app, client, statements_as, read_only_url, monkeypatch
):
    monkeypatch.setitem(app.config, "BACKGROUND_ROWS", 0)
    login(client, world["users"]["province"])
    response = client.post("/reports/", data=form(world["areas"]["province"], "candidates"))
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    db.session.expire_all()
    job = db.session.scalars(sa.select(Job)).one()
    assert job.status == "done", job.message
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200
    replica = statements_as.get(read_only_url, [])
    assert any("FROM candidate" in s for s in replica)
    writes = [s for s in replica if not s.lstrip().upper().startswith(READS)]
    assert not writes, writes
