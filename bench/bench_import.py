"""Import of a 100,000-row list: the real CLI (dry run, then --commit) against its floors.

Floors (DESIGN "Data and scale"), each python-calamine reading the same file plus the
same candidates and their stage events written and committed on the same database:
`floor`, one executemany INSERT into the same schema (its triggers, indexes and
constraints apply); `floor_bare_table`, the same executemany into bare tables of the
same columns (primary key only), so the schema's own cost shows; on PostgreSQL
`floor_copy`, COPY FROM STDIN into the same schema. The CLI runs
`import-candidates FILE --json [--commit]` through Click's runner inside a worker
process of its own, so its peak memory is the import's own.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import importfile
from bench.people import CANDIDATE_COLUMNS, EVENT_COLUMNS, IsoDates, People, db_rows

IMPORT_SEED = 424242


def _units(url: str):
    from bench import world
    from bench.common import bench_app
    from registry.extensions import db

    app = bench_app(url)
    with app.app_context():
        units, users = world.load_units(db.session), world.user_ids(db.session)
        db.session.remove()
        db.engine.dispose()
    return units, users


def people(units, rows: int) -> list:
    stream = People(IMPORT_SEED, units, provinces=(importfile.IMPORT_PROVINCE,))
    return [stream.person() for _ in range(rows)]


def import_file(base_url: str, rows: int, data_dir: Path, base_name: str) -> Path:
    """The cached spreadsheet of `rows` new people for the database `base_name`."""
    path = data_dir / f"import-{rows}-{base_name}-sectioned.xlsx"
    if not path.exists():
        units, _users = _units(base_url)
        importfile.write(path, people(units, rows))
    return path


# --- the real import ----------------------------------------------------------------------


def run_cli(url: str, path: str, commit: bool) -> dict[str, Any]:
    """`flask import-candidates PATH --json [--commit]`, timed; its JSON counts."""
    from bench.common import bench_app, peak_rss_mb

    app = bench_app(url)
    args = ["import-candidates", path, "--json"] + (["--commit"] if commit else [])
    with app.app_context():
        runner = app.test_cli_runner()
        baseline = peak_rss_mb()
        start = time.perf_counter()
        outcome = runner.invoke(args=args)
        seconds = time.perf_counter() - start
    lines = [line for line in outcome.output.splitlines() if line.startswith("{")]
    summary = json.loads(lines[-1]) if lines else {}
    return {
        "s": round(seconds, 2),
        "exit_code": outcome.exit_code,
        "rows": summary.get("rows"),
        "new": summary.get("new"),
        "updated": summary.get("updated"),
        "unchanged": summary.get("unchanged"),
        "errors": len(summary.get("errors", [])) if summary else None,
        "first_errors": summary.get("errors", [])[:3],
        "warnings": len(summary.get("warnings", [])) if summary else None,
        "baseline_rss_mb": baseline,
    }


# --- the floors ---------------------------------------------------------------------------

BARE_PREFIX = "bench_bare_"


def _floor_rows(url: str, rows: int, first_id: int, first_event: int, postgres: bool):
    units, users = _units(url)
    iso, candidates, events = IsoDates(), [], []
    for offset, person in enumerate(people(units, rows)):
        candidate, made = db_rows(person, first_id + offset, first_event, users["admin"], iso)
        if postgres:  # booleans, which SQLite keeps as 0/1
            candidate = (*candidate[:17], bool(candidate[17]), *candidate[18:-1], False)
        candidates.append(candidate)
        events += made
        first_event += len(made)
    return candidates, events


def _insert(columns: tuple[str, ...], table: str, mark: str) -> str:
    marks = ", ".join([mark] * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def bare_tables(dialect) -> list[str]:
    """CREATE TABLE statements of candidate and stage_event as bare tables: the same
    columns, types, NOT NULLs, defaults and primary key, but no trigger, no secondary
    index, no foreign key and no CHECK."""
    from sqlalchemy import Column, MetaData, Table
    from sqlalchemy.schema import CreateTable

    from registry.models import Candidate, StageEvent
    from registry.models._types import table_of

    metadata, out = MetaData(), []
    for model in (Candidate, StageEvent):
        source = table_of(model)
        columns = [
            Column(
                c.name,
                c.type,
                primary_key=c.primary_key,
                nullable=c.nullable,
                server_default=c.server_default.arg if c.server_default is not None else None,  # type: ignore[attr-defined]
            )
            for c in source.columns
        ]
        table = Table(BARE_PREFIX + source.name, metadata, *columns)
        out.append(str(CreateTable(table).compile(dialect=dialect)))
    return out


def run_floor(url: str, path: str, rows: int) -> dict[str, Any]:
    """The import's floors on the same rows, each = calamine read of the file + the rows
    written and committed: `floor` (executemany into the same schema), `floor_bare_table`
    (executemany into bare tables) and, on PostgreSQL, `floor_copy` (COPY into the same
    schema)."""
    import python_calamine as pc

    start = time.perf_counter()
    sheet = pc.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    read_s = time.perf_counter() - start
    if url.startswith("postgresql"):
        inserts = _floors_postgres(url, rows)
    else:
        inserts = _floors_sqlite(url.removeprefix("sqlite:///"), rows)
    out: dict[str, Any] = {}
    for name, insert_s in inserts.items():
        # Four places: a small run's insert into bare tables takes well under 10 ms.
        out[name] = {
            "s": round(read_s + insert_s, 4),
            "read_s": round(read_s, 4),
            "insert_s": round(insert_s, 4),
        }
    out["floor"]["sheet_rows"] = len(sheet)
    return out


def _floors_sqlite(path: str, rows: int) -> dict[str, float]:
    """Into a copy of the database (the real import gets a fresh one)."""
    from sqlalchemy.dialects import sqlite

    conn = sqlite3.connect(path, isolation_level=None)
    # The application's own connection settings (registry.web._sqlite_pragmas).
    for pragma in (
        "foreign_keys=ON",
        "journal_mode=WAL",
        "busy_timeout=30000",
        "temp_store=MEMORY",
    ):
        conn.execute(f"PRAGMA {pragma}")
    for statement in bare_tables(sqlite.dialect()):
        conn.execute(statement)
    top = conn.execute("SELECT coalesce(max(id), 0) FROM candidate").fetchone()[0]
    top_event = conn.execute("SELECT coalesce(max(id), 0) FROM stage_event").fetchone()[0]
    candidates, events = _floor_rows(f"sqlite:///{path}", rows, top + 1, top_event + 1, False)

    def insert(prefix: str) -> float:
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(_insert(CANDIDATE_COLUMNS, f"{prefix}candidate", "?"), candidates)
        conn.executemany(_insert(EVENT_COLUMNS, f"{prefix}stage_event", "?"), events)
        conn.execute("COMMIT")
        return time.perf_counter() - start

    seconds = {"floor": insert(""), "floor_bare_table": insert(BARE_PREFIX)}
    conn.close()
    return seconds


def _floors_postgres(url: str, rows: int) -> dict[str, float]:
    """Each floor committed, then its rows deleted again (not timed) for the next one and
    the real import; the bare tables dropped at the end."""
    import psycopg
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.engine import make_url

    from bench.common import libpq_url

    schema = make_url(url).query["options"].split("search_path=")[1]
    cols = tuple(c for c in EVENT_COLUMNS if c != "id")  # event ids from the sequence
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        top = conn.execute("SELECT coalesce(max(id), 0) FROM candidate").fetchone()[0]
        top_event = conn.execute("SELECT coalesce(max(id), 0) FROM stage_event").fetchone()[0]
        for statement in bare_tables(postgresql.dialect()):
            conn.execute(statement)
        conn.commit()
        candidates, events = _floor_rows(url, rows, top + 1, top_event + 1, True)
        events = [e[1:] for e in events]

        def executemany(prefix: str) -> None:
            with conn.cursor() as cur:
                cur.executemany(_insert(CANDIDATE_COLUMNS, f"{prefix}candidate", "%s"), candidates)
                cur.executemany(_insert(cols, f"{prefix}stage_event", "%s"), events)

        def copy() -> None:
            with conn.cursor() as cur:
                for table, columns, data in (
                    ("candidate", CANDIDATE_COLUMNS, candidates),
                    ("stage_event", cols, events),
                ):
                    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
                        for row in data:
                            out.write_row(row)

        def timed(write: Callable[[], None]) -> float:
            start = time.perf_counter()
            write()
            conn.commit()
            seconds = time.perf_counter() - start
            conn.execute("DELETE FROM stage_event WHERE candidate_id > %s", (top,))
            conn.execute("DELETE FROM candidate WHERE id > %s", (top,))
            conn.commit()
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE candidate")
            conn.execute("VACUUM ANALYZE stage_event")
            conn.autocommit = False
            return seconds

        seconds = {
            "floor": timed(lambda: executemany("")),
            "floor_copy": timed(copy),
            "floor_bare_table": timed(lambda: executemany(BARE_PREFIX)),
        }
        conn.autocommit = True
        for table in ("candidate", "stage_event"):
            conn.execute(f"DROP TABLE {BARE_PREFIX}{table}")
    return seconds
