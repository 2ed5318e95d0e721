"""Writing a classified batch with Core executemany statements: no ORM object per row.

The rule checks all happened before (the pipeline ran check_row of
registry.domain.rules.transitions on each row, the classifier check_transition against
the stored events); what is replicated
here the stage columns are computed by the one function the stage service also uses
(registry.domain.stage_columns.columns_from_events).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import bindparam, func, insert, literal, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from registry.domain.stage_columns import STAGE_COLUMNS, columns_from_events
from registry.models import Candidate, ImportBatch, ImportChange, StageEvent
from registry.models._types import table_of
from registry.services.imports import dossier_rows
from registry.services.imports.match import (
    CHUNK,
    PERSONAL,
    RowPlan,
    chunks,
    new_row_events,
    row_columns,
)

# pg_advisory_xact_lock key shared by every import commit (and rollback) on a database.
IMPORT_LOCK_KEY = 73_102_025
Progress = Callable[[int], None]
SQLITE_CACHE_KIB = 48 * 1024
_CANDIDATES = table_of(Candidate)
_EVENTS = table_of(StageEvent)
_CHANGES = table_of(ImportChange)
_BLANK_ROW = dict.fromkeys((*PERSONAL, *STAGE_COLUMNS))


def lock_imports(conn: Connection) -> None:
    """Serialise imports: one commit (or rollback) at a time per database.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: a write that changes nothing
    takes the database's write lock at once (what BEGIN IMMEDIATE does), so the rows are
    matched against data no other writer can change until this transaction ends.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})
    else:
        conn.execute(
            update(ImportBatch).where(ImportBatch.id == -1).values(status=ImportBatch.status)
        )


def _new_ids(conn: Connection, count: int) -> Iterator[int]:
    """Ids for `count` new candidates, taken before inserting, never an id used before.

    psycopg runs a plain executemany pipelined, but INSERT … RETURNING for many rows
    four to five times slower, so ids come from the sequence in one query. SQLite
    reserves them in the table's AUTOINCREMENT counter (sqlite_sequence) under the
    import's write lock: max(id) + 1 would hand a rolled-back batch's ids to new people.
    """
    if conn.dialect.name == "postgresql":
        stmt = text(
            "SELECT nextval(pg_get_serial_sequence('candidate', 'id')) FROM generate_series(1, :n)"
        )
        return iter(sorted(conn.execute(stmt, {"n": count}).scalars()))
    counter = conn.execute(
        text("SELECT seq FROM sqlite_sequence WHERE name = 'candidate'")
    ).scalar()
    top = conn.execute(select(func.coalesce(func.max(Candidate.id), 0))).scalar_one()
    start = max(counter or 0, top) + 1
    if count:
        conn.execute(text("DELETE FROM sqlite_sequence WHERE name = 'candidate'"))
        conn.execute(
            text("INSERT INTO sqlite_sequence (name, seq) VALUES ('candidate', :seq)"),
            {"seq": start + count - 1},
        )
    return iter(range(start, start + count))


def _event(
    candidate_id: int,
    plan: RowPlan,
    stage: str,
    when,
    number,
    note,
    reason,
    sequence: int,
    stamp: dict,
) -> dict:
    return {
        "candidate_id": candidate_id,
        "stage": stage,
        "event_date": when,
        "document_no": number,
        "note": note,
        "reason": reason,
        "unit_id": plan.unit_id,
        "cell_id": plan.cell_id,
        "sequence": sequence,
        **stamp,
    }


def _memo(process: Callable[[object], object]) -> Callable[[object], object]:
    """A bind processor remembering its answers: a list repeats its dates, and the
    commit's timestamp is the same on every row."""
    cache: dict[object, object] = {}

    def run(value: object) -> object:
        try:
            return cache[value]
        except KeyError:
            done = cache[value] = process(value)
            return done

    return run


