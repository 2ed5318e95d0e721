"""targets per subgroup; a restricted user's scope is a set of subgroups

Revision ID: 0011
Revises: 0019
Create Date: 2026-12-02 14:05:00

A target may now be set for one subgroup (thpt, gdnn_gdtx, sinh_vien, cong_nhan) as
well as for a whole group. A unit's candidates are all of the subgroup its kind gives
(vocabulary.UNIT_KIND_GROUPS), so a unit's existing group target is that subgroup's:
it is marked so, and a THPT-only report finds it. Areas keep their group targets; the
worker group, whose one subgroup is cong_nhan, keeps group targets only.

A user restricted to one group or one subgroup (`group_code`, `subgroup`) becomes
restricted to a set of subgroups (`subgroups`, comma-separated): a group becomes its
subgroups, a subgroup itself. Downgrading keeps the narrowest single value that the
old columns can hold (a whole group where the set is one, else the set's first
subgroup), never a wider one.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0019'
branch_labels = None
depends_on = None

SUBGROUPS = ('thpt', 'gdnn_gdtx', 'sinh_vien', 'cong_nhan')
GROUP_SUBGROUPS = {'student': ('thpt', 'gdnn_gdtx', 'sinh_vien'), 'worker': ('cong_nhan',)}
# vocabulary.UNIT_KIND_GROUPS for the schools, as it stood at this revision. The worker
# group has one subgroup, so its targets stay the group's; `other` implies no subgroup.
KIND_SUBGROUP = {'thpt': 'thpt', 'gdnn_gdtx': 'gdnn_gdtx', 'cao_dang_dai_hoc': 'sinh_vien'}
SUBGROUP_CHECK = "subgroup IN ('thpt', 'gdnn_gdtx', 'sinh_vien', 'cong_nhan')"


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table('user') as batch:
        batch.add_column(
            sa.Column('subgroups', sa.String(length=60), nullable=False, server_default='')
        )
    users = bind.execute(sa.text('SELECT id, group_code, subgroup FROM "user"')).all()
    for ident, group, subgroup in users:
        chosen = GROUP_SUBGROUPS.get(group or '', ()) + ((subgroup,) if subgroup else ())
        if chosen:
            value = ','.join(s for s in SUBGROUPS if s in chosen)
            bind.execute(
                sa.text('UPDATE "user" SET subgroups = :v WHERE id = :id'),
                {'v': value, 'id': ident},
            )
    with op.batch_alter_table('user') as batch:
        batch.drop_constraint(op.f('ck_user_group_code_code'), type_='check')
        batch.drop_constraint(op.f('ck_user_subgroup_code'), type_='check')
        batch.drop_column('group_code')
        batch.drop_column('subgroup')

    with op.batch_alter_table('target') as batch:
        batch.add_column(sa.Column('subgroup', sa.String(length=12), nullable=True))
    for kind, subgroup in KIND_SUBGROUP.items():
        bind.execute(
            sa.text(
                'UPDATE target SET subgroup = :s WHERE group_code = :g AND unit_id IN '
                '(SELECT id FROM unit WHERE kind = :k)'
            ),
            {'s': subgroup, 'g': 'student', 'k': kind},
        )
    with op.batch_alter_table('target') as batch:
        batch.drop_constraint(op.f('uq_target_year'), type_='unique')
        batch.create_unique_constraint(
            op.f('uq_target_year'), ['year', 'group_code', 'subgroup', 'area_id', 'unit_id']
        )
        batch.create_check_constraint(op.f('ck_target_subgroup_code'), SUBGROUP_CHECK)


def _narrowest(codes: list[str]) -> tuple[str | None, str | None]:
    """(group_code, subgroup) the old columns can hold without widening the scope."""
    for group, own in GROUP_SUBGROUPS.items():
        if set(codes) == set(own):
            return group, None
    return None, codes[0]


def downgrade():
    bind = op.get_bind()
    # Targets the old table cannot tell apart from a group's: an area's subgroup targets
    # go, a unit's subgroup target yields to a group target set beside it.
    bind.execute(sa.text('DELETE FROM target WHERE subgroup IS NOT NULL AND area_id IS NOT NULL'))
    bind.execute(sa.text(
        'DELETE FROM target WHERE subgroup IS NOT NULL AND EXISTS (SELECT 1 FROM target AS g '
        'WHERE g.subgroup IS NULL AND g.unit_id = target.unit_id AND g.year = target.year '
        'AND g.group_code = target.group_code)'
    ))
    with op.batch_alter_table('target') as batch:
        batch.drop_constraint(op.f('ck_target_subgroup_code'), type_='check')
        batch.drop_constraint(op.f('uq_target_year'), type_='unique')
        batch.create_unique_constraint(
            op.f('uq_target_year'), ['year', 'group_code', 'area_id', 'unit_id']
        )
        batch.drop_column('subgroup')

    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('group_code', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('subgroup', sa.String(length=12), nullable=True))
    for ident, value in bind.execute(sa.text('SELECT id, subgroups FROM "user"')).all():
        codes = [c for c in (value or '').split(',') if c in SUBGROUPS]
        if codes:
            group, subgroup = _narrowest(codes)
            bind.execute(
                sa.text('UPDATE "user" SET group_code = :g, subgroup = :s WHERE id = :id'),
                {'g': group, 's': subgroup, 'id': ident},
            )
    with op.batch_alter_table('user') as batch:
        batch.create_check_constraint(
            op.f('ck_user_group_code_code'), "group_code IN ('student', 'worker')"
        )
        batch.create_check_constraint(op.f('ck_user_subgroup_code'), SUBGROUP_CHECK)
        batch.drop_column('subgroups')
