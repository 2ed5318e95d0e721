"""Import of a 100,000-row list: the real CLI (dry run, then --commit) against its floor.

Floor (DESIGN "Data and scale"): python-calamine reading the same file, plus one
executemany INSERT of the same candidates and their stage events, committed, on the
same database. The CLI runs `import-candidates FILE --json [--commit]` through Click's
runner inside a fresh worker process, so its peak memory is the import's own.
"""

from __future__ import annotations

import json
import sqlite3
import time
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


# --- the floor ----------------------------------------------------------------------------


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


def run_floor(url: str, path: str, rows: int) -> dict[str, Any]:
    """calamine read of the file + executemany INSERT of the same rows, committed."""
    import python_calamine as pc

    start = time.perf_counter()
    sheet = pc.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    read_s = time.perf_counter() - start
    postgres = url.startswith("postgresql")
    if postgres:
        insert_s = _floor_postgres(url, rows)
    else:
        insert_s = _floor_sqlite(url.removeprefix("sqlite:///"), rows)
    return {
        "s": round(read_s + insert_s, 2),
        "read_s": round(read_s, 2),
        "insert_s": round(insert_s, 2),
        "sheet_rows": len(sheet),
    }


def _floor_sqlite(path: str, rows: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    # The application's own connection settings (registry.web._sqlite_pragmas).
    for pragma in (
        "foreign_keys=ON",
        "journal_mode=WAL",
        "busy_timeout=30000",
        "temp_store=MEMORY",
    ):
        conn.execute(f"PRAGMA {pragma}")
    top = conn.execute("SELECT coalesce(max(id), 0) FROM candidate").fetchone()[0]
    top_event = conn.execute("SELECT coalesce(max(id), 0) FROM stage_event").fetchone()[0]
    candidates, events = _floor_rows(f"sqlite:///{path}", rows, top + 1, top_event + 1, False)
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(_insert(CANDIDATE_COLUMNS, "candidate", "?"), candidates)
    conn.executemany(_insert(EVENT_COLUMNS, "stage_event", "?"), events)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def _floor_postgres(url: str, rows: int) -> float:
    """Insert and commit, then delete the rows again (not timed) for the real import."""
    import psycopg
    from sqlalchemy.engine import make_url

    from bench.common import libpq_url

    schema = make_url(url).query["options"].split("search_path=")[1]
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        top = conn.execute("SELECT coalesce(max(id), 0) FROM candidate").fetchone()[0]
        top_event = conn.execute("SELECT coalesce(max(id), 0) FROM stage_event").fetchone()[0]
        conn.commit()
        candidates, events = _floor_rows(url, rows, top + 1, top_event + 1, True)
        cols = tuple(c for c in EVENT_COLUMNS if c != "id")
        events = [e[1:] for e in events]  # event ids from the sequence, as in the app
        start = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany(_insert(CANDIDATE_COLUMNS, "candidate", "%s"), candidates)
            cur.executemany(_insert(cols, "stage_event", "%s"), events)
        conn.commit()
        seconds = time.perf_counter() - start
        conn.execute("DELETE FROM stage_event WHERE candidate_id > %s", (top,))
        conn.execute("DELETE FROM candidate WHERE id > %s", (top,))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE candidate")
        conn.execute("VACUUM ANALYZE stage_event")
    return seconds
