"""Reporting rounds through the API: the rounds in the caller's scope, sending, the
opener's return with a reason and approval, a report as it was sent; the web's rules,
messages (with codes), permissions and audit entries."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.domain.periods import first_half
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import ApiToken, AuditLog, ReportingRound, Submission
from registry.services.accounts import tokens
from registry.services.rounds.rounds import open_round
from tests.factories import UserFactory
from tests.integration.api.conftest import Api, error_of
from tests.integration.rounds_world import build_world


@pytest.fixture
def rw(ctx):
    return build_world()


@pytest.fixture
def as_(client, token_for):
    """as_(user, write=True): the API called with a token of that user."""
    return lambda user, write=True: Api(client, token_for(user, write))


def _open(rw, reporters=None) -> ReportingRound:
    """Sở Nội vụ's round for the first half of 2025, students, due 15/07/2025."""
    orgs = reporters or [rw["a"]["org"], rw["b"]["org"]]
    round_ = open_round(
        db.session(), rw["home_affairs"], first_half(2025), ["students"],
        [o.id for o in orgs], date(2025, 7, 15),
    )  # fmt: skip
    db.session.commit()
    return round_


def _audit(action: str, entity: str = "submission") -> list[AuditLog]:
    db.session.expire_all()
    stmt = select(AuditLog).where(AuditLog.action == action, AuditLog.entity == entity)
    return list(db.session.scalars(stmt.order_by(AuditLog.id)))


def test_a_reporter_sees_its_round_and_its_own_line_only(rw, as_):
    round_ = _open(rw)
    body = as_(rw["a"]["officer"]).get("/rounds").get_json()
    (listed,) = body["items"]
    assert listed["id"] == round_.id
    assert listed["period"] == {
        "from": "2025-01-01",
        "to": "2025-06-30",
        "label": round_.period_label,
    }
    assert listed["reports"] == ["students"] and listed["deadline"] == "2025-07-15"
    assert listed["organisation"]["name"] == "Sở Nội vụ"
    assert [r["organisation"]["name"] for r in listed["reporters"]] == ["UBND Phường A"]
    assert listed["reporters"][0]["state"] == "not_submitted"
    assert listed["to_send"] == ["students"]
    opener = as_(rw["home_affairs"]).get(f"/rounds/{round_.id}").get_json()
    assert [r["organisation"]["name"] for r in opener["reporters"]] == [
        "UBND Phường A", "UBND Phường B",
    ]  # fmt: skip
    assert opener["to_send"] == [] and opener["state"] in ("open", "late")


def test_send_return_with_a_reason_send_again_and_approve_each_audited(rw, as_):
    round_ = _open(rw)
    officer, opener = as_(rw["a"]["officer"]), as_(rw["home_affairs"])
    sent = officer.post(f"/rounds/{round_.id}/submissions", json={"comment": "Kèm văn bản."})
    assert sent.status_code == 201, sent.get_json()
    first = sent.get_json()
    assert sent.headers["Location"].endswith(f"/rounds/{round_.id}/submissions/{first['id']}")
    assert (first["state"], first["comment"], first["organisation"]["name"]) == (
        "submitted", "Kèm văn bản.", "UBND Phường A",
    )  # fmt: skip
    (students,) = first["reports"]
    assert students["report"] == "students" and students["totals"]["trained"] == 1
    assert [s["action"] for s in first["steps"]] == ["submit"]

    path = f"/rounds/{round_.id}/submissions/{first['id']}"
    for body in ({"reason": "  "}, {}):
        refused = opener.post(f"{path}/return", json=body)
        assert refused.status_code == 422
        assert error_of(refused)["fields"] == [
            {"field": "reason", "code": "required", "message": "Hãy ghi lý do trả lại."}
        ]
    returned = opener.post(f"{path}/return", json={"reason": "Thiếu số liệu trường THPT A."})
    assert returned.status_code == 200
    assert returned.get_json()["state"] == "returned"
    assert returned.get_json()["reason"] == "Thiếu số liệu trường THPT A."

    again = officer.post(f"/rounds/{round_.id}/submissions", json={}).get_json()
    assert again["id"] != first["id"] and again["state"] == "submitted"
    approved = opener.post(f"/rounds/{round_.id}/submissions/{again['id']}/approve")
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    assert [s["action"] for s in approved.get_json()["steps"]] == ["submit", "approve"]

    assert [(e.entity_id, e.actor) for e in _audit("submit")] == [
        (first["id"], "canboa"), (again["id"], "canboa"),
    ]  # fmt: skip
    assert [e.after["reason"] for e in _audit("return")] == ["Thiếu số liệu trường THPT A."]
    assert [(e.entity_id, e.actor) for e in _audit("approve")] == [(again["id"], "sonoivu")]
    listed = opener.get(f"/rounds/{round_.id}/submissions").get_json()["items"]
    assert [(s["id"], s["state"]) for s in listed] == [
        (first["id"], "returned"), (again["id"], "approved"),
    ]  # fmt: skip


