"""The lock of an approved submission: stage events dated in the period, for the units
the reports covered, cannot be recorded (form and bulk), corrected, undone or imported,
until an admin unlocks; other groups, other wards and other dates stay open."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Candidate, StageEvent
from registry.services.rounds.locks import LOCKED_PERIOD, PeriodLocked, check_unlocked
from tests.fixtures.sheets import xlsx_bytes
from tests.integration.import_world import person, sheet
from tests.integration.rounds_world import build_world, open_round, review, send, sign_in

LOCKED = "đã được chốt"


@pytest.fixture
def world(ctx):
    world = build_world()
    return world


@pytest.fixture
def locked(client, world):
    """Ward A's students' report for the first half of 2025 is approved."""
    round_ = open_round(client, world)
    submission = send(client, world["a"]["officer"], round_)
    assert review(client, world, submission, "approve").status_code == 302
    return submission


def stages_of(candidate) -> list[tuple[str, date]]:
    db.session.expire_all()
    stmt = select(StageEvent.stage, StageEvent.event_date).where(
        StageEvent.candidate_id == candidate.id
    )
    return sorted(db.session.execute(stmt).tuples(), key=lambda e: e[1])


def post_stage(client, candidate, stage, when):
    return client.post(
        f"/candidates/{candidate.id}/stages", data={"stage": stage, "event_date": when}
    )


def test_the_stage_form_refuses_a_date_inside_and_says_why(client, world, locked):
    student = world["a"]["students"][0]
    sign_in(client, world["a"]["secretary"])
    response = post_stage(client, student, "cell_resolution", "10/05/2025")
    assert response.status_code == 422
    assert LOCKED in response.text and "UBND Phường A" in response.text
    assert ("cell_resolution", date(2025, 5, 10)) not in stages_of(student)
    # After the period, the same step is recorded.
    assert post_stage(client, student, "cell_resolution", "10/07/2025").status_code == 302
    assert ("cell_resolution", date(2025, 7, 10)) in stages_of(student)


def test_the_lock_covers_only_the_reporters_scope_and_the_reports_groups(client, world, locked):
    # Ward B has not been approved; ward A's worker is outside the students' report.
    sign_in(client, world["b"]["secretary"])
    b_student = world["b"]["students"][0]
    assert post_stage(client, b_student, "cell_resolution", "10/05/2025").status_code == 302
    sign_in(client, world["a"]["secretary"])
    worker = world["a"]["worker"]
    assert post_stage(client, worker, "cell_resolution", "10/05/2025").status_code == 302


def test_bulk_recording_refuses_each_locked_candidate_with_the_reason(client, world, locked):
    sign_in(client, world["admin"])
    a_student, b_student = world["a"]["students"][0], world["b"]["students"][0]
    response = client.post(
        "/candidates/bulk",
        data={
            "ids": [str(a_student.id), str(b_student.id)],
            "stage": "cell_resolution",
            "event_date": "10/05/2025",
            "back": "/candidates/",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert LOCKED in response.text and "Đã ghi nhận cho <strong>1</strong> người" in response.text
    assert ("cell_resolution", date(2025, 5, 10)) not in stages_of(a_student)
    assert ("cell_resolution", date(2025, 5, 10)) in stages_of(b_student)


def test_a_correction_into_or_out_of_the_period_and_an_undo_are_refused(client, world, locked):
    student = world["a"]["students"][0]
    trained = db.session.scalars(
        select(StageEvent).where(
            StageEvent.candidate_id == student.id, StageEvent.stage == "trained"
        )
    ).one()
    sign_in(client, world["admin"])
    url = f"/candidates/{student.id}/events/{trained.id}"
    key = f"e{trained.id}-"
    response = client.post(url, data={key + "event_date": "10/07/2025", key + "document_no": "X"})
    assert response.status_code == 422 and LOCKED in response.text
    response = client.post(f"/candidates/{student.id}/events/undo", follow_redirects=True)
    assert LOCKED in response.text
    assert ("trained", date(2025, 3, 1)) in stages_of(student)


def _import(runner, tmp_path, rows, *args):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_bytes(sheet(rows)))
    result = runner.invoke(args=["import-candidates", str(path), *args, "--json"])
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


def test_the_import_refuses_each_locked_row_with_its_code(runner, tmp_path, world, locked):
    rows = [
        person(1, "THPT-A", source_date=date(2024, 9, 5), trained_date=date(2025, 4, 1)),
        person(2, "DN-A", source_date=date(2024, 9, 5), trained_date=date(2025, 4, 1),
               birth_date=date(1999, 1, 3), group="Công nhân"),
        person(3, "THPT-B", source_date=date(2024, 9, 5), trained_date=date(2025, 4, 1)),
        person(4, "THPT-A", source_date=date(2024, 9, 5), trained_date=date(2025, 8, 1)),
    ]  # fmt: skip
    rows[1]["id_number"] = None
    code, report = _import(runner, tmp_path, rows, "--commit")
    assert code == 1
    locked_rows = [(e["row"], e["column"]) for e in report["errors"] if e["code"] == LOCKED_PERIOD]
    assert locked_rows == [(2, "trained_date")]
    (error,) = report["errors"]
    assert LOCKED in error["message"]
    assert db.session.scalar(select(Candidate.id).where(Candidate.full_name.like("%Thử%"))) is None
    # Without the locked row the rest is written.
    code, report = _import(runner, tmp_path, rows[1:], "--commit")
    assert code == 0 and report["new"] == 3


def test_an_update_adding_a_locked_event_is_refused_too(runner, tmp_path, world, locked):
    student = world["a"]["students"][0]
    row = {
        "full_name": student.full_name,
        "birth_date": student.birth_date,
        "gender": "Nam",
        "unit_code": "THPT-A",
        "id_number": student.id_number,
        "cell_resolution_date": date(2025, 5, 10),
    }
    code, report = _import(runner, tmp_path, [row])
    assert code == 1
    assert [(e["column"], e["code"]) for e in report["errors"]] == [
        ("cell_resolution_date", LOCKED_PERIOD)
    ]


def test_an_admins_unlock_lifts_the_lock(client, world, locked):
    student = world["a"]["students"][0]
    assert review(client, world, locked, "unlock", "Bổ sung nghị quyết chi bộ.").status_code == 302
    sign_in(client, world["a"]["secretary"])
    assert post_stage(client, student, "cell_resolution", "10/05/2025").status_code == 302
    assert ("cell_resolution", date(2025, 5, 10)) in stages_of(student)


def test_the_one_check_names_its_code_for_any_caller(world, client, locked):
    student = world["a"]["students"][0]
    with pytest.raises(PeriodLocked) as refused:
        check_unlocked(db.session, student, None, date(2025, 6, 30))
    assert refused.value.code == "locked_period" and LOCKED in str(refused.value)
    check_unlocked(db.session, student, None, date(2025, 7, 1))
    check_unlocked(db.session, world["b"]["school"], "thpt", date(2025, 6, 30))
    check_unlocked(db.session, world["a"]["firm"], "cong_nhan", date(2025, 6, 30))


def test_rolling_back_an_import_with_events_in_a_locked_period_is_refused(
    client, runner, tmp_path, world
):
    from registry.models import ImportBatch
    from registry.services.imports.rollback import RollbackRefused, rollback_batch

    row = person(1, "THPT-A", source_date=date(2024, 9, 5), trained_date=date(2025, 4, 1))
    code, _report = _import(runner, tmp_path, [row], "--commit")
    assert code == 0
    round_ = open_round(client, world)
    submission = send(client, world["a"]["officer"], round_)
    review(client, world, submission, "approve")
    db.session.expire_all()
    batch = db.session.scalars(select(ImportBatch)).one()
    with pytest.raises(RollbackRefused) as refused:
        rollback_batch(db.session, None, batch)
    assert LOCKED in str(refused.value)
    db.session.rollback()
    review(client, world, submission, "unlock", "Nhập nhầm tệp.")
    db.session.expire_all()
    batch = db.session.scalars(select(ImportBatch)).one()
    assert rollback_batch(db.session, None, batch)["removed"] == 1
