"""Two communes, A and B, each with a unit, a cell and a candidate; users of each role;
tokens made through the tokens service, and a client that calls with one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import Area, Candidate, PartyCell, Unit, User
from registry.services.accounts import tokens
from tests.factories import AreaFactory, CandidateFactory, UnitFactory, UserFactory


@dataclass
class Side:
    area: Area
    unit: Unit
    cell: PartyCell
    candidate: Candidate


@dataclass
class World:
    a: Side
    b: Side
    users: dict[str, User] = field(default_factory=dict)


def _side(name: str, code: str, id_number: str) -> Side:
    area = AreaFactory(name=f"Phường {name}", code=code)
    unit = UnitFactory(name=f"Trường THPT {name}", area=area)
    candidate = CandidateFactory(
        full_name=f"Trần Thị {name}", unit=unit, gender="F", id_number=id_number,
        birth_date=date(2006, 3, 4),
    )  # fmt: skip
    return Side(area, unit, unit.cell, candidate)


@pytest.fixture
def world(ctx) -> World:
    w = World(_side("Hòa An", "90001", "001306001234"), _side("Bình Minh", "90002", "001306005678"))
    w.users = {
        "admin": UserFactory(role="admin", username="quantri"),
        "area_a": UserFactory(role="area", area=w.a.area, username="canbo_a"),
        "cell_a": UserFactory(role="cell", cell=w.a.cell, username="bithu_a"),
        "province": UserFactory(role="province", username="so_noi_vu"),
        "service_a": UserFactory(role="api", area=w.a.area, username="he_thong_a"),
    }
    db.session.commit()
    return w


@pytest.fixture
def token_for(ctx):
    """token_for(user, write=True, days=30): a live token's secret for that user."""

    def make(user: User, write: bool = True, days: int = 30, by: User | None = None) -> str:
        today = today_vn()
        issued = tokens.issue(
            db.session(), by or user, user, "Thử", write, today + timedelta(days=days),
            today=today, max_days=366,
        )  # fmt: skip
        db.session.commit()
        return issued.secret

    return make


class Api:
    """The test client calling /api/v1 with a token (and nothing else)."""

    def __init__(self, client, secret: str | None) -> None:
        self.client, self.secret = client, secret

    def _headers(self, extra=None) -> dict:
        headers = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, **kw):
        return self.client.get(
            "/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def post(self, path: str, **kw):
        return self.client.post(
            "/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def patch(self, path: str, **kw):
        return self.client.patch(
            "/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw
        )


@pytest.fixture
def api(client, token_for):
    """api(user, write=True): a client calling as that user's token."""

    def make(user: User | None, write: bool = True) -> Api:
        return Api(client, token_for(user, write) if user is not None else None)

    return make


def error_of(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]