def test_refused_steps_answer_422_with_the_webs_message_and_a_code(rw, as_):
    round_ = _open(rw)
    officer, opener = as_(rw["a"]["officer"]), as_(rw["home_affairs"])
    first = officer.post(f"/rounds/{round_.id}/submissions", json={}).get_json()
    waiting = [
        (officer, f"/rounds/{round_.id}/submissions", "awaiting_review",
         "Báo cáo đã nộp đang chờ duyệt; chỉ nộp lại khi bị trả lại."),
        (opener, f"/rounds/{round_.id}/submissions", "not_a_reporter",
         "Cơ quan của bạn không phải báo cáo trong đợt này."),
    ]  # fmt: skip
    approved = [
        (officer, f"/rounds/{round_.id}/submissions", "already_approved",
         "Báo cáo đã được duyệt."),
        (opener, f"/rounds/{round_.id}/submissions/{first['id']}/approve",
         "not_awaiting_review", "Báo cáo này không còn chờ duyệt."),
    ]  # fmt: skip
    for cases in (waiting, approved):
        for caller, path, code, message in cases:
            response = caller.post(path, json={})
            assert response.status_code == 422, (path, response.get_json())
            assert error_of(response) == {"code": code, "message": message, "fields": []}
        opener.post(f"/rounds/{round_.id}/submissions/{first['id']}/approve")
    too_long = officer.post(f"/rounds/{round_.id}/submissions", json={"comment": "x" * 2001})
    assert error_of(too_long)["fields"][0]["code"] == "too_long"
    refused = [e for e in _audit("api", "api_token") if e.after.get("refused")]
    assert {e.after["refused"] for e in refused} >= {"awaiting_review", "already_approved"}


def test_a_submissions_workbook_downloads_as_sent_and_is_logged(rw, as_):
    round_ = _open(rw)
    officer = as_(rw["a"]["officer"])
    sent = officer.post(f"/rounds/{round_.id}/submissions", json={}).get_json()
    path = f"/rounds/{round_.id}/submissions/{sent['id']}/workbook"
    response = as_(rw["home_affairs"]).get(f"{path}?report=students")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.data)).worksheets[0]
    assert any(c == "Trường THPT A" for row in sheet.iter_rows(values_only=True) for c in row)
    (logged,) = _audit("export")
    assert (logged.actor, logged.entity_id, logged.after) == (
        "sonoivu", sent["id"], {"report": "students", "round_id": round_.id},
    )  # fmt: skip
    assert officer.get(f"{path}?report=workers").status_code == 404  # not asked, not sent
    missing = officer.get(path)
    assert missing.status_code == 422 and error_of(missing)["fields"][0]["field"] == "report"


