"""Recording one stage for several candidates from the list: mixed success, scope, roles."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditLog, Candidate, StageEvent
from tests.factories import CandidateFactory, UnitFactory, UserFactory
from tests.integration.test_candidate_list import login


@pytest.fixture
def cell(ctx):
    school = UnitFactory(name="Trường THPT Thử")
    other = UnitFactory(name="Trường THPT Khác")  # another cell, another area
    people = {
        "an": CandidateFactory(full_name="Nguyễn Văn An", unit=school),
        "binh": CandidateFactory(full_name="Trần Thị Bình", unit=school),
        # Entered the source list after the class ended: the date would go backwards.
        "cuong": CandidateFactory(
            full_name="Lê Văn Cường", unit=school, source_date=date(2025, 3, 1)
        ),
        "stranger": CandidateFactory(full_name="Vũ Văn Lạ", unit=other),
    }
    secretary = UserFactory(role="cell", cell=school.cell)
    db.session.commit()
    return people, secretary


def post_bulk(client, ids, **fields):
    data = {
        "ids": [str(i) for i in ids],
        "stage": "trained",
        "event_date": "10/01/2025",
        "document_no": "GCN-15/2025",
        "back": "/candidates/?q=van",
        **fields,
    }
    return client.post("/candidates/bulk", data=data, follow_redirects=True)


def events(candidate: Candidate, stage: str) -> list[StageEvent]:
    stmt = select(StageEvent).where(
        StageEvent.candidate_id == candidate.id, StageEvent.stage == stage
    )
    return db.session.scalars(stmt).all()


def test_mixed_success_commits_the_successes_and_reports_the_failures(cell, client):
    people, secretary = cell
    login(client, secretary)
    ids = [people[k].id for k in ("an", "binh", "cuong", "stranger")] + [999999]
    response = post_bulk(client, ids)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Đã ghi nhận cho <strong>2</strong> người" in html
    assert '<strong class="text-danger">3</strong> người không ghi được' in html
    succeeded = html.split('data-testid="succeeded"')[1].split("</table>")[0]
    failed = html.split('data-testid="failed"')[1].split("</table>")[0]
    assert "Nguyễn Văn An" in succeeded and "Trần Thị Bình" in succeeded
    # The rule's own Vietnamese message says why Cường was refused.
    cuong = failed.split("Lê Văn Cường")[1].split("</tr>")[0]
    assert "sớm hơn ngày của bước" in cuong and "01/03/2025" in cuong
    # Another cell's candidate reads exactly like an id that does not exist.
    assert "Vũ Văn Lạ" not in html
    assert f"Hồ sơ số {people['stranger'].id}" in failed and "Hồ sơ số 999999" in failed
    assert 'href="/candidates/?q=van"' in html

    db.session.expire_all()
    for key in ("an", "binh"):
        c = db.session.get(Candidate, people[key].id)
        assert c.stage == "trained" and c.trained_date == date(2025, 1, 10)
        assert c.certificate_no == "GCN-15/2025"
        assert [e.document_no for e in events(c, "trained")] == ["GCN-15/2025"]
    for key in ("cuong", "stranger"):
        c = db.session.get(Candidate, people[key].id)
        assert c.stage == "source" and c.trained_date is None and events(c, "trained") == []
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "bulk_stage")).one()
    assert entry.after["recorded"] == [people["an"].id, people["binh"].id]
    assert entry.user_id == secretary.id


def test_warnings_are_shown_beside_the_successes(cell, client):
    people, secretary = cell
    login(client, secretary)
    html = post_bulk(client, [people["an"].id], document_no="").get_data(as_text=True)
    assert "Đã ghi nhận cho <strong>1</strong> người" in html
    assert "Chưa ghi số giấy chứng nhận" in html


def test_nothing_ticked_or_a_bad_date_shows_the_list_again(cell, client):
    people, secretary = cell
    login(client, secretary)
    response = post_bulk(client, [])
    assert response.status_code == 422
    assert "Chưa chọn quần chúng nào" in response.get_data(as_text=True)
    response = post_bulk(client, [people["an"].id], event_date="32/01/2025", stage="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ngày không hợp lệ" in html and "Hãy chọn bước." in html
    assert 'value="32/01/2025"' in html  # what was typed stays
    ticked = html.split(f'name="ids" value="{people["an"].id}"')[1].split(">")[0]
    assert "checked" in ticked
    assert "q=van" in html  # the list keeps the filters it was sent from
    db.session.expire_all()
    assert db.session.get(Candidate, people["an"].id).stage == "source"


def test_future_dates_are_refused_by_the_form(cell, client):
    people, secretary = cell
    login(client, secretary)
    response = post_bulk(client, [people["an"].id], event_date="01/01/2099")
    assert response.status_code == 422
    assert "Ngày không được ở tương lai" in response.get_data(as_text=True)


def test_province_users_may_not_record(cell, client):
    people, _secretary = cell
    reader = UserFactory(role="province")
    db.session.commit()
    login(client, reader)
    assert post_bulk(client, [people["an"].id]).status_code == 403
    html = client.get("/candidates/").get_data(as_text=True)
    assert 'id="bulk-form"' not in html and 'name="ids"' not in html


def test_the_back_link_stays_on_the_list(cell, client):
    people, secretary = cell
    login(client, secretary)
    html = post_bulk(client, [people["an"].id], back="https://evil.example/x").get_data(
        as_text=True
    )
    assert "evil.example" not in html
    assert 'href="/candidates/"' in html


def test_the_list_offers_the_bulk_form_to_editors(cell, client):
    people, secretary = cell
    login(client, secretary)
    html = client.get("/candidates/").get_data(as_text=True)
    assert 'id="bulk-form"' in html and 'name="submission_token"' in html
    assert f'name="ids" value="{people["an"].id}" form="bulk-form"' in html
    assert "Vũ Văn Lạ" not in html


def test_recording_answers_with_a_result_page_that_refreshes_without_recording_again(cell, client):
    people, secretary = cell
    login(client, secretary)
    data = {
        "ids": [str(people["an"].id)],
        "stage": "trained",
        "event_date": "10/01/2025",
        "document_no": "GCN-15/2025",
        "back": "/candidates/?q=van",
        "submission_token": "one-use-token-of-the-list-form",
    }
    sent = client.post("/candidates/bulk", data=data)
    assert sent.status_code == 302
    result_url = sent.headers["Location"]
    assert result_url.startswith("/candidates/bulk/result?t=")

    first = client.get(result_url).get_data(as_text=True)
    refreshed = client.get(result_url).get_data(as_text=True)
    resent = client.post("/candidates/bulk", data=data, follow_redirects=True)

    for html in (first, refreshed, resent.get_data(as_text=True)):
        assert "Đã ghi nhận cho <strong>1</strong> người" in html and "Nguyễn Văn An" in html
    assert resent.request.full_path == result_url
    db.session.expire_all()
    assert len(events(db.session.get(Candidate, people["an"].id), "trained")) == 1
    recorded = select(AuditLog).where(AuditLog.action == "bulk_stage")
    assert len(db.session.scalars(recorded).all()) == 1


def test_a_result_page_is_only_for_the_user_who_recorded(cell, client):
    people, secretary = cell
    login(client, secretary)
    result_url = post_bulk(client, [people["an"].id]).request.full_path
    client.post("/logout")
    login(client, UserFactory(role="admin"))
    assert client.get(result_url).status_code == 404
