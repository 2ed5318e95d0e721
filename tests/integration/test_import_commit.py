"""Committing over stored records: updates, history kept, all or nothing, rollback, lock."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditLog, Candidate, ImportBatch, ImportChange, StageEvent, User
from registry.services.candidates.edit import update_candidate
from registry.services.candidates.stages import record_stage
from registry.services.imports import batches, writer
from registry.services.imports import candidate_import as importer
from registry.services.imports.rollback import RollbackRefused, rollback_batch
from registry.services.imports.writer import lock_imports
from tests.fixtures.sheets import xlsx_bytes
from tests.integration.import_world import (
    build_world,
    cccd,
    cli_json,
    codes,
    dump,
    person,
    sheet,
    stored_candidate,
)

HISTORY = ("candidate", "stage_event")


@pytest.fixture
def world(ctx):
    return build_world()


def run(runner, tmp_path, rows, *args, name="ds.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(sheet(rows)))
    return cli_json(runner, path, *args)


def events_of(candidate_id: int) -> list[tuple]:
    stmt = (
        select(StageEvent.stage, StageEvent.event_date)
        .where(StageEvent.candidate_id == candidate_id)
        .order_by(StageEvent.event_date, StageEvent.sequence)
    )
    return list(db.session.execute(stmt).tuples())


def stored_person(world, n: int = 1, **fields) -> Candidate:
    row = person(n)
    return stored_candidate(
        world["units"]["school_a"],
        full_name=row["full_name"],
        birth_date=row["birth_date"],
        gender="F",
        id_number=row["id_number"],
        hometown="Lào Cai",
        note="Ghi chú cũ",
        **fields,
    )


def test_update_keeps_what_blank_cells_leave_and_adds_new_stages(world, runner, tmp_path):
    stored = stored_person(world)
    row = person(1, note=None, hometown=None, class_or_job="12A2", trained_date="10/10/2024",
                 certificate_no="GCN-7")  # fmt: skip
    code, report = run(runner, tmp_path, [row], "--commit")
    assert code == 0 and (report["updated"], report["new"]) == (1, 0), report
    db.session.expire_all()
    assert (stored.note, stored.hometown, stored.class_or_job) == ("Ghi chú cũ", "Lào Cai", "12A2")
    assert (stored.stage, stored.trained_date, stored.certificate_no) == (
        "trained",
        date(2024, 10, 10),
        "GCN-7",
    )
    assert events_of(stored.id) == [("source", date(2024, 9, 5)), ("trained", date(2024, 10, 10))]
    change = db.session.scalar(select(ImportChange))
    assert change.action == "updated" and change.candidate_id == stored.id
    assert change.before["class_or_job"] is None and change.before["stage"] == "source"
    assert "note" not in change.before


def test_match_without_cccd_by_name_key_birth_date_and_unit(world, runner, tmp_path):
    stored = stored_candidate(
        world["units"]["school_a"], full_name="Lò Thị Hòa", birth_date=date(2005, 6, 1)
    )
    row = {"full_name": "Lò Thị Hoà", "birth_date": date(2005, 6, 1), "gender": "Nữ",
           "unit_code": "THPT-A", "ethnicity": "Thái"}  # fmt: skip
    code, report = run(runner, tmp_path, [row], "--commit")
    assert code == 0 and report["updated"] == 1 and report["new"] == 0
    db.session.expire_all()
    assert (stored.full_name, stored.ethnicity, stored.gender) == ("Lò Thị Hoà", "03", "F")


def test_a_date_that_differs_from_a_recorded_event_is_refused(world, runner, tmp_path):
    stored = stored_person(world)
    before = dump()
    code, report = run(runner, tmp_path, [person(1, source_date=date(2024, 9, 6))], "--commit")
    assert code == 1 and codes(report) == [(2, "source_date", "stage_order")]
    assert "không sửa lịch sử" in report["errors"][0]["message"]
    assert dump() == before
    assert events_of(stored.id) == [("source", date(2024, 9, 5))]


def test_new_stages_must_come_after_the_recorded_ones(world, runner, tmp_path):
    stored = stored_person(world)
    record_stage(db.session, None, stored, "cell_resolution", date(2025, 6, 1))
    db.session.commit()
    rows = [person(1, dossier_date="01/03/2025")]  # a stage before the current one
    code, report = run(runner, tmp_path, rows)
    assert code == 1 and codes(report) == [(2, "dossier_date", "stage_order")]
    rows = [person(1, decision_date="01/05/2025")]  # a date before the cell resolution
    code, report = run(runner, tmp_path, rows)
    assert code == 1 and codes(report) == [(2, "decision_date", "stage_order")]


def test_a_failed_commit_leaves_the_database_exactly_as_before(world, runner, tmp_path):
    stored_person(world)
    other = stored_candidate(world["units"]["school_b"], full_name="Người Phường Bình")
    rows = [
        person(1, class_or_job="12A9"),
        person(2),
        person(3, id_number=None, birth_date=other.birth_date, full_name=other.full_name),
        person(4, source_date=date(2024, 1, 1), trained_date="01/12/2023"),
    ]
    rows[2]["unit_code"] = "THPT-B"
    before = dump()
    code, report = run(runner, tmp_path, rows, "--commit", "--user", "phuong.an")
    assert code == 1
    assert codes(report) == [
        (4, "unit_code", "out_of_scope"),
        (5, "trained_date", "stage_order"),
    ]
    assert dump() == before


def test_missing_gender_comes_from_the_cccd_or_is_required(world, runner, tmp_path):
    rows = [person(1, gender=None), person(2, gender=None, id_number=None)]
    code, report = run(runner, tmp_path, rows)
    assert code == 1 and codes(report) == [(3, "gender", "required")]
    code, report = run(runner, tmp_path, rows[:1], "--commit")
    assert code == 0
    assert db.session.scalar(select(Candidate.gender)) == "F"


def _import(runner, tmp_path, rows, name):
    code, report = run(runner, tmp_path, rows, "--commit", name=name)
    assert code == 0, report
    return db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))


def test_rollback_restores_the_exact_previous_state(world, runner, tmp_path):
    stored_person(world, 1)
    stored_person(world, 2, class_or_job="11B")
    before = dump()
    rows = [
        person(1, trained_date="01/11/2024", certificate_no="GCN-1", class_or_job="12A"),
        person(2),
        person(3, trained_date="02/11/2024"),
        person(4, exited_date="01/10/2024", exit_reason="Chuyển trường"),
    ]
    batch = _import(runner, tmp_path, rows, "ds.xlsx")
    assert (batch.new, batch.updated, batch.unchanged) == (2, 1, 1)
    counts = rollback_batch(db.session, None, batch)
    db.session.commit()
    assert counts == {"removed": 2, "restored": 1}
    after = dump()
    for table in HISTORY:
        assert after[table] == before[table], table
    assert batch.status == "rolled_back"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "rollback"))
    assert entry.entity_id == batch.id
    with pytest.raises(RollbackRefused):
        rollback_batch(db.session, None, batch)


def test_rollback_is_refused_after_a_later_change(world, runner, tmp_path):
    batch = _import(runner, tmp_path, [person(1), person(2)], "ds.xlsx")
    first, second = db.session.scalars(select(Candidate).order_by(Candidate.id)).all()
    record_stage(db.session, None, first, "trained", date(2025, 2, 1))
    db.session.commit()
    with pytest.raises(RollbackRefused) as refused:
        rollback_batch(db.session, None, batch)
    db.session.rollback()
    assert first.full_name in str(refused.value) and second.full_name not in str(refused.value)
    assert batch.status == "committed"


def test_rollback_is_refused_after_an_edit_and_after_a_later_import(world, runner, tmp_path):
    first = _import(runner, tmp_path, [person(1), person(2)], "a.xlsx")
    later = _import(runner, tmp_path, [person(1, class_or_job="10A1")], "b.xlsx")
    with pytest.raises(RollbackRefused):
        rollback_batch(db.session, None, first)
    db.session.rollback()
    rollback_batch(db.session, None, later)
    db.session.commit()
    rollback_batch(db.session, None, first)  # the later batch is undone: now it may go
    db.session.commit()
    assert db.session.scalar(select(sa.func.count(Candidate.id))) == 0
    batch = _import(runner, tmp_path, [person(5)], "c.xlsx")
    stored = db.session.scalar(select(Candidate))
    admin = world["users"]["admin"]
    data = {c: getattr(stored, c) for c in ("full_name", "gender", "birth_date", "unit_id")}
    update_candidate(db.session, admin, stored, {**data, "note": "Sửa tay"}, stored.unit, None)
    db.session.commit()
    with pytest.raises(RollbackRefused):
        rollback_batch(db.session, admin, batch)


def test_imports_take_one_lock_per_database(world, app):
    """While one import holds the lock, another connection can't take it."""
    lock_imports(db.session.connection())
    other = sa.create_engine(db.engine.url)
    with other.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA busy_timeout=100")  # fail at once, don't wait
        if conn.dialect.name == "postgresql":
            free = conn.execute(sa.text("SELECT pg_try_advisory_xact_lock(73102025)")).scalar()
            assert free is False
        else:
            with pytest.raises(sa.exc.OperationalError):
                conn.execute(sa.update(ImportBatch).values(status="failed"))
                conn.commit()
    other.dispose()
    db.session.rollback()


