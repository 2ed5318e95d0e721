"""Personal API tokens and service accounts (role api)

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-02 14:00:00

A token is kept as its SHA-256 with its rights and expiry; the role list of user gains
`api`, the service accounts of other systems.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('admin', 'province', 'area', 'cell')"
ROLES_AFTER = "role IN ('admin', 'province', 'area', 'cell', 'api')"


def _roles(condition: str) -> None:
    with op.batch_alter_table("user", recreate="auto") as batch:
        batch.drop_constraint(op.f("ck_user_role_code"), type_="check")
        batch.create_check_constraint("role_code", condition)


def upgrade():
    _roles(ROLES_AFTER)
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("can_write", sa.Boolean(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_api_token_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_api_token_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_api_token_user_id"), table_name="api_token")
    op.drop_table("api_token")
    op.execute("DELETE FROM \"user\" WHERE role = 'api'")
    _roles(ROLES_BEFORE)
