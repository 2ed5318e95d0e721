"""report history index: the unit of a person's latest event by a date

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-02 06:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # A state at a period end counts a person in the unit of their latest event on or
    # before the end: one seek per person, read off this index without the table rows.
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.create_index(
            'ix_stage_event_history',
            ['candidate_id', 'event_date', 'sequence', 'stage', 'unit_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_event_history')