def test_commit_service_raises_and_the_caller_rolls_back(world):
    user = world["users"]["officer_a"]
    data = xlsx_bytes(sheet([person(1), person(2, unit_code="THPT-B")]))
    parsed = importer.parse(db.session, user, data, "ds.xlsx")
    with pytest.raises(importer.ImportRefused) as refused:
        importer.commit(db.session, user, parsed, data=data, filename="ds.xlsx")
    db.session.rollback()
    assert refused.value.result.counts == {
        "rows": 2, "valid": 1, "new": 1, "updated": 0, "unchanged": 0, "errors": 1,
    }  # fmt: skip
    assert db.session.scalar(select(sa.func.count(ImportBatch.id))) == 0
    assert cccd(date(2005, 1, 2), True, 1001) == person(1)["id_number"]


def test_a_row_the_database_refuses_in_the_bulk_write_leaves_nothing(world, monkeypatch):
    """The bulk write (COPY on PostgreSQL, INSERT on SQLite) runs in the import's own
    transaction: a row the database refuses after others went in undoes the whole commit,
    and the error is SQLAlchemy's, as for any statement."""
    refused = person(3)["id_number"]
    real = writer.row_columns

    def gender_the_database_refuses(values):
        columns = real(values)
        return {**columns, "gender": "X"} if values.get("id_number") == refused else columns

    monkeypatch.setattr(writer, "row_columns", gender_the_database_refuses)
    user = world["users"]["officer_a"]
    data = xlsx_bytes(sheet([person(1), person(2), person(3)]))
    before = dump()
    parsed = importer.parse(db.session, user, data, "ds.xlsx")
    with pytest.raises(sa.exc.IntegrityError, match="gender_code"):
        importer.commit(db.session, user, parsed, data=data, filename="ds.xlsx")
    db.session.rollback()
    assert dump() == before
    monkeypatch.undo()  # the same list, unchanged, goes in afterwards
    result = importer.commit(db.session, user, parsed, data=data, filename="ds.xlsx")
    db.session.commit()
    assert result.counts["new"] == 3
    assert db.session.scalar(select(sa.func.count(Candidate.id))) == 3
    assert db.session.scalar(select(sa.func.count(StageEvent.id))) == 3


