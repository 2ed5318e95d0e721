"""background jobs: long imports, rollbacks and exports run off the request

Revision ID: 0015
Revises: 0018
Create Date: 2026-12-02 13:50:00

One row per job a user asked for: its kind, state, who asked, the batch it works on,
its result (an export's workbook) and, while it runs, the process running it.
"""

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("params", sa.JSON(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("file", sa.LargeBinary(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("worker", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('import_preview', 'import_commit', 'rollback', 'export')",
            name=op.f("ck_job_kind_code"),
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'cancelled')",
            name=op.f("ck_job_status_code"),
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
            name=op.f("fk_job_batch_id_import_batch"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_job_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_job_batch_id", "job", ["batch_id"], unique=False)
    op.create_index("ix_job_status", "job", ["status"], unique=False)
    op.create_index("ix_job_user_created", "job", ["user_id", "created_at"], unique=False)


def downgrade():
    op.drop_index("ix_job_user_created", table_name="job")
    op.drop_index("ix_job_status", table_name="job")
    op.drop_index("ix_job_batch_id", table_name="job")
    op.drop_table("job")