class _Inserter:
    """Many rows written straight through the driver, each value already in the form
    SQLAlchemy would bind: its own bind processors for this dialect are applied, so
    dates and times are stored exactly as the ORM stores them. Skipping SQLAlchemy's
    per-row parameter handling halves the client's share of a 100,000-row commit.

    SQLite: the driver's executemany of one INSERT. PostgreSQL: COPY FROM STDIN on the
    same connection, so in the same transaction (a failed import leaves nothing behind);
    COPY fires the row triggers and checks the constraints as INSERT does, and costs
    less CPU on both sides than psycopg's pipelined executemany (figures in
    docs/DECISIONS.md, "Scale, benchmarks and production shape")."""

    def __init__(self, conn: Connection, table, columns: tuple[str, ...]) -> None:
        dialect = conn.dialect
        quote = dialect.identifier_preparer.quote
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.conn = conn
        self.columns = columns
        names = ", ".join(quote(c) for c in columns)
        self.copy = dialect.name == "postgresql"
        marks = ", ".join([mark] * len(columns))
        self.sql = (
            f"COPY {quote(table.name)} ({names}) FROM STDIN"
            if self.copy
            else f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
        )
        self.processors = [
            (index, _memo(processor))
            for index, name in enumerate(columns)
            if (processor := table.c[name].type._cached_bind_processor(dialect)) is not None
        ]

    def row(self, values: Sequence[object]) -> tuple:
        """One row from its values in column order."""
        if not self.processors:
            return tuple(values)
        out = list(values)
        for index, processor in self.processors:
            value = out[index]
            if value is not None:
                out[index] = processor(value)
        return tuple(out)

    def run(self, rows: list[tuple]) -> None:
        if not rows:
            return
        if not self.copy:
            self.conn.exec_driver_sql(self.sql, rows)
            return
        driver = self.conn.connection.driver_connection
        try:
            with driver.cursor() as cursor, cursor.copy(self.sql) as copy:  # type: ignore[union-attr]  # psycopg's connection
                for row in rows:
                    copy.write_row(row)
        except self.conn.dialect.loaded_dbapi.Error as error:
            # As SQLAlchemy raises it for a statement: IntegrityError for a broken
            # constraint, and so on.
            raise DBAPIError.instance(
                self.sql, None, error, self.conn.dialect.loaded_dbapi.Error,
                dialect=self.conn.dialect,
            ) from error  # fmt: skip


_CANDIDATE_COLUMNS = tuple(c.name for c in _CANDIDATES.columns)
# Event values in this order (see _insert_new).
_EVENT_COLUMNS = (
    "candidate_id", "stage", "event_date", "document_no", "note", "reason", "unit_id",
    "cell_id", "sequence", "recorded_by_id", "recorded_at", "import_batch_id",
)  # fmt: skip


def _insert_new(
    conn: Connection, plans: list[RowPlan], stamp: dict, batch_id: int, progress: Progress
) -> None:
    ids = _new_ids(conn, len(plans))
    now, user_id = stamp["recorded_at"], stamp["recorded_by_id"]
    fixed = {
        "created_at": now,
        "updated_at": now,
        "created_by_id": user_id,
        "import_batch_id": batch_id,
        "erased": False,
        "moved": False,  # events in the row's own unit only
    }
    people = _Inserter(conn, _CANDIDATES, _CANDIDATE_COLUMNS)
    steps = _Inserter(conn, _EVENTS, _EVENT_COLUMNS)
    for chunk in chunks(plans):
        candidates, events = [], []
        for plan in chunk:
            values = plan.row.values
            ident = plan.candidate_id = next(ids)
            ordered = new_row_events(values)
            row = {
                **_BLANK_ROW,
                "trade_union": False,
                # A list brings at most the introducers and the cell's vote, never the
                # application or the statements: a new person's dossier is unfinished.
                "dossier_valid_until": None,
                # Lists carry no readmission columns, nor the recognition file.
                "readmission": False,
                "left_party_date": None,
                "left_party_reason": None,
                "record_expunged_date": None,
                "recognition_resolution_date": None,
                **row_columns(values),
                **columns_from_events(ordered),
                "id": ident,
                "unit_id": plan.unit_id,
                "cell_id": plan.cell_id,
                **fixed,
            }
            candidates.append(people.row([row[name] for name in _CANDIDATE_COLUMNS]))
            unit_id, cell_id = plan.unit_id, plan.cell_id
            for sequence, (stage, when, number, reason) in enumerate(ordered, 1):
                note = values.get("exit_note") if reason else None
                event = (ident, stage, when, number, note, reason, unit_id, cell_id, sequence,
                         user_id, now, batch_id)  # fmt: skip
                events.append(steps.row(event))
        people.run(candidates)
        steps.run(events)  # a row without any stage date makes no event
        progress(len(chunk))


