"""The words of every candidate's name in Vietnamese name order, kept by triggers

Revision ID: 0022
Revises: 0017
Create Date: 2026-12-02 17:30:00

A search for one common word over a province of a million (20,000–60,000 matches) had to
fetch every match by the name index and sort them for one page. `candidate_word` holds
one row per word of the folded name (name_key) with the candidate's sort key and its
scope's key columns, keyed (word, sort_key, candidate_id): a search walks one word's
entries in name order and stops after a page. Triggers on candidate keep it exact in the
transaction that changes a candidate, whatever the path, as they keep the tally. The
rows of the candidates already stored are written in batches of BATCH ids.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0017"
branch_labels = None
depends_on = None

BATCH = 20_000
COLUMNS = "word, sort_key, candidate_id, unit_id, cell_id, subgroup"
WATCHED = ("name_key", "sort_key", "unit_id", "cell_id", "subgroup")
CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)


def _sqlite_words(name_key: str) -> str:
    """The words of a name_key as a table (json_each over the name made a JSON array:
    json_quote escapes quotes, backslashes and control characters, a space is a space)."""
    return f"json_each('[' || replace(json_quote({name_key}), ' ', '\",\"') || ']')"


def _sqlite_add(row: str) -> str:
    return (
        f"INSERT INTO candidate_word ({COLUMNS}) SELECT DISTINCT value, {row}.sort_key,"
        f" {row}.id, {row}.unit_id, {row}.cell_id, {row}.subgroup"
        f" FROM {_sqlite_words(row + '.name_key')} WHERE value <> ''"
    )


def _sqlite_remove(row: str) -> str:
    return (
        "DELETE FROM candidate_word WHERE word IN"
        f" (SELECT value FROM {_sqlite_words(row + '.name_key')})"
        f" AND sort_key = {row}.sort_key AND candidate_id = {row}.id"
    )


SQLITE = [
    f"""CREATE TRIGGER candidate_word_insert AFTER INSERT ON candidate BEGIN
        {_sqlite_add('NEW')}; END""",
    f"""CREATE TRIGGER candidate_word_delete AFTER DELETE ON candidate BEGIN
        {_sqlite_remove('OLD')}; END""",
    f"""CREATE TRIGGER candidate_word_update
        AFTER UPDATE OF {', '.join(WATCHED)} ON candidate
        WHEN {CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN
        {_sqlite_remove('OLD')}; {_sqlite_add('NEW')}; END""",
]

POSTGRESQL = [
    # Row triggers, as the tally's: bulk inserts run one statement per row.
    f"""CREATE FUNCTION candidate_word_row() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                DELETE FROM candidate_word
                WHERE word = ANY (string_to_array(OLD.name_key, ' '))
                    AND sort_key = OLD.sort_key AND candidate_id = OLD.id;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO candidate_word ({COLUMNS})
                SELECT DISTINCT w, NEW.sort_key, NEW.id, NEW.unit_id, NEW.cell_id, NEW.subgroup
                FROM unnest(string_to_array(NEW.name_key, ' ')) AS w WHERE w <> '';
            END IF;
            RETURN NULL;
        END $$""",
    """CREATE FUNCTION candidate_word_truncate() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
        BEGIN DELETE FROM candidate_word; RETURN NULL; END $$""",
    """CREATE TRIGGER candidate_word_insert_delete AFTER INSERT OR DELETE ON candidate
        FOR EACH ROW EXECUTE FUNCTION candidate_word_row()""",
    f"""CREATE TRIGGER candidate_word_update
        AFTER UPDATE OF {', '.join(WATCHED)} ON candidate
        FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION candidate_word_row()""",
    """CREATE TRIGGER candidate_word_truncate AFTER TRUNCATE ON candidate
        FOR EACH STATEMENT EXECUTE FUNCTION candidate_word_truncate()""",
]

BACKFILL = {
    "sqlite": (
        f"INSERT INTO candidate_word ({COLUMNS}) SELECT DISTINCT j.value, c.sort_key, c.id,"
        f" c.unit_id, c.cell_id, c.subgroup FROM candidate c, {_sqlite_words('c.name_key')} j"
        " WHERE c.id > :low AND c.id <= :high AND j.value <> ''"
    ),
    "postgresql": (
        f"INSERT INTO candidate_word ({COLUMNS}) SELECT DISTINCT w, c.sort_key, c.id,"
        " c.unit_id, c.cell_id, c.subgroup"
        " FROM candidate c, unnest(string_to_array(c.name_key, ' ')) AS w"
        " WHERE c.id > :low AND c.id <= :high AND w <> ''"
    ),
}


def _c_text():
    return sa.String(length=120).with_variant(sa.String(length=120, collation="C"), "postgresql")


def upgrade():
    op.create_table(
        "candidate_word",
        sa.Column("word", _c_text(), nullable=False),
        sa.Column("sort_key", _c_text(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=True),
        sa.Column("subgroup", sa.String(length=12), nullable=False),
        sa.PrimaryKeyConstraint(
            "word", "sort_key", "candidate_id", name=op.f("pk_candidate_word")
        ),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    dialect = bind.dialect.name
    top = bind.execute(sa.text("SELECT coalesce(max(id), 0) FROM candidate")).scalar_one()
    fill = sa.text(BACKFILL[dialect])
    for low in range(0, top, BATCH):
        bind.execute(fill, {"low": low, "high": low + BATCH})
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}[dialect]:
        op.execute(statement)
    if dialect == "postgresql":
        op.execute("ANALYZE candidate_word")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("candidate_word_insert", "candidate_word_delete", "candidate_word_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    elif dialect == "postgresql":
        for trigger in (
            "candidate_word_insert_delete", "candidate_word_update", "candidate_word_truncate"
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON candidate")
        op.execute("DROP FUNCTION IF EXISTS candidate_word_row()")
        op.execute("DROP FUNCTION IF EXISTS candidate_word_truncate()")
    op.drop_table("candidate_word")
