"""candidate list indexes: birth date, last event, stage reached; trigram name search on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _trgm_opclass(bind) -> str:
    """gin_trgm_ops qualified by the schema pg_trgm lives in (installed in public if absent),
    so the index is found whatever the connection's search_path."""
    # Test runs migrate several schemas of one database at once: the lock keeps two of
    # them from creating the (database-wide) extension together.
    op.execute("SELECT pg_advisory_xact_lock(hashtext('registry:pg_trgm'))")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    schema = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_trgm'"
        )
    ).scalar_one()
    return f'"{schema}".gin_trgm_ops'


def upgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.create_index('ix_candidate_birth', ['birth_date', 'id'], unique=False)
        batch_op.create_index('ix_candidate_last_event', ['last_event_date', 'id'], unique=False)
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.create_index(
            'ix_stage_event_reached', ['stage', 'event_date', 'candidate_id'], unique=False
        )
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # The same index name on both backends: a b-tree on SQLite, trigrams here.
        opclass = _trgm_opclass(bind)
        op.execute('DROP INDEX IF EXISTS ix_candidate_name_key')
        op.execute(
            f'CREATE INDEX ix_candidate_name_key ON candidate USING gin (name_key {opclass})'
        )


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_candidate_name_key')
        op.execute('CREATE INDEX ix_candidate_name_key ON candidate (name_key)')
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_event_reached')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_candidate_last_event')
        batch_op.drop_index('ix_candidate_birth')
