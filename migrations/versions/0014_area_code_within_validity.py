"""area codes unique within their validity, not for ever

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-02 13:45:00

On 1 July 2025 the merged Lào Cai took code 15, which Yên Bái had held until 30 June 2025;
both areas stay, the former one as history. The unique constraint on `area.code` gives way
to a plain index and to triggers that refuse two areas of one code whose validity shares a
day (a blank `valid_from` / `valid_to` is open-ended), whatever the write path. On
PostgreSQL the trigger first takes a transaction lock on the code, so two sessions adding
the same code at once cannot both pass the check.

A later migration that rebuilds `area` on SQLite (batch mode) must create the two SQLite
triggers again. The downgrade restores the unique constraint, which fails while two areas
share a code.
"""
from alembic import op


revision = '0014'
down_revision = '0010'
branch_labels = None
depends_on = None

OVERLAP = (
    "o.code = NEW.code AND o.id <> NEW.id"
    " AND (o.valid_from IS NULL OR NEW.valid_to IS NULL OR o.valid_from <= NEW.valid_to)"
    " AND (o.valid_to IS NULL OR NEW.valid_from IS NULL OR NEW.valid_from <= o.valid_to)"
)
# SQLite: NEW.id of a row being inserted without an id is NULL, and NULL <> x is not true.
SQLITE_OVERLAP = OVERLAP.replace("o.id <> NEW.id", "(NEW.id IS NULL OR o.id <> NEW.id)")
SQLITE = [
    f"""CREATE TRIGGER area_code_validity_insert BEFORE INSERT ON area
        WHEN EXISTS (SELECT 1 FROM area o WHERE {SQLITE_OVERLAP})
        BEGIN SELECT RAISE(ABORT, 'area_code_overlap'); END""",
    f"""CREATE TRIGGER area_code_validity_update
        BEFORE UPDATE OF code, valid_from, valid_to ON area
        WHEN EXISTS (SELECT 1 FROM area o WHERE {SQLITE_OVERLAP})
        BEGIN SELECT RAISE(ABORT, 'area_code_overlap'); END""",
]
POSTGRESQL = [
    f"""CREATE FUNCTION area_code_validity() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtext('area.code:' || NEW.code));
            IF EXISTS (SELECT 1 FROM area o WHERE {OVERLAP}) THEN
                RAISE EXCEPTION 'area_code_overlap' USING ERRCODE = 'unique_violation';
            END IF;
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER area_code_validity BEFORE INSERT OR UPDATE OF code, valid_from, valid_to
        ON area FOR EACH ROW EXECUTE FUNCTION area_code_validity()""",
]


def upgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_constraint('uq_area_code', type_='unique')
        batch_op.create_index('ix_area_code', ['code'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, []):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS area_code_validity_insert")
        op.execute("DROP TRIGGER IF EXISTS area_code_validity_update")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS area_code_validity ON area")
        op.execute("DROP FUNCTION IF EXISTS area_code_validity()")
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_index('ix_area_code')
        batch_op.create_unique_constraint('uq_area_code', ['code'])
