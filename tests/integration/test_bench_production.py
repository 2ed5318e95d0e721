"""Production shape: /health says when the database is down, pool and gunicorn settings."""

from __future__ import annotations

import runpy
from pathlib import Path

from sqlalchemy.exc import OperationalError

from config import engine_options
from registry.extensions import db

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_health_is_ok_with_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_health_answers_503_json_when_the_database_is_down(client, monkeypatch):
    def unreachable(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}


def test_postgresql_pool_is_bounded_and_set_from_the_environment(monkeypatch):
    monkeypatch.setenv("DB_POOL_SIZE", "3")
    monkeypatch.delenv("DB_MAX_OVERFLOW", raising=False)
    options = engine_options("postgresql+psycopg://registry@127.0.0.1/registry")
    assert options["pool_size"] == 3
    assert options["max_overflow"] == 5
    assert options["connect_args"] == {"connect_timeout": 5}
    assert options["pool_pre_ping"] is True


def test_sqlite_keeps_the_default_pool():
    assert engine_options("sqlite:///instance/registry.db") == {"pool_pre_ping": True}


def test_gunicorn_runs_sync_workers_and_migrates_on_start(monkeypatch):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "BIND"):
        monkeypatch.delenv(name, raising=False)
    settings = runpy.run_path(str(GUNICORN_CONF))
    assert settings["threads"] == 1
    assert 1 <= settings["workers"] <= 9
    assert settings["timeout"] == 120
    assert settings["bind"] == "127.0.0.1:8000"
    assert callable(settings["on_starting"])


def test_gunicorn_runs_one_worker_a_core_beside_a_local_database():
    default_workers = runpy.run_path(str(GUNICORN_CONF))["default_workers"]
    assert default_workers("postgresql+psycopg://registry@127.0.0.1:5432/registry", 2) == 2
    assert default_workers("postgresql+psycopg://registry@localhost/registry", 4) == 4
    assert default_workers("postgresql+psycopg:///registry?host=/run/postgresql", 2) == 2
    assert default_workers("sqlite:////srv/registry/instance/registry.db", 2) == 2
    assert default_workers("postgresql+psycopg://registry@db.internal:5432/registry", 2) == 5
    assert default_workers("postgresql+psycopg://registry@10.0.0.7/registry", 8) == 9


def test_web_concurrency_sets_the_workers(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://registry@127.0.0.1/registry")
    assert runpy.run_path(str(GUNICORN_CONF))["workers"] == 7
