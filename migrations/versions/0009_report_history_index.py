"""report figures by the unit of their time: a person's event history index, and a flag
for those whose unit ever changed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 06:50:00

A state at a period end counts a person in the unit of their latest event on or before
the end. For almost everyone that is their current unit: only a person whose unit
changed (a transfer, an edit, an import moving them) or who has an event in another unit
can differ. `candidate.moved` marks them, kept by triggers whatever the write path, and
only for them do the reports look the unit up in the events (ix_stage_event_history, one
seek each); the others are read off ix_candidate_report_state, which now holds the flag.
The flag may stay set after a move is undone: it only says "read the events".
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

STATE_COLUMNS = [
    'unit_id', 'source_date', 'admitted_date', 'full_member_date', 'exited_date', 'trained_date',
]
MARK = (
    "UPDATE candidate SET moved = {true} WHERE id = NEW.candidate_id"
    " AND unit_id <> NEW.unit_id AND NOT moved"
)
SQLITE = [
    """CREATE TRIGGER candidate_moved AFTER UPDATE OF unit_id ON candidate
        WHEN OLD.unit_id IS NOT NEW.unit_id AND NOT NEW.moved BEGIN
        UPDATE candidate SET moved = 1 WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER stage_event_moved_insert AFTER INSERT ON stage_event BEGIN
        {MARK.format(true=1)}; END""",
    f"""CREATE TRIGGER stage_event_moved_update AFTER UPDATE OF unit_id ON stage_event BEGIN
        {MARK.format(true=1)}; END""",
]
POSTGRESQL = [
    """CREATE FUNCTION candidate_moved() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
        BEGIN NEW.moved := true; RETURN NEW; END $$""",
    """CREATE TRIGGER candidate_moved BEFORE UPDATE OF unit_id ON candidate
        FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id)
        EXECUTE FUNCTION candidate_moved()""",
    f"""CREATE FUNCTION stage_event_moved() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
        BEGIN {MARK.format(true='true')}; RETURN NULL; END $$""",
    """CREATE TRIGGER stage_event_moved AFTER INSERT OR UPDATE OF unit_id ON stage_event
        FOR EACH ROW EXECUTE FUNCTION stage_event_moved()""",
]


def upgrade():
    # Plain ALTER TABLE (no batch copy, which would drop the candidate triggers).
    op.add_column(
        'candidate', sa.Column('moved', sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.execute(
        "UPDATE candidate SET moved = true WHERE EXISTS (SELECT 1 FROM stage_event e"
        " WHERE e.candidate_id = candidate.id AND e.unit_id <> candidate.unit_id)"
        if op.get_bind().dialect.name == 'postgresql'
        else "UPDATE candidate SET moved = 1 WHERE EXISTS (SELECT 1 FROM stage_event e"
        " WHERE e.candidate_id = candidate.id AND e.unit_id <> candidate.unit_id)"
    )
    op.drop_index('ix_candidate_report_state', table_name='candidate')
    op.create_index(
        'ix_candidate_report_state', 'candidate', [*STATE_COLUMNS, 'moved'], unique=False
    )
    op.create_index(
        'ix_stage_event_history',
        'stage_event',
        ['candidate_id', 'event_date', 'sequence', 'stage', 'unit_id'],
        unique=False,
    )
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, []):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("candidate_moved", "stage_event_moved_insert", "stage_event_moved_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS candidate_moved ON candidate")
        op.execute("DROP TRIGGER IF EXISTS stage_event_moved ON stage_event")
        op.execute("DROP FUNCTION IF EXISTS candidate_moved()")
        op.execute("DROP FUNCTION IF EXISTS stage_event_moved()")
    op.drop_index('ix_stage_event_history', table_name='stage_event')
    op.drop_index('ix_candidate_report_state', table_name='candidate')
    op.create_index('ix_candidate_report_state', 'candidate', STATE_COLUMNS, unique=False)
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_column('moved')
