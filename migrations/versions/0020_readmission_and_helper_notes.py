"""readmission, the chi bộ's recognition resolution date, helper members' notes

Revision ID: 0020
Revises: 0022
Create Date: 2026-12-02 18:00:00

candidate gains the readmission flag (kết nạp lại) with the date and reason the person
left the Party and the day a minor criminal record was expunged (reference rule 16), and
`recognition_resolution_date`, the chi bộ's resolution proposing recognition, read by the
recognition alerts; it is filled here from the dossier items already entered. New table
helper_note: dated notes by the helper members on a candidate.

Columns are added with plain ALTER TABLE: a batch rebuild of candidate on SQLite would
drop its triggers (migrations 0005, 0009).
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "candidate",
        sa.Column("readmission", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("candidate", sa.Column("left_party_date", sa.Date(), nullable=True))
    op.add_column("candidate", sa.Column("left_party_reason", sa.String(length=255), nullable=True))
    op.add_column("candidate", sa.Column("record_expunged_date", sa.Date(), nullable=True))
    op.add_column("candidate", sa.Column("recognition_resolution_date", sa.Date(), nullable=True))
    op.execute(
        "UPDATE candidate SET recognition_resolution_date = (SELECT max(d.day) FROM "
        "dossier_item d WHERE d.candidate_id = candidate.id "
        "AND d.kind = 'recognition_cell_resolution') WHERE EXISTS (SELECT 1 FROM "
        "dossier_item d WHERE d.candidate_id = candidate.id "
        "AND d.kind = 'recognition_cell_resolution')"
    )
    op.create_table(
        "helper_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("helper", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
            name=op.f("fk_helper_note_candidate_id_candidate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_helper_note_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helper_note")),
    )
    op.create_index("ix_helper_note_candidate", "helper_note", ["candidate_id", "day"])


def downgrade():
    op.drop_index("ix_helper_note_candidate", table_name="helper_note")
    op.drop_table("helper_note")
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop candidate's triggers.
    for column in (
        "recognition_resolution_date",
        "record_expunged_date",
        "left_party_reason",
        "left_party_date",
        "readmission",
    ):
        op.drop_column("candidate", column)
