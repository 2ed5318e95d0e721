"""SQLite: ids of candidates, stage events and import batches are never handed out again

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:00:00

Without AUTOINCREMENT SQLite gives a new row the largest id + 1, so once the newest
people are gone (a rolled-back import) their ids go to someone else, and the links and
audit entries naming them point to another person. The tables are rebuilt with
AUTOINCREMENT (the candidate's triggers and its full-text index are made again, as
0005 makes them), and each counter starts above every id the links and the audit log
already name. PostgreSQL's sequences never go back: nothing to do there.
"""
import importlib.util
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Table → the audit entity naming its ids, and the columns elsewhere holding them.
TABLES = {
    "import_batch": ("import_batch", ["import_change.batch_id"]),
    "candidate": ("candidate", ["import_change.candidate_id", "stage_event.candidate_id"]),
    "stage_event": ("stage_event", []),
}
CANDIDATE_TRIGGERS = (
    "candidate_tally_insert", "candidate_tally_delete", "candidate_tally_update",
    "candidate_name_insert", "candidate_name_delete", "candidate_name_update",
)


def _candidate_triggers() -> list[str]:
    """The SQLite trigger statements of 0005 (the full-text table itself stays)."""
    path = next(Path(__file__).parent.glob("0005_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0005", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [s for s in module.SQLITE if s.lstrip().startswith("CREATE TRIGGER")]


def _rebuild(autoincrement: bool) -> None:
    triggers = _candidate_triggers()
    for name in CANDIDATE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
    for statement in triggers:
        op.execute(statement)
    op.execute("INSERT INTO candidate_name (candidate_name) VALUES ('rebuild')")


def _start_counters() -> None:
    conn = op.get_bind()
    for table, (entity, columns) in TABLES.items():
        named = [f"SELECT max(id) FROM {table}"]
        named.append(f"SELECT max(entity_id) FROM audit_log WHERE entity = '{entity}'")
        named += [f"SELECT max({c.split('.')[1]}) FROM {c.split('.')[0]}" for c in columns]
        top = max((conn.execute(sa.text(q)).scalar() or 0) for q in named)
        conn.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
        if top:
            conn.execute(
                sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :n)"),
                {"t": table, "n": top},
            )


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    _rebuild(autoincrement=True)
    _start_counters()


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    _rebuild(autoincrement=False)
