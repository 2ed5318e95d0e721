"""a session version on each user; sign-in rate-limit counters in the database

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:00:00

The session cookie is signed, not stored: a copy taken before signing out or before a
password change stayed valid until it expired. Each session now carries the user's
session version from sign-in, and the user loader refuses a session whose version is no
longer the user's.

Without Redis, the sign-in rate limit counted in each gunicorn worker's memory, so N
workers let N times the limit through; the counters now live in a table every worker
shares.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='0', nullable=False)
        )
    op.create_table(
        'rate_limit_counter',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counter')),
    )
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_rate_limit_counter_expires_at'), ['expires_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counter_expires_at'))
    op.drop_table('rate_limit_counter')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