def _previewed(world) -> ImportBatch:
    user = world["users"]["officer_a"]
    data = xlsx_bytes(sheet([person(1), person(2)]))
    batch = batches.start(db.session, user, data, "ds.xlsx")
    db.session.commit()
    return batch


def _import_entries() -> int:
    return db.session.scalar(select(sa.func.count()).where(AuditLog.action == "import"))


def test_a_batch_committed_twice_is_refused_the_second_time(world):
    user = world["users"]["officer_a"]
    batch = _previewed(world)
    batches.commit_batch(db.session, user, batch)
    db.session.commit()
    before = dump()
    with pytest.raises(importer.ImportAlreadyDone):
        batches.commit_batch(db.session, user, batch)
    db.session.rollback()
    assert dump() == before
    db.session.expire_all()
    assert (batch.status, batch.new, batch.unchanged) == ("committed", 2, 0)
    assert _import_entries() == 1


def test_two_tabs_committing_one_batch_at_once_write_it_once(world, app, backend):
    """Both requests saw the batch previewed; the import lock lets one in at a time and
    the second finds it done (PostgreSQL: SQLite's single writer refuses the second
    transaction outright, before it can read anything stale)."""
    if backend != "postgres":
        pytest.skip("two concurrent writing transactions need PostgreSQL")
    batch_id, user_id = _previewed(world).id, world["users"]["officer_a"].id
    db.session.commit()
    ready, outcomes = threading.Barrier(2), []

    def tab() -> None:
        with app.app_context():
            user = db.session.get(User, user_id)
            batch = db.session.get(ImportBatch, batch_id)
            assert batch.status == "previewed"  # what the view checks first
            ready.wait(timeout=10)
            try:
                batches.commit_batch(db.session, user, batch)
                db.session.commit()
                outcomes.append("committed")
            except importer.ImportAlreadyDone:
                db.session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=tab) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["committed", "refused"]
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch_id)
    assert (batch.status, batch.new, batch.unchanged) == ("committed", 2, 0)
    assert _import_entries() == 1
    assert db.session.scalar(select(sa.func.count(Candidate.id))) == 2


def _ids(model, batch: ImportBatch) -> list[int]:
    return sorted(db.session.scalars(select(model.id).where(model.import_batch_id == batch.id)))


def test_ids_of_a_rolled_back_import_are_never_given_again(world, runner, tmp_path):
    _import(runner, tmp_path, [person(1)], "a.xlsx")
    batch = _import(runner, tmp_path, [person(2), person(3)], "b.xlsx")
    gone, gone_events = _ids(Candidate, batch), _ids(StageEvent, batch)
    rollback_batch(db.session, None, batch)
    db.session.commit()
    # A person typed in the form, then a later import: both get ids never seen before.
    typed = stored_candidate(world["units"]["school_a"], full_name="Trần Văn Mới")
    assert typed.id > max(gone) and typed.events[0].id > max(gone_events)
    later = _import(runner, tmp_path, [person(4), person(5)], "c.xlsx")
    assert min(_ids(Candidate, later)) > typed.id
    assert min(_ids(StageEvent, later)) > typed.events[0].id
