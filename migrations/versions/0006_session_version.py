"""a session version on each user, so that signing out or a new password ends old sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:00:00

The session cookie is signed, not stored: a copy taken before signing out or before a
password change stayed valid until it expired. Each session now carries the user's
session version from sign-in, and the user loader refuses a session whose version is no
longer the user's.
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


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
