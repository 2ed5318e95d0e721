"""Fixtures of the security suite: the two-commune world, signing in as one of its users."""

from __future__ import annotations

from datetime import timedelta

import pytest

from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.services.accounts import tokens
from tests.factories import login
from tests.security.world import build_world, with_payload


@pytest.fixture
def world(ctx):
    return build_world()


@pytest.fixture
def payload_world(ctx):
    """The same world with an XSS payload in every free-text value."""
    return build_world(with_payload)


@pytest.fixture
def sign_in(client):
    """sign_in(user): the test client, signed in as that user (and only that user)."""

    def _sign_in(user):
        client.post("/logout")
        response = login(client, user)
        assert response.status_code == 200, response.status_code
        # The same person's API token on every request, so the sweeps reach the API's
        # addresses as that person (the web's pages ignore the header).
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token(user)}"
        return client

    return _sign_in


def api_token(user) -> str:
    """A read-write API token of `user` (committed, so every request sees it)."""
    today = today_vn()
    issued = tokens.issue(
        db.session(), user, user, "Kiểm thử", True, today + timedelta(days=30),
        today=today, max_days=366,
    )  # fmt: skip
    db.session.commit()
    return issued.secret
