"""the working calendar with kinds of day; names in Vietnamese alphabetical order; the
admission dossier and its introducers

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:00:00

Calendar: every day keeps its date and name; its kind becomes one of holiday, makeup,
swap_off, worked (DESIGN "Holiday"), with where it comes from and whether it was
computed. The former kinds map as: fixed, tet, gio_to, break → holiday; swap → swap_off
(a day off entered by an admin). Rows of the former computed Tết ("tet") that lie on a
Saturday or Sunday are dropped: they stood for statutory days, and the computed break
now holds five weekdays. `flask init-db` then adds the shipped days still missing (the
second Quốc khánh day, the recomputed Tết weekdays, the 2025 swap) and derives the
make-up days.

Names: candidate.sort_key is rebuilt for every row by textutil.sort_key (the CLDR
Vietnamese order: given name, middle, family; letters, then tones), and compared byte
by byte: COLLATE "C" on PostgreSQL (its indexes are rebuilt with it); SQLite compares
text bytes already.

Dossier: dossier_item (one document of a candidate's admission or recognition file)
and introducer (a full member introducing, or the union resolution replacing one).
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KINDS = ("holiday", "makeup", "swap_off", "worked")
DOSSIER_KINDS = (
    "application", "background", "verification", "mass_opinions", "residence_opinion",
    "cell_resolution", "committee_resolution", "decision", "self_assessment",
    "helper_assessment", "recognition_mass_opinions", "recognition_residence_opinion",
    "recognition_cell_resolution", "recognition_decision",
)  # fmt: skip
HOLIDAY = sa.table(
    "holiday",
    sa.column("id", sa.Integer),
    sa.column("day", sa.Date),
    sa.column("kind", sa.String),
)


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.select(HOLIDAY.c.id, HOLIDAY.c.day, HOLIDAY.c.kind)).all()
    dropped = [r.id for r in rows if r.kind == "tet" and _as_date(r.day).weekday() >= 5]
    if dropped:
        bind.execute(sa.delete(HOLIDAY).where(HOLIDAY.c.id.in_(dropped)))
    bind.execute(
        sa.update(HOLIDAY)
        .where(HOLIDAY.c.kind.in_(("fixed", "tet", "gio_to", "break")))
        .values(kind="holiday")
    )
    bind.execute(sa.update(HOLIDAY).where(HOLIDAY.c.kind == "swap").values(kind="swap_off"))
    bind.execute(sa.update(HOLIDAY).where(HOLIDAY.c.kind.not_in(KINDS)).values(kind="holiday"))
    listed = ", ".join(f"'{k}'" for k in KINDS)
    with op.batch_alter_table("holiday") as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("computed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_check_constraint(op.f("ck_holiday_kind_code"), f"kind IN ({listed})")

    from registry.domain.textutil import sort_key

    if bind.dialect.name == "postgresql":
        op.execute('ALTER TABLE candidate ALTER COLUMN sort_key TYPE VARCHAR(120) COLLATE "C"')
    _rebuild_sort_keys(bind, sort_key)
    _create_dossier_tables()
    op.add_column("candidate", sa.Column("dossier_valid_until", sa.Date(), nullable=True))


def _kind_check(table: str, kinds: tuple[str, ...]) -> sa.CheckConstraint:
    listed = ", ".join(f"'{k}'" for k in kinds)
    return sa.CheckConstraint(f"kind IN ({listed})", name=op.f(f"ck_{table}_kind_code"))


def _create_dossier_tables() -> None:
    op.create_table(
        "dossier_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("checked_by", sa.String(length=120), nullable=True),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_total", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=255), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        _kind_check("dossier_item", DOSSIER_KINDS),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
            name=op.f("fk_dossier_item_candidate_id_candidate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_dossier_item_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_item")),
    )
    op.create_index("ix_dossier_item_candidate", "dossier_item", ["candidate_id", "kind"])
    op.create_table(
        "introducer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("full_member_since", sa.Date(), nullable=True),
        sa.Column("months_together", sa.Integer(), nullable=True),
        sa.Column("checked_by", sa.String(length=120), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        _kind_check("introducer", ("member", "youth_union", "trade_union")),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
            name=op.f("fk_introducer_candidate_id_candidate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_introducer_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introducer")),
    )
    op.create_index("ix_introducer_candidate", "introducer", ["candidate_id"])


def _rebuild_sort_keys(bind, key) -> None:
    candidate = sa.table(
        "candidate",
        sa.column("id", sa.Integer),
        sa.column("full_name", sa.String),
        sa.column("sort_key", sa.String),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(candidate.c.id, candidate.c.full_name)
            .where(candidate.c.id > last)
            .order_by(candidate.c.id)
            .limit(5000)
        ).all()
        if not rows:
            return
        bind.execute(
            sa.update(candidate)
            .where(candidate.c.id == sa.bindparam("row_id"))
            .values(sort_key=sa.bindparam("key")),
            [{"row_id": r.id, "key": key(r.full_name)} for r in rows],
        )
        last = rows[-1].id


def _old_sort_key(full_name: str) -> str:
    from registry.domain.textutil import fold

    parts = fold(full_name).split(" ")
    return " ".join([parts[-1], *parts[1:-1], parts[0]]) if len(parts) > 1 else parts[0]


def downgrade():
    bind = op.get_bind()
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop candidate's triggers.
    op.drop_column("candidate", "dossier_valid_until")
    op.drop_index("ix_introducer_candidate", table_name="introducer")
    op.drop_table("introducer")
    op.drop_index("ix_dossier_item_candidate", table_name="dossier_item")
    op.drop_table("dossier_item")
    if bind.dialect.name == "postgresql":
        op.execute('ALTER TABLE candidate ALTER COLUMN sort_key TYPE VARCHAR(120) COLLATE "default"')
    _rebuild_sort_keys(bind, _old_sort_key)
    with op.batch_alter_table("holiday") as batch_op:
        batch_op.drop_constraint(op.f("ck_holiday_kind_code"), type_="check")
        batch_op.drop_column("computed")
        batch_op.drop_column("source")
    bind.execute(sa.delete(HOLIDAY).where(HOLIDAY.c.kind.in_(("makeup", "worked"))))
    bind.execute(sa.update(HOLIDAY).where(HOLIDAY.c.kind == "holiday").values(kind="fixed"))
    bind.execute(sa.update(HOLIDAY).where(HOLIDAY.c.kind == "swap_off").values(kind="swap"))


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
