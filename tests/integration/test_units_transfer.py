"""A candidate moves to another unit and cell; every past event keeps its unit and cell."""

from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditLog, Candidate, StageEvent
from registry.services.org.units import UnitError, transfer_candidate
from tests.factories import login
from tests.integration.units_world import build_world


@pytest.fixture
def world(ctx):
    w = build_world()
    student = w["candidates"]["a"]
    db.session.add(
        StageEvent(
            candidate=student,
            stage="trained",
            event_date=date(2025, 3, 1),
            unit_id=student.unit_id,
            cell_id=student.cell_id,
        )
    )
    student.stage, student.trained_date = "trained", date(2025, 3, 1)
    db.session.commit()
    return w


def _events(candidate_id):
    return [
        (e.stage, e.event_date, e.unit_id, e.cell_id)
        for e in db.session.scalars(
            select(StageEvent)
            .where(StageEvent.candidate_id == candidate_id)
            .order_by(StageEvent.id)
        )
    ]


def test_student_who_joins_an_enterprise_keeps_every_stage_event(world):
    student = world["candidates"]["a"]
    school, firm = world["units"]["school_a"], world["units"]["firm_a"]
    history = _events(student.id)
    assert {h[2] for h in history} == {school.id}
    transfer_candidate(db.session, world["users"]["district"], student, firm)
    db.session.commit()
    db.session.expire_all()
    moved = db.session.get(Candidate, student.id)
    assert moved.unit_id == firm.id and moved.cell_id == firm.cell_id
    assert (moved.group_code, moved.subgroup) == ("worker", "cong_nhan")
    assert moved.trained_date == date(2025, 3, 1)
    assert _events(student.id) == history
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "transfer"))
    assert entry.entity == "candidate" and entry.entity_id == student.id
    assert entry.before["unit_id"] == school.id and entry.after["unit_id"] == firm.id


def test_the_scope_must_hold_both_ends(world):
    student = world["candidates"]["a"]
    with pytest.raises(UnitError, match="ngoài phạm vi"):
        transfer_candidate(
            db.session, world["users"]["district"], student, world["units"]["firm_b"]
        )
    with pytest.raises(UnitError, match="ngoài phạm vi"):
        transfer_candidate(
            db.session, world["users"]["commune_b"], student, world["units"]["firm_b"]
        )
    db.session.rollback()
    # An admin's scope holds every end.
    transfer_candidate(db.session, world["users"]["admin"], student, world["units"]["firm_b"])
    assert student.cell_id == world["cells"]["b"].id


def test_transfer_page_moves_and_shows_the_history_of_that_time(world, client):
    login(client, world["users"]["district"])
    student = world["candidates"]["a"]
    firm_a = world["units"]["firm_a"]
    response = client.post(
        f"/units/transfer/{student.id}", data={"unit_id": firm_a.id}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Lịch sử các giai đoạn được giữ nguyên" in page
    assert "Trường THPT An" in page  # the unit of the past events, still shown
    db.session.expire_all()
    assert db.session.get(Candidate, student.id).unit_id == firm_a.id


def test_transfer_page_refuses_a_destination_out_of_scope(world, client):
    login(client, world["users"]["district"])
    student = world["candidates"]["a"]
    response = client.post(
        f"/units/transfer/{student.id}", data={"unit_id": world["units"]["firm_b"].id}
    )
    assert "không hợp lệ hoặc nằm ngoài phạm vi" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Candidate, student.id).unit_id == world["units"]["school_a"].id


def test_province_users_cannot_transfer(world, client):
    login(client, world["users"]["province"])
    assert client.get(f"/units/transfer/{world['candidates']['a'].id}").status_code == 403
