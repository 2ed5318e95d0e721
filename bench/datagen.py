"""Benchmark databases: SQLite files cached under bench/.data/, PostgreSQL schemas.

SQLite: the migrations build the schema, the application's models the province
(bench.world), then one raw sqlite3 connection (journal and sync off, for this
connection only) loads the candidates and events with executemany in one transaction,
with the bulk tables' indexes dropped and rebuilt afterwards, then ANALYZE. The file is
kept, named by size, seed, schema head and DATA_VERSION, so a second run starts at once.

PostgreSQL: a schema of its own (search_path), migrated the same way, then every table
copied from the cached SQLite file with COPY (foreign-key triggers off for that session
only), indexes rebuilt, sequences set, ANALYZE. Same rows on both backends.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.common import BENCH_DIR, ROOT, bench_app, libpq_url, pg_url
from bench.people import CANDIDATE_COLUMNS, EVENT_COLUMNS, IsoDates, People, db_rows

DATA_VERSION = 1  # bump when the generated data changes shape
DATA_DIR = BENCH_DIR / ".data"
BULK_TABLES = ("candidate", "stage_event")
CHUNK = 50_000
Log = Callable[[str], None]


def schema_head() -> str:
    """A digest of the migration files: a cached file is only reused on the same schema."""
    digest = hashlib.sha1()
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


def units_for(size: int) -> int:
    """2,000 units from 100,000 candidates up; fewer for the small runs."""
    return min(2000, max(40, size // 50))


def sqlite_file(size: int, seed: int, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / f"registry-{size}-s{seed}-h{schema_head()}-v{DATA_VERSION}.sqlite"


def _migrate_and_build(url: str, size: int, seed: int) -> tuple[list, dict[str, int]]:
    from flask_migrate import upgrade

    from bench import world
    from registry.extensions import db
    from registry.services.calendar.holidays import seed_holidays

    app = bench_app(url)
    with app.app_context():
        upgrade()
        if size is not None:
            seed_holidays(db.session)
            world.build(db.session, units_for(size), seed)
            db.session.commit()
        units, users = world.load_units(db.session), world.user_ids(db.session)
        db.session.remove()
        db.engine.dispose()
    return units, users


def _rows(units, size: int, seed: int, user_id: int) -> Iterator[tuple[list, list]]:
    """Chunks of (candidate tuples, event tuples), ids from 1."""
    people, iso = People(seed, units), IsoDates()
    event_id = 1
    for start in range(1, size + 1, CHUNK):
        candidates, events = [], []
        for ident in range(start, min(size + 1, start + CHUNK)):
            candidate, made = db_rows(people.person(), ident, event_id, user_id, iso)
            candidates.append(candidate)
            events += made
            event_id += len(made)
        yield candidates, events


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def build_sqlite(size: int, seed: int, data_dir: Path = DATA_DIR, log: Log = print) -> Path:
    """The cached SQLite database for `size` candidates, built when missing."""
    path = sqlite_file(size, seed, data_dir)
    if path.exists():
        return path
    data_dir.mkdir(parents=True, exist_ok=True)
    # A name of this process's own: two runs building the same file never meet.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.building")
    try:
        _build_sqlite(tmp, size, seed, log)
        tmp.rename(path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
    return path


def _build_sqlite(tmp: Path, size: int, seed: int, log: Log) -> None:
    started = time.perf_counter()
    units, users = _migrate_and_build(f"sqlite:///{tmp}", size, seed)
    conn = sqlite3.connect(tmp, isolation_level=None)
    # Only this loading connection runs without a journal: a crash leaves a .building
    # file that the next run deletes, never a cached database.
    for pragma in (
        "journal_mode=OFF",
        "synchronous=OFF",
        "foreign_keys=OFF",
        "cache_size=-400000",
        "temp_store=MEMORY",
        "locking_mode=EXCLUSIVE",
    ):
        conn.execute(f"PRAGMA {pragma}")  # fmt: skip
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN {BULK_TABLES}"
    ).fetchall()
    for name, _sql in indexes:
        conn.execute(f"DROP INDEX {name}")
    conn.execute("BEGIN")
    add_candidate = _insert_sql("candidate", CANDIDATE_COLUMNS)
    add_event = _insert_sql("stage_event", EVENT_COLUMNS)
    events = 0
    for candidates, made in _rows(units, size, seed, users["admin"]):
        conn.executemany(add_candidate, candidates)
        conn.executemany(add_event, made)
        events += len(made)
    conn.execute("COMMIT")
    loaded = time.perf_counter()
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    log(
        f"sqlite {size:,} candidates, {events:,} events: {loaded - started:.0f} s to load, "
        f"{time.perf_counter() - loaded:.0f} s for indexes and ANALYZE"
    )


def create_schema(base_url: str, schema: str) -> str:
    """An empty schema `schema` (dropped first if there); the URL that works in it."""
    import psycopg

    with psycopg.connect(libpq_url(base_url), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return pg_url(base_url, schema)


def drop_schema(base_url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(libpq_url(base_url), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _pg_indexes(conn, schema: str) -> list[tuple[str, str]]:
    """Indexes of the bulk tables that no constraint owns (those can be dropped)."""
    return conn.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace"
        " WHERE n.nspname = %s AND t.relname = ANY(%s)"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
        (schema, list(BULK_TABLES)),
    ).fetchall()


def build_postgres(source: Path, base_url: str, schema: str, log: Log = print) -> str:
    """Schema `schema` holding the same rows as the SQLite file `source`; its URL."""
    import psycopg

    from registry.extensions import db

    started = time.perf_counter()
    url = create_schema(base_url, schema)
    _migrate_and_build(url, None, 0)  # type: ignore[arg-type]
    lite = sqlite3.connect(source)
    with psycopg.connect(libpq_url(base_url)) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        # Loading rows that are already consistent: no foreign-key trigger per row.
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = _pg_indexes(conn, schema)
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for table in db.metadata.sorted_tables:
            _copy_table(lite, conn, table)
        loaded = time.perf_counter()
        for _name, sql in indexes:
            conn.execute(sql)
        for table in db.metadata.sorted_tables:
            if "id" in table.c:
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'),"
                    f' coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                )
        conn.commit()
        conn.autocommit = True
        # VACUUM too: a live database has its visibility map set by autovacuum, which
        # index-only scans need; a fresh load has none until autovacuum comes by, perhaps
        # in the middle of a measurement.
        conn.execute("VACUUM (ANALYZE)")
    lite.close()
    log(
        f"postgres schema {schema}: {loaded - started:.0f} s to copy, "
        f"{time.perf_counter() - loaded:.0f} s for indexes and VACUUM ANALYZE"
    )
    return url


def _copy_table(lite: sqlite3.Connection, conn, table) -> None:
    have = {row[1] for row in lite.execute(f'PRAGMA table_info("{table.name}")')}
    columns = [c.name for c in table.columns if c.name in have]
    quoted = ", ".join(f'"{c}"' for c in columns)
    rows = lite.execute(f'SELECT {quoted} FROM "{table.name}"')
    # Text COPY: SQLite's ISO dates and 0/1 booleans are what PostgreSQL reads anyway.
    with conn.cursor().copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        while batch := rows.fetchmany(10_000):
            for row in batch:
                copy.write_row(row)


def counts(url: str) -> dict[str, int]:
    """How many candidates and stage events the database holds."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                "candidates": conn.scalar(text("SELECT count(*) FROM candidate")),
                "events": conn.scalar(text("SELECT count(*) FROM stage_event")),
                "units": conn.scalar(text("SELECT count(*) FROM unit")),
                "areas": conn.scalar(text("SELECT count(*) FROM area")),
            }
    finally:
        engine.dispose()
