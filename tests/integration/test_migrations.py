"""The migrations build exactly the schema the models describe, and run both ways."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from registry.extensions import db
from registry.models import AuditLog, ImportBatch, ImportChange, Unit
from registry.models.candidates import include_name
from tests.factories import CandidateFactory, UnitFactory


def _differences():
    with db.engine.connect() as connection:
        opts = {"compare_type": True, "include_name": include_name}
        context = MigrationContext.configure(connection, opts=opts)
        return compare_metadata(context, db.metadata)


def test_migrated_schema_matches_models(ctx):
    assert _differences() == []


def test_migrations_downgrade_and_upgrade_again(ctx):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "candidate" in inspect(db.engine).get_table_names()
    assert _differences() == []


def test_the_autoincrement_rebuild_keeps_rows_triggers_and_the_name_index(ctx, backend):
    """0007 rebuilds candidate, stage_event and import_batch on SQLite: every row stays
    (no cascade from dropping the old tables), the tally and full-text triggers work, and
    no id named by a link or the audit log is handed out again."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL's sequences already never go back")
    unit = UnitFactory()
    people = [CandidateFactory(unit=unit, full_name=f"Lê Thị Cũ {n}") for n in range(3)]
    batch = ImportBatch(filename="a.xlsx", sha256="0" * 64, size=1, actor="x", status="committed")
    db.session.add(batch)
    db.session.flush()
    db.session.add(ImportChange(batch_id=batch.id, candidate_id=people[0].id, action="new"))
    db.session.add(AuditLog(actor="x", action="view", entity="candidate", entity_id=40))
    db.session.commit()
    before = {t: _count(t) for t in ("candidate", "stage_event", "import_batch", "import_change")}
    unit_id = unit.id
    db.session.remove()
    # The rows are made with today's models, then the schema goes back to before 0007
    # (the rows stay) and up again through the rebuild.
    downgrade(revision="0006")
    upgrade()
    unit = db.session.get(Unit, unit_id)
    assert {t: _count(t) for t in before} == before == {
        "candidate": 3, "stage_event": 3, "import_batch": 1, "import_change": 1,
    }  # fmt: skip
    assert _differences() == []
    added = CandidateFactory(unit=unit, full_name="Lê Thị Mới")
    db.session.commit()
    assert added.id == 41  # above the id the audit log names
    found = db.session.execute(
        text("SELECT rowid FROM candidate_name WHERE candidate_name MATCH 'moi'")
    ).scalars()
    assert list(found) == [added.id]
    assert db.session.scalar(text("SELECT sum(n) FROM candidate_tally")) == 4
    db.session.delete(added)
    db.session.commit()
    again = CandidateFactory(unit=unit, full_name="Lê Thị Sau")
    db.session.commit()
    assert again.id == 42 and db.session.scalar(text("SELECT sum(n) FROM candidate_tally")) == 4


def _count(table: str) -> int:
    return db.session.scalar(text(f"SELECT count(*) FROM {table}"))


def test_0020_takes_the_recognition_resolution_date_from_the_items_entered(ctx):
    """Files entered before 0020 keep their alerts right: the chi bộ's recognition
    resolution (the latest, when there are two) lands on the candidate row, and the
    triggers that keep the tally still work on the table the columns were added to."""
    unit = UnitFactory()
    proposed, other = CandidateFactory(unit=unit), CandidateFactory(unit=unit)
    db.session.commit()
    ids, unit_id = (proposed.id, other.id), unit.id
    db.session.remove()
    downgrade(revision="0017")
    for day in ("2025-07-01", "2025-07-25"):
        db.session.execute(
            text(
                "INSERT INTO dossier_item (candidate_id, kind, day, votes_for, votes_total,"
                " recorded_at) VALUES (:c, 'recognition_cell_resolution', :d, 8, 9, :at)"
            ),
            {"c": ids[0], "d": day, "at": f"{day} 08:00:00"},
        )
    db.session.execute(
        text(
            "INSERT INTO dossier_item (candidate_id, kind, day, recorded_at)"
            " VALUES (:c, 'self_assessment', '2025-07-20', '2025-07-20 08:00:00')"
        ),
        {"c": ids[1]},
    )
    db.session.commit()
    upgrade()
    rows = dict(
        db.session.execute(
            text("SELECT id, recognition_resolution_date FROM candidate ORDER BY id")
        ).all()
    )
    assert str(rows[ids[0]])[:10] == "2025-07-25" and rows[ids[1]] is None
    assert db.session.scalar(text("SELECT count(*) FROM candidate WHERE readmission")) == 0
    CandidateFactory(unit=db.session.get(Unit, unit_id))
    db.session.commit()
    assert db.session.scalar(text("SELECT sum(n) FROM candidate_tally")) == 3
    assert _differences() == []
