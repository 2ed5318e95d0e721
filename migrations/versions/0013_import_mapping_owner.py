"""a remembered column mapping belongs to its owner

Revision ID: 0013
Revises: 0014
Create Date: 2026-12-02 14:00:00

A confirmed mapping is applied only to its owner's next files with the same headers
(DESIGN "Import contract"). The owner is the key `services.imports.batches.mapping_owner`
gives ("user:<id>" today). Mappings kept before this revision had no owner: they keep
the empty one, which no user has, so nobody's file takes another's choice.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('owner', sa.String(length=40), nullable=False, server_default='')
        )
        batch_op.drop_constraint('uq_import_mapping_signature', type_='unique')
        batch_op.create_unique_constraint('uq_import_mapping_owner', ['owner', 'signature'])


def downgrade():
    # Several owners may hold one signature: keep the latest of each.
    op.execute(
        "DELETE FROM import_mapping WHERE id NOT IN "
        "(SELECT MAX(id) FROM import_mapping GROUP BY signature)"
    )
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.drop_constraint('uq_import_mapping_owner', type_='unique')
        batch_op.create_unique_constraint('uq_import_mapping_signature', ['signature'])
        batch_op.drop_column('owner')
