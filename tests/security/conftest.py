"""Fixtures of the security suite: the two-commune world, signing in as one of its users."""

from __future__ import annotations

import pytest

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
        return client

    return _sign_in
