"""Form tokens: a form sent twice (a double click, two tabs) saves once

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 07:00:00

Each "add candidate" and bulk recording form carries a one-use token; the first
submission records it here with what it saved, so a second one shows that instead of
saving again, whichever server process answers it.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submission",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidate.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_index("ix_form_submission_at", "form_submission", ["at"], unique=False)


def downgrade():
    op.drop_index("ix_form_submission_at", table_name="form_submission")
    op.drop_table("form_submission")
