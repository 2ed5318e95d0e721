"""Reporting rounds: opening, sending, returning, approving, unlocking (each audited and
shown as history), lateness in working days, the to-do count, and who sees what."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditLog, ReportingRound, Submission
from registry.services.rounds.rounds import reporter_statuses
from tests.integration.rounds_world import (
    build_world,
    latest,
    open_round,
    review,
    send,
    sign_in,
)


@pytest.fixture
def world(ctx):
    return build_world()


def audit_of(entity: str, entity_id: int) -> list[AuditLog]:
    db.session.expire_all()
    stmt = select(AuditLog).where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
    return list(db.session.scalars(stmt.order_by(AuditLog.id)))


def nav_count(client) -> str | None:
    page = client.get("/rounds/").text
    marker = 'data-testid="nav-count"'
    if marker not in page:
        return None
    return page.split(marker, 1)[1].split(">", 1)[1].split("<", 1)[0].strip()


def test_sở_nội_vụ_opens_a_round_listed_with_its_state_and_audited(client, world):
    round_ = open_round(client, world)
    assert (round_.period_from, round_.period_to) == (date(2025, 1, 1), date(2025, 6, 30))
    assert round_.report_codes == ("students",) and round_.deadline == date(2025, 7, 15)
    assert {r.organisation_id for r in round_.reporters} == {
        world["a"]["org"].id,
        world["b"]["org"].id,
    }
    page = client.get("/rounds/").text
    assert "01/01/2025 – 30/06/2025" in page and "Quá hạn" in page and "0/2 đã duyệt" in page
    (entry,) = audit_of("reporting_round", round_.id)
    assert entry.action == "open_round" and entry.after["reports"] == "students"
    assert sorted(entry.after["reporters"]) == sorted([world["a"]["org"].id, world["b"]["org"].id])


def test_only_a_province_level_organisation_opens_rounds(client, world):
    sign_in(client, world["a"]["officer"])
    assert client.get("/rounds/new").status_code == 403
    sign_in(client, world["admin"])
    page = client.get("/rounds/new")
    assert page.status_code == 200 and "chưa thuộc cơ quan nào như vậy" in page.text
    assert client.post("/rounds/new", data={}).status_code == 403
    assert db.session.scalar(select(ReportingRound.id)) is None


def test_a_round_needs_reports_reporters_and_a_deadline(client, world):
    sign_in(client, world["home_affairs"])
    response = client.post("/rounds/new", data={"preset": "half", "year": "2025"})
    assert response.status_code == 422
    for message in (
        "Hãy chọn ít nhất một báo cáo.",
        "Hãy chọn ít nhất một cơ quan, tổ chức phải báo cáo.",
    ):
        assert message in response.text
    own = str(world["snv"].id)  # a round is not sent to its own opener
    response = client.post(
        "/rounds/new",
        data={"preset": "half", "year": "2025", "reports": ["students"], "reporters": [own],
              "deadline": "15/07/2025"},
    )  # fmt: skip
    assert response.status_code == 422
    assert db.session.scalar(select(ReportingRound.id)) is None


def test_the_reporter_sees_its_to_do_and_sends_exactly_what_the_data_says(client, world):
    round_ = open_round(client, world)
    officer = world["a"]["officer"]
    sign_in(client, officer)
    home = client.get("/").text
    assert 'data-testid="rounds-to-do"' in home and "hạn 15/07/2025" in home
    assert nav_count(client) == "1"
    submission = send(client, officer, round_, comment="Số liệu đã rà soát.")
    assert (submission.state, submission.comment) == ("submitted", "Số liệu đã rà soát.")
    assert submission.submitted_by_id == officer.id and submission.area_id == world["a"]["area"].id
    (kept,) = submission.reports
    rows = [r for g in kept.figures["groups"] for r in g["rows"]]
    assert {r["name"]: r["trained"] for r in rows} == {"Trường THPT A": 1}
    download = client.get(
        f"/rounds/{round_.id}/submissions/{submission.id}/workbook?report=students"
    )
    assert download.status_code == 200 and download.data == kept.workbook
    assert nav_count(client) is None
    assert 'data-testid="rounds-to-do"' not in client.get("/").text
    (entry,) = [e for e in audit_of("submission", submission.id) if e.action == "submit"]
    assert entry.after["comment"] == "Số liệu đã rà soát." and entry.after["reports"] == [
        "students"
    ]
    # Waiting for review: it cannot be sent again.
    response = client.post(f"/rounds/{round_.id}/send", data={"comment": ""})
    assert response.status_code == 422 and "đang chờ duyệt" in response.text


def test_return_with_a_reason_then_resubmit_then_approve_each_step_audited(client, world):
    round_ = open_round(client, world)
    officer = world["a"]["officer"]
    first = send(client, officer, round_)
    response = review(client, world, first, "return")
    assert response.status_code == 422 and "Hãy ghi lý do trả lại." in response.text
    assert latest(round_, officer.organisation_id).state == "submitted"
    response = review(client, world, first, "return", "Thiếu số liệu trường THPT A.")
    assert response.status_code == 302
    assert latest(round_, officer.organisation_id).state == "returned"
    sign_in(client, officer)
    page = client.get(f"/rounds/{round_.id}").text
    assert "Bị trả lại: Thiếu số liệu trường THPT A." in page
    assert nav_count(client) == "1"
    second = send(client, officer, round_, comment="Đã bổ sung.")
    assert second.id != first.id and second.state == "submitted"
    assert review(client, world, second, "approve").status_code == 302
    assert latest(round_, officer.organisation_id).state == "approved"
    first_log = [(e.action, e.after.get("reason")) for e in audit_of("submission", first.id)]
    assert first_log == [("submit", None), ("return", "Thiếu số liệu trường THPT A.")]
    second_log = [e.action for e in audit_of("submission", second.id)]
    assert second_log == ["submit", "approve"]
    assert audit_of("submission", second.id)[0].after["resubmission"] is True
    page = client.get(f"/rounds/{round_.id}").text
    history = page.split('data-testid="history-', 1)[1]
    for text in ("Nộp báo cáo (lần nộp số", "Trả lại", "Lý do: Thiếu số liệu", "Duyệt"):
        assert text in history
    assert "Đã duyệt" in page


def test_an_admin_unlocks_with_a_reason_and_the_approval_is_superseded(client, world):
    round_ = open_round(client, world)
    officer = world["a"]["officer"]
    submission = send(client, officer, round_)
    review(client, world, submission, "approve")
    sign_in(client, world["home_affairs"])
    url = f"/rounds/{round_.id}/submissions/{submission.id}/unlock"
    assert client.post(url, data={"reason": "Sai"}).status_code == 403
    response = review(client, world, submission, "unlock")
    assert response.status_code == 422 and "Hãy ghi lý do mở khóa." in response.text
    assert review(client, world, submission, "unlock", "Sửa ngày kết nạp.").status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).state == "superseded"
    (entry,) = [e for e in audit_of("submission", submission.id) if e.action == "unlock"]
    assert entry.before == {"state": "approved"} and entry.after["reason"] == "Sửa ngày kết nạp."
    sign_in(client, officer)
    assert nav_count(client) == "1"  # to send again
    page = client.get(f"/rounds/{round_.id}").text
    assert "Mở khóa số liệu" in page and "Lý do: Sửa ngày kết nạp." in page


def test_lateness_counts_working_days_past_the_deadline_without_holidays(client, world):
    # Deadline Friday 29/08/2025; on Thursday 04/09 two working days have passed: the
    # weekend and the National Day holidays (1 and 2 September) do not count.
    round_ = open_round(client, world, deadline="29/08/2025")
    statuses = reporter_statuses(db.session, world["home_affairs"], round_, date(2025, 9, 4))
    assert [(s.organisation.name, s.state, s.late_days) for s in statuses] == [
        ("UBND Phường A", "not_submitted", 2),
        ("UBND Phường B", "not_submitted", 2),
    ]
    on_time = reporter_statuses(db.session, world["home_affairs"], round_, date(2025, 8, 29))
    assert [s.late_days for s in on_time] == [0, 0]


def test_the_late_list_names_who_has_not_sent(client, world):
    round_ = open_round(client, world, deadline="15/07/2025")
    send(client, world["a"]["officer"], round_)
    sign_in(client, world["home_affairs"])
    page = client.get("/rounds/late").text
    assert "UBND Phường B" in page and "UBND Phường A" not in page


def test_another_organisations_round_or_submission_answers_404(client, world):
    round_ = open_round(client, world, reporters=[world["a"]["org"]])
    submission = send(client, world["a"]["officer"], round_)
    shared = open_round(client, world)
    in_shared = send(client, world["a"]["officer"], shared)
    sign_in(client, world["b"]["officer"])
    assert client.get(f"/rounds/{round_.id}").status_code == 404
    assert client.post(f"/rounds/{round_.id}/send", data={}).status_code == 404
    workbook = f"/rounds/{shared.id}/submissions/{in_shared.id}/workbook?report=students"
    assert client.get(workbook).status_code == 404
    page = client.get(f"/rounds/{shared.id}").text
    assert "UBND Phường A" not in page  # a reporter sees its own line only
    assert client.get("/rounds/").text.count("/rounds/") >= 1
    sign_in(client, world["finance"])  # another province organisation
    assert client.get(f"/rounds/{round_.id}").status_code == 404
    approve = f"/rounds/{round_.id}/submissions/{submission.id}/approve"
    assert client.post(approve).status_code == 404
    assert client.get(f"/rounds/{round_.id}/consolidated").status_code == 404
    sign_in(client, world["a"]["officer"])
    assert client.post(approve).status_code == 403
    # A submission of one round is not reached through another round's address.
    other = f"/rounds/{shared.id}/submissions/{submission.id}/workbook?report=students"
    assert client.get(other).status_code == 404
    assert latest(round_, world["a"]["org"].id).state == "submitted"


def test_the_consolidated_workbook_adds_up_the_approved_submissions(client, world):
    round_ = open_round(client, world, reporters=[world["a"]["org"], world["b"]["org"],
                                                 world["c_org"]])  # fmt: skip
    for ward in ("a", "b"):
        submission = send(client, world[ward]["officer"], round_)
        review(client, world, submission, "approve")
    sign_in(client, world["home_affairs"])
    response = client.get(f"/rounds/{round_.id}/consolidated")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    sheet = book["Học sinh, sinh viên"]
    header = [c.value for c in sheet[5]]
    trained = header.index("Đã học lớp nhận thức trong kỳ")
    rows = {r[1]: r for r in sheet.iter_rows(min_row=7, values_only=True) if r[1]}
    assert rows["UBND Phường A"][trained] == 1 and rows["UBND Phường B"][trained] == 2
    total = rows["Tổng cộng (các báo cáo đã duyệt)"]
    assert total[trained] == 3 and total[trained + 1] == 3  # sent, and live beside it
    missing = [r[1] for r in book["Chưa báo cáo"].iter_rows(min_row=6, values_only=True)]
    assert missing == ["Đảng ủy Phường C"]
    assert [e.after for e in audit_of("reporting_round", round_.id) if e.action == "export"]


def test_who_opens_rounds_is_a_setting_of_the_organisations(client, world):
    sign_in(client, world["admin"])
    snv, ward = world["snv"], world["a"]["org"]
    for organisation, choice in ((snv, "no"), (ward, "yes")):
        response = client.post(
            f"/admin/organisations/{organisation.id}",
            data={"code": organisation.code, "name": organisation.name, "style": "state",
                  "area_id": str(organisation.area_id or ""), "active": "y",
                  "opens_rounds": choice},
        )  # fmt: skip
        assert response.status_code == 302, response.text[-1500:]
    page = client.get(f"/admin/organisations/{ward.id}").text
    assert '<option selected value="yes">' in page
    sign_in(client, world["home_affairs"])
    assert "chưa thuộc cơ quan nào như vậy" in client.get("/rounds/new").text
    sign_in(client, world["a"]["officer"])
    assert client.get("/rounds/new").status_code == 403  # an officer's role opens none
    entry = audit_of("organisation", ward.id)[-1]
    assert entry.after == {"opens_rounds": True}
