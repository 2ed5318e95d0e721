"""reporting rounds: what an organisation asks for, the submissions sent back, their
history, and the lock an approval puts on a period

Revision ID: 0018
Revises: 0012
Create Date: 2026-12-02 14:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0012'
branch_labels = None
depends_on = None

STATES = "state IN ('submitted', 'returned', 'approved', 'superseded')"
ACTIONS = "action IN ('submit', 'return', 'approve', 'unlock')"


def upgrade():
    with op.batch_alter_table('organisation') as batch:
        batch.add_column(sa.Column('opens_rounds', sa.Boolean(), nullable=True))
        batch.add_column(
            sa.Column('email', sa.String(length=200), nullable=False, server_default='')
        )
    op.create_table(
        'reporting_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_from', sa.Date(), nullable=False),
        sa.Column('period_to', sa.Date(), nullable=False),
        sa.Column('period_label', sa.String(length=120), nullable=False),
        sa.Column('reports', sa.String(length=120), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.ForeignKeyConstraint(['opened_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index(
        'ix_reporting_round_organisation_id', 'reporting_round', ['organisation_id']
    )
    op.create_table(
        'round_reporter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['reporting_round.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('round_id', 'organisation_id'),
    )
    op.create_index(
        'ix_round_reporter_organisation_id', 'round_reporter', ['organisation_id']
    )
    op.create_table(
        'submission',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('kinds', sa.String(length=200), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.CheckConstraint(STATES, name='submission_state'),
        sa.ForeignKeyConstraint(['round_id'], ['reporting_round.id']),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.ForeignKeyConstraint(['area_id'], ['area.id']),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_submission_round_org', 'submission', ['round_id', 'organisation_id'])
    op.create_index('ix_submission_state', 'submission', ['state'])
    op.create_table(
        'submission_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('report', sa.String(length=20), nullable=False),
        sa.Column('workbook', sa.LargeBinary(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_submission_report_submission_id', 'submission_report', ['submission_id']
    )
    op.create_table(
        'submission_step',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=12), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=120), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.CheckConstraint(ACTIONS, name='submission_step_action'),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_submission_step_submission_id', 'submission_step', ['submission_id'])


def downgrade():
    op.drop_table('submission_step')
    op.drop_table('submission_report')
    op.drop_table('submission')
    op.drop_table('round_reporter')
    op.drop_table('reporting_round')
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('email')
        batch.drop_column('opens_rounds')
