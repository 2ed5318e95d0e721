"""documents of a submission: the narrative report (.docx) as sent and its PDF, and why
a PDF is missing

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 17:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("pdf_missing", sa.Text(), server_default="", nullable=False))
    op.create_table(
        "submission_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("kind IN ('narrative', 'pdf')", name="submission_document_kind"),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id", "kind"),
    )
    op.create_index(
        "ix_submission_document_submission_id", "submission_document", ["submission_id"]
    )


def downgrade():
    op.drop_table("submission_document")
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("pdf_missing")
