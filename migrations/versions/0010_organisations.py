"""organisations: each body's own report header, place, signer and style; a user
belongs to one

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:55:00

Until now every province user shared one set of report settings (Setting rows
"report.*" with no area) and each area its own. They become organisations, so nothing
set is lost: the province-wide settings become the first organisation's, given to the
admins and the unrestricted province users who downloaded under them (a group-restricted
account and the cell secretaries are left for an admin to place); an area's
settings become that area's organisation, given to its officers. The rows are then
removed, so the settings live in one place. Downgrading writes them back.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

FIELDS = ('issuing_body', 'place', 'signer_title', 'signer_name', 'preparer_name', 'style',
          'form_code')
PREFIX = 'report.'


def upgrade():
    op.create_table(
        'organisation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=30), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('style', sa.String(length=10), nullable=False),
        sa.Column('issuer_code', sa.String(length=30), nullable=False),
        sa.Column('issuing_body', sa.Text(), nullable=False),
        sa.Column('place', sa.String(length=120), nullable=False),
        sa.Column('signer_title', sa.Text(), nullable=False),
        sa.Column('signer_name', sa.String(length=120), nullable=False),
        sa.Column('preparer_name', sa.String(length=120), nullable=False),
        sa.Column('form_code', sa.String(length=60), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('subgroups', sa.String(length=60), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("style IN ('state', 'party')", name='organisation_style'),
        sa.ForeignKeyConstraint(['area_id'], ['area.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch.create_index('ix_user_organisation_id', ['organisation_id'])
        batch.create_foreign_key(
            'fk_user_organisation_id', 'organisation', ['organisation_id'], ['id']
        )
    _settings_to_organisations()


def _settings_to_organisations():
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT key, area_id, value FROM setting WHERE key LIKE 'report.%'")
    ).all()  # the header settings among them are moved (FIELDS)
    by_owner: dict = {}
    for key, area_id, value in rows:
        name = key[len(PREFIX):]
        if name in FIELDS:
            by_owner.setdefault(area_id, {})[name] = value
    province_users = bind.execute(
        sa.text("SELECT count(*) FROM \"user\" WHERE role IN ('admin', 'province')")
    ).scalar()
    if province_users and None not in by_owner:
        by_owner[None] = {}
    now = sa.func.current_timestamp()
    organisation = sa.table(
        'organisation', *(sa.column(c) for c in (
            'code', 'name', 'style', 'issuer_code', 'area_id', 'subgroups', 'active',
            'created_at', *FIELDS))
    )
    for area_id, values in by_owner.items():
        if area_id is None:
            code, name = 'SNV', 'Sở Nội vụ'
        else:
            area = bind.execute(
                sa.text("SELECT code, name FROM area WHERE id = :id"), {'id': area_id}
            ).one()
            code, name = f'UBND-{area.code}', f'UBND {area.name}'
        record = {field: values.get(field, '') for field in FIELDS}
        record['style'] = values.get('style') if values.get('style') in ('state', 'party') else 'state'
        bind.execute(organisation.insert().values(
            code=code, name=name, issuer_code='', area_id=area_id, subgroups='', active=True,
            created_at=now, **record,
        ))
        new_id = bind.execute(
            sa.text("SELECT id FROM organisation WHERE code = :code"), {'code': code}
        ).scalar()
        if area_id is None:
            # Those who printed the province-wide settings, but not an account restricted
            # to a group (the old Sở GD&ĐT account: it gets its own organisation from an
            # admin, never Sở Nội vụ's header or the right to edit it).
            members = ("role IN ('admin', 'province') AND group_code IS NULL"
                       " AND subgroup IS NULL")
            params = {'org': new_id}
        else:
            members = "role = 'area' AND area_id = :area"
            params = {'org': new_id, 'area': area_id}
        bind.execute(
            sa.text(f'UPDATE "user" SET organisation_id = :org WHERE {members}'), params
        )
    # Only the header settings moved; others under "report." (the breakdown's age bands)
    # stay where they are.
    moved = sa.table('setting', sa.column('key'))
    bind.execute(moved.delete().where(moved.c.key.in_([PREFIX + f for f in FIELDS])))


def downgrade():
    bind = op.get_bind()
    organisations = bind.execute(sa.text(
        "SELECT area_id, code, " + ", ".join(FIELDS) + " FROM organisation ORDER BY id"
    )).mappings().all()
    written = set()
    for row in organisations:
        # The first organisation with no area held the province-wide settings; each
        # area's first, that area's.
        owner = row['area_id']
        if owner in written:
            continue
        written.add(owner)
        for field in FIELDS:
            if row[field]:
                bind.execute(
                    sa.text("INSERT INTO setting (key, area_id, value) VALUES (:k, :a, :v)"),
                    {'k': PREFIX + field, 'a': owner, 'v': row[field]},
                )
    with op.batch_alter_table('user') as batch:
        batch.drop_constraint('fk_user_organisation_id', type_='foreignkey')
        batch.drop_index('ix_user_organisation_id')
        batch.drop_column('organisation_id')
    op.drop_table('organisation')
