"""indexes from the 1M-candidate benchmarks: stage counts per unit; drop event indexes that
ix_stage_event_report already covers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # The list's per-stage counts for an area or unit officer: read off (unit_id, stage)
    # alone instead of fetching every candidate row of the scope (PostgreSQL, 1M rows).
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.create_index('ix_candidate_unit_stage', ['unit_id', 'stage'], unique=False)
    # Both are leading columns of ix_stage_event_report (stage, event_date, candidate_id,
    # unit_id), which answers the same queries: two fewer indexes to write per event.
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_event_reached')
        batch_op.drop_index('ix_stage_event_stage_date')


def downgrade():
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.create_index(
            'ix_stage_event_stage_date', ['stage', 'event_date'], unique=False
        )
        batch_op.create_index(
            'ix_stage_event_reached', ['stage', 'event_date', 'candidate_id'], unique=False
        )
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_candidate_unit_stage')
