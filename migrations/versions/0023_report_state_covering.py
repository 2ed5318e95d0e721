"""reports: one pass over the candidates, off a covering index; the few who moved

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-02 17:40:00

The students, workers, summary and breakdown figures of the people whose events all lie
in their current unit are read off their stored stage columns: ix_candidate_report_state
now holds every column those figures read, so the pass never touches the table. ix_candidate_moved
finds the few who moved, whose figures are read from their events.
"""

from alembic import op
import sqlalchemy as sa


revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None

BEFORE = [
    "unit_id", "source_date", "admitted_date", "full_member_date", "exited_date",
    "trained_date", "moved",
]  # fmt: skip
AFTER = [
    *BEFORE, "cell_resolution_date", "decision_date", "gender", "ethnicity", "religion",
    "youth_union_date", "trade_union", "birth_date", "education", "readmission", "id",
]  # fmt: skip


def upgrade():
    op.drop_index("ix_candidate_report_state", table_name="candidate")
    op.create_index("ix_candidate_report_state", "candidate", AFTER, unique=False)
    op.create_index(
        "ix_candidate_moved",
        "candidate",
        ["id"],
        unique=False,
        sqlite_where=sa.text("moved = 1"),
        postgresql_where=sa.text("moved"),
    )


def downgrade():
    op.drop_index("ix_candidate_moved", table_name="candidate")
    op.drop_index("ix_candidate_report_state", table_name="candidate")
    op.create_index("ix_candidate_report_state", "candidate", BEFORE, unique=False)
