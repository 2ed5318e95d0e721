"""The add-candidate form sent twice, a CCCD taken meanwhile, a probable duplicate."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Candidate, FormSubmission
from registry.services.candidates import edit as service
from tests.factories import login
from tests.integration.test_candidates_edit import CCCD, form_data, world  # noqa: F401

TOKEN = re.compile(r'name="submission_token"[^>]*value="([^"]+)"')


def token_of(client) -> str:
    page = client.get("/candidates/new")
    assert page.headers["Cache-Control"] == "no-store"
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, "the form carries a one-use token"
    return found.group(1)


def people(name: str = "Hoàng Văn Thụ") -> int:
    return db.session.scalar(select(func.count()).where(Candidate.full_name == name))


def test_the_same_form_sent_twice_without_a_cccd_adds_one_person(client, world):  # noqa: F811
    login(client, world["sec_a"])
    data = form_data(world["unit_a"].id, id_number="", submission_token=token_of(client))

    first = client.post("/candidates/new", data=data)
    second = client.post("/candidates/new", data=data, follow_redirects=True)

    assert first.status_code == 302 and people() == 1
    saved = db.session.scalars(select(Candidate).where(Candidate.full_name == "Hoàng Văn Thụ"))
    assert second.status_code == 200
    assert second.request.path == f"/candidates/{saved.one().id}"
    assert "đã được gửi trước đó" in second.get_data(as_text=True)


def test_the_same_form_sent_twice_with_a_cccd_shows_the_saved_record_not_an_error(
    client,
    world,  # noqa: F811
):
    login(client, world["sec_a"])
    data = form_data(world["unit_a"].id, submission_token=token_of(client))

    client.post("/candidates/new", data=data)
    second = client.post("/candidates/new", data=data, follow_redirects=True)

    html = second.get_data(as_text=True)
    assert second.status_code == 200 and people() == 1
    assert "không bị thay đổi" not in html and CCCD in html
    assert db.session.scalar(select(func.count()).select_from(FormSubmission)) == 1


def test_a_cccd_saved_meanwhile_is_the_forms_message_not_a_500(client, world, monkeypatch):  # noqa: F811
    login(client, world["sec_a"])
    client.post("/candidates/new", data=form_data(world["unit_a"].id))
    # The second request checked the number before the first one committed it.
    monkeypatch.setattr(service, "find_duplicate", _misses_once(service.find_duplicate))

    response = client.post(
        "/candidates/new", data=form_data(world["unit_a"].id, full_name="Hoàng Văn Thụ Hai")
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert service.DUPLICATE_ID_NUMBER in html
    assert "Mở hồ sơ đã có" in html and "không bị thay đổi" not in html
    assert people("Hoàng Văn Thụ Hai") == 0


def _misses_once(real):
    calls = []

    def find(*args, **kwargs):
        calls.append(1)
        return None if len(calls) == 1 else real(*args, **kwargs)

    return find


def test_a_probable_duplicate_is_shown_and_saved_only_once_confirmed(client, world):  # noqa: F811
    login(client, world["sec_a"])
    client.post("/candidates/new", data=form_data(world["unit_a"].id, id_number=""))
    existing = db.session.scalars(select(Candidate).where(Candidate.full_name == "Hoàng Văn Thụ"))
    existing_id = existing.one().id
    # Same person typed again: other case and marks, no CCCD, same birth date and unit.
    again = form_data(world["unit_a"].id, id_number="", full_name="hoàng văn thu")

    warned = client.post("/candidates/new", data=again)

    html = warned.get_data(as_text=True)
    assert warned.status_code == 422
    assert "Có thể người này đã có trong danh sách" in html
    assert f'href="/candidates/{existing_id}"' in html and 'name="confirm_duplicate"' in html
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 3

    confirmed = client.post("/candidates/new", data={**again, "confirm_duplicate": "y"})
    assert confirmed.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 4


def test_another_unit_or_birth_date_is_no_probable_duplicate(client, world):  # noqa: F811
    login(client, world["area_a"])
    client.post("/candidates/new", data=form_data(world["unit_a"].id, id_number=""))
    elsewhere = form_data(world["firm_a"].id, id_number="")
    assert client.post("/candidates/new", data=elsewhere).status_code == 302
    other_day = form_data(world["unit_a"].id, id_number="", birth_date="06/09/2007")
    assert client.post("/candidates/new", data=other_day).status_code == 302
