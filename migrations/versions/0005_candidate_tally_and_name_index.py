"""per-stage tally of candidates kept by triggers; SQLite full-text index of names

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 16:00:00

The list counts a whole scope's candidates per stage on every page. At a million
candidates that is a scan of a million index entries; the tally holds the same figures
per (unit, cell, group, subgroup, stage) in a few thousand rows, kept exact by triggers in
the transaction that changes a candidate, whatever the path (forms, imports, rollback,
erasure). On SQLite, a search for a word anywhere in a name read the whole name index
(LIKE '% word%' cannot use a b-tree); the FTS5 index of name_key finds the rows that have
a word starting so, and the LIKE conditions still decide.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

KEY = "unit_id, cell_id, group_code, subgroup, stage"
CHANGED = (
    "OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.cell_id IS DISTINCT FROM NEW.cell_id"
    " OR OLD.group_code IS DISTINCT FROM NEW.group_code"
    " OR OLD.subgroup IS DISTINCT FROM NEW.subgroup OR OLD.stage IS DISTINCT FROM NEW.stage"
)


def _add(row: str, alias: str = "") -> str:
    target = f"candidate_tally{' AS ' + alias if alias else ''}"
    n = f"{alias or 'candidate_tally'}.n"
    return (
        f"INSERT INTO {target} ({KEY}, n) VALUES ({row}.unit_id, coalesce({row}.cell_id, 0),"
        f" {row}.group_code, {row}.subgroup, {row}.stage, 1)"
        f" ON CONFLICT ({KEY}) DO UPDATE SET n = {n} + 1"
    )


def _remove(row: str) -> str:
    return (
        f"UPDATE candidate_tally SET n = n - 1 WHERE unit_id = {row}.unit_id"
        f" AND cell_id = coalesce({row}.cell_id, 0) AND group_code = {row}.group_code"
        f" AND subgroup = {row}.subgroup AND stage = {row}.stage"
    )


SQLITE = [
    f"""CREATE TRIGGER candidate_tally_insert AFTER INSERT ON candidate BEGIN
        {_add('NEW')}; END""",
    f"""CREATE TRIGGER candidate_tally_delete AFTER DELETE ON candidate BEGIN
        {_remove('OLD')}; END""",
    f"""CREATE TRIGGER candidate_tally_update
        AFTER UPDATE OF unit_id, cell_id, group_code, subgroup, stage ON candidate
        WHEN {CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN
        {_remove('OLD')}; {_add('NEW')}; END""",
    # The full-text index reads name_key from candidate itself (external content).
    """CREATE VIRTUAL TABLE candidate_name USING fts5(
        name_key, content='candidate', content_rowid='id', tokenize='unicode61')""",
    """CREATE TRIGGER candidate_name_insert AFTER INSERT ON candidate BEGIN
        INSERT INTO candidate_name (rowid, name_key) VALUES (NEW.id, NEW.name_key); END""",
    """CREATE TRIGGER candidate_name_delete AFTER DELETE ON candidate BEGIN
        INSERT INTO candidate_name (candidate_name, rowid, name_key)
        VALUES ('delete', OLD.id, OLD.name_key); END""",
    """CREATE TRIGGER candidate_name_update AFTER UPDATE OF name_key ON candidate BEGIN
        INSERT INTO candidate_name (candidate_name, rowid, name_key)
        VALUES ('delete', OLD.id, OLD.name_key);
        INSERT INTO candidate_name (rowid, name_key) VALUES (NEW.id, NEW.name_key); END""",
    "INSERT INTO candidate_name (candidate_name) VALUES ('rebuild')",
]

POSTGRESQL = [
    # Row triggers: one small upsert per changed candidate (a statement trigger with
    # transition tables costs more, since bulk inserts run one statement per row).
    f"""CREATE FUNCTION candidate_tally_row() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN {_remove('OLD')}; END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN {_add('NEW', 't')}; END IF;
            RETURN NULL;
        END $$""",
    """CREATE FUNCTION candidate_tally_truncate() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
        BEGIN DELETE FROM candidate_tally; RETURN NULL; END $$""",
    """CREATE TRIGGER candidate_tally_insert_delete AFTER INSERT OR DELETE ON candidate
        FOR EACH ROW EXECUTE FUNCTION candidate_tally_row()""",
    f"""CREATE TRIGGER candidate_tally_update
        AFTER UPDATE OF unit_id, cell_id, group_code, subgroup, stage ON candidate
        FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION candidate_tally_row()""",
    """CREATE TRIGGER candidate_tally_truncate AFTER TRUNCATE ON candidate
        FOR EACH STATEMENT EXECUTE FUNCTION candidate_tally_truncate()""",
]


def upgrade():
    op.create_table(
        'candidate_tally',
        sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('cell_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('group_code', sa.String(length=10), nullable=False),
        sa.Column('subgroup', sa.String(length=12), nullable=False),
        sa.Column('stage', sa.String(length=24), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            'unit_id', 'cell_id', 'group_code', 'subgroup', 'stage',
            name=op.f('pk_candidate_tally'),
        ),
    )
    op.execute(
        f"INSERT INTO candidate_tally ({KEY}, n)"
        " SELECT unit_id, coalesce(cell_id, 0), group_code, subgroup, stage, count(*)"
        " FROM candidate GROUP BY unit_id, coalesce(cell_id, 0), group_code, subgroup, stage"
    )
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, []):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in (
            "candidate_tally_insert", "candidate_tally_delete", "candidate_tally_update",
            "candidate_name_insert", "candidate_name_delete", "candidate_name_update",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS candidate_name")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS candidate_tally_insert_delete ON candidate")
        op.execute("DROP TRIGGER IF EXISTS candidate_tally_update ON candidate")
        op.execute("DROP TRIGGER IF EXISTS candidate_tally_truncate ON candidate")
        op.execute("DROP FUNCTION IF EXISTS candidate_tally_row()")
        op.execute("DROP FUNCTION IF EXISTS candidate_tally_truncate()")
    op.drop_table('candidate_tally')