def _added_events(plan: RowPlan, stamp: dict) -> list[dict]:
    note = plan.row.values.get("exit_note")
    return [
        _event(
            plan.candidate_id,  # type: ignore[arg-type]  # set for every updated row
            plan,
            event.stage,
            event.date,
            event.number,
            note if event.reason else None,
            event.reason,
            plan.first_sequence + offset,
            stamp,
        )
        for offset, event in enumerate(plan.events)
    ]


def update_columns(conn: Connection, rows: list[dict]) -> None:
    """UPDATE candidate SET <the keys> WHERE id = :cid, executemany per set of keys."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(k for k in row if k != "cid")), []).append(row)
    stmt = update(_CANDIDATES).where(_CANDIDATES.c.id == bindparam("cid"))
    for params in groups.values():
        for chunk in chunks(params):
            conn.execute(stmt, list(chunk))


def _apply_updates(conn: Connection, plans: list[RowPlan], stamp: dict, progress: Progress) -> None:
    for chunk in chunks(plans):
        rows, events = [], []
        for plan in chunk:
            rows.append(
                {**plan.changes, "updated_at": stamp["recorded_at"], "cid": plan.candidate_id}
            )
            events += _added_events(plan, stamp)
        update_columns(conn, rows)
        if events:
            conn.execute(insert(_EVENTS), events)
        progress(len(chunk))


@contextmanager
def _sqlite_pragmas(conn: Connection, **values: int) -> Iterator[None]:
    """SQLite's PRAGMAs set to `values` for the block, then put back; nothing elsewhere."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar_one() for name in values}
    for name, value in values.items():
        conn.exec_driver_sql(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        for name, value in before.items():
            conn.exec_driver_sql(f"PRAGMA {name} = {int(value)}")


def unmapped(conn: Connection):
    """On SQLite, the database read without mmap (`web._sqlite_pragmas`) while an import
    matches and writes its rows: an import of 100,000 reads most of the file, whose mapped
    pages would count in the process's own memory (its budget: 500 MB; mapped, the
    bench's commit peaked at 592 MB against 477 MB)."""
    return _sqlite_pragmas(conn, mmap_size=0)


def _page_cache(conn: Connection):
    """On SQLite, a 48 MiB page cache while the rows go in (the default 2 MiB makes
    every index insert of a long list read pages again): about a third less time."""
    return _sqlite_pragmas(conn, cache_size=-SQLITE_CACHE_KIB)


def write_batch(
    conn: Connection,
    plans: list[RowPlan],
    batch_id: int,
    user_id: int | None,
    now: datetime,
    progress: Progress = lambda _n: None,
) -> None:
    """Insert the new candidates and their events, update the changed ones, and keep an
    ImportChange per written row so that the batch can be rolled back."""
    stamp = {"recorded_by_id": user_id, "recorded_at": now, "import_batch_id": batch_id}
    new = [p for p in plans if p.action == "new"]
    updated = [p for p in plans if p.action == "updated"]
    with _page_cache(conn):
        _insert_new(conn, new, stamp, batch_id, progress)
        _apply_updates(conn, updated, stamp, progress)
        dossier_rows.write(
            conn,
            ((p.candidate_id, p.dossier) for p in (*new, *updated) if p.dossier),  # type: ignore[misc]  # ids are set once written
            user_id,
            now,
        )
    # A new record needs no snapshot (rolling back removes it), and the new records are
    # exactly those carrying this batch's id: one INSERT … SELECT writes their changes.
    if new:
        added = select(literal(batch_id), _CANDIDATES.c.id, literal("new")).where(
            _CANDIDATES.c.import_batch_id == batch_id
        )
        conn.execute(insert(_CHANGES).from_select(["batch_id", "candidate_id", "action"], added))
    changed = [
        {
            "batch_id": batch_id,
            "candidate_id": p.candidate_id,
            "action": "updated",
            "before": p.before,
        }
        for p in updated
    ]
    for chunk in chunks(changed, CHUNK * 2):
        conn.execute(insert(_CHANGES), list(chunk))
