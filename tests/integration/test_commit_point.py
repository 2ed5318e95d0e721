"""The one commit point: a request and a CLI command commit once, when they end well."""

import sys

import click
import pytest
from sqlalchemy import select

from registry import create_app
from registry.extensions import db
from registry.models import AuditLog
from registry.services import ServiceError, audit
from registry.transaction import committed, on_refusal


def _note(action: str) -> None:
    audit.record(db.session, "dòng lệnh", action, "test")


def _kept() -> list[str]:
    """The audit actions in the database, read through a connection of its own."""
    with db.engine.connect() as conn:
        return list(conn.scalars(select(AuditLog.action).where(AuditLog.entity == "test")))


@pytest.fixture
def probe(app, ctx):
    """An application of its own on the test database, with views that write and fail."""
    other = create_app({**app.config})

    @other.route("/probe/ok")
    def ok():
        _note("ok")
        return "ok"

    @other.route("/probe/raises")
    def raises():
        _note("raised")
        raise RuntimeError("boom")

    @other.route("/probe/refused")
    def refused():
        _note("before_refusal")

        @on_refusal
        def answer(error: ServiceError):
            _note("answer")
            return f"refused: {error}", 409

        raise ServiceError("Không được làm việc này.")

    @other.route("/probe/unanswered")
    def unanswered():
        _note("unanswered")
        raise ServiceError("Không được làm việc này.")

    with other.app_context():
        yield other
        db.session.remove()
        db.engine.dispose()


def test_a_request_that_ends_well_keeps_what_it_wrote(probe):
    assert probe.test_client().get("/probe/ok").status_code == 200
    assert _kept() == ["ok"]


def test_a_view_that_raises_writes_nothing(probe):
    with pytest.raises(RuntimeError):  # TESTING propagates it; users see the 500 page
        probe.test_client().get("/probe/raises")
    assert _kept() == []


def test_a_refusal_rolls_back_then_keeps_what_its_answer_writes(probe):
    response = probe.test_client().get("/probe/refused")
    assert response.status_code == 409
    assert "refused: Không được làm việc này." in response.get_data(as_text=True)
    assert _kept() == ["answer"]


def test_a_refusal_without_an_answer_shows_its_message(probe):
    response = probe.test_client().get("/probe/unanswered")
    assert response.status_code == 409
    assert "Không được làm việc này." in response.get_data(as_text=True)
    assert _kept() == []


def test_a_command_commits_when_it_ends_well_and_only_then(ctx):
    def fails():
        _note("failed")
        raise click.ClickException("Không được.")

    def exits(code: int):
        _note(f"exit {code}")
        sys.exit(code)

    committed(lambda: _note("done"))()
    with pytest.raises(click.ClickException):
        committed(fails)()
    with pytest.raises(SystemExit):
        committed(exits)(1)
    with pytest.raises(SystemExit):
        committed(exits)(0)
    assert sorted(_kept()) == ["done", "exit 0"]