def test_another_organisations_round_or_submission_answers_404(rw, as_):
    only_a = _open(rw, reporters=[rw["a"]["org"]])
    shared = _open(rw)
    officer_a = as_(rw["a"]["officer"])
    in_only_a = officer_a.post(f"/rounds/{only_a.id}/submissions", json={}).get_json()
    officer_b, finance = as_(rw["b"]["officer"]), as_(rw["finance"])
    assert [r["id"] for r in officer_b.get("/rounds").get_json()["items"]] == [shared.id]
    submission = f"/rounds/{only_a.id}/submissions/{in_only_a['id']}"
    for caller in (officer_b, finance):
        for response in (
            caller.get(f"/rounds/{only_a.id}"),
            caller.get(f"/rounds/{only_a.id}/submissions"),
            caller.post(f"/rounds/{only_a.id}/submissions", json={}),
            caller.get(submission),
            caller.get(f"{submission}/workbook?report=students"),
            caller.post(f"{submission}/approve"),
            caller.post(f"{submission}/return", json={"reason": "Sai"}),
        ):
            assert response.status_code == 404
            assert error_of(response)["code"] == "not_found"
    # A submission is reached only under its own round's address.
    elsewhere = f"/rounds/{shared.id}/submissions/{in_only_a['id']}"
    assert officer_a.get(elsewhere).status_code == 404
    assert as_(rw["home_affairs"]).post(f"{elsewhere}/approve").status_code == 404
    assert officer_b.get(f"/rounds/{shared.id}/submissions").get_json() == {"items": []}
    db.session.expire_all()
    assert db.session.get(Submission, in_only_a["id"]).state == "submitted"


def test_only_the_opener_reviews_and_only_reporters_and_officers_use_rounds(rw, as_):
    round_ = _open(rw)
    sent = as_(rw["a"]["officer"]).post(f"/rounds/{round_.id}/submissions", json={}).get_json()
    approve = f"/rounds/{round_.id}/submissions/{sent['id']}/approve"
    refused = as_(rw["a"]["officer"]).post(approve)
    assert refused.status_code == 403 and error_of(refused)["code"] == "forbidden"
    secretary = as_(rw["a"]["secretary"])
    assert secretary.get("/rounds").status_code == 403
    service = UserFactory(role="api", area=rw["a"]["area"], organisation=rw["a"]["org"])
    db.session.commit()
    assert as_(service).get("/rounds").status_code == 403
    assert as_(service).post(f"/rounds/{round_.id}/submissions", json={}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Submission, sent["id"]).state == "submitted"


def test_a_read_only_token_reads_rounds_but_may_not_send_or_review(rw, as_):
    round_ = _open(rw)
    reader = as_(rw["a"]["officer"], write=False)
    assert reader.get(f"/rounds/{round_.id}").status_code == 200
    refused = reader.post(f"/rounds/{round_.id}/submissions", json={})
    assert refused.status_code == 403 and error_of(refused)["code"] == "read_only_token"
    sent = as_(rw["a"]["officer"]).post(f"/rounds/{round_.id}/submissions", json={}).get_json()
    opener = as_(rw["home_affairs"], write=False)
    path = f"/rounds/{round_.id}/submissions/{sent['id']}"
    for response in (
        opener.post(f"{path}/approve"),
        opener.post(f"{path}/return", json={"reason": "Sai"}),
    ):
        assert response.status_code == 403 and error_of(response)["code"] == "read_only_token"
    db.session.expire_all()
    assert db.session.get(Submission, sent["id"]).state == "submitted"
    assert len(db.session.scalars(select(Submission)).all()) == 1


def test_a_revoked_or_expired_token_answers_401_on_rounds(rw, client, token_for):
    round_ = _open(rw)
    officer = rw["a"]["officer"]
    revoked, expired = token_for(officer), token_for(officer)
    first, second = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    tokens.revoke(db.session(), officer, first)
    second.expires_on = today_vn() - timedelta(days=1)
    db.session.commit()
    for secret, code in ((revoked, "revoked_token"), (expired, "expired_token")):
        for response in (
            Api(client, secret).get("/rounds"),
            Api(client, secret).post(f"/rounds/{round_.id}/submissions", json={}),
        ):
            assert response.status_code == 401 and error_of(response)["code"] == code
    assert db.session.scalars(select(Submission)).all() == []


def test_rounds_calls_count_towards_the_rate_limit(rw, as_, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    round_ = _open(rw)
    officer = as_(rw["a"]["officer"])
    assert officer.get("/rounds").status_code == 200
    assert officer.get(f"/rounds/{round_.id}").status_code == 200
    response = officer.post(f"/rounds/{round_.id}/submissions", json={})
    assert response.status_code == 429 and error_of(response)["code"] == "rate_limited"
    assert db.session.scalars(select(Submission)).all() == []
