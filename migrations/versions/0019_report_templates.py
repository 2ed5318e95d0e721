"""documents: an organisation's own Word template of the narrative report, and the
addressee and recipients it prints

Revision ID: 0019
Revises: 0013
Create Date: 2026-12-02 14:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation') as batch:
        batch.add_column(sa.Column('addressee', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('recipients', sa.Text(), server_default='', nullable=False))
    op.create_table(
        'report_template',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organisation_id', 'kind'),
    )


def downgrade():
    op.drop_table('report_template')
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('recipients')
        batch.drop_column('addressee')
