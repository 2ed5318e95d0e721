"""The whole benchmark: databases, then each measured step in a worker, then one JSON.

Steps per backend (SQLite, then PostgreSQL in a schema of its own, dropped at the end):
at the largest size the list scenarios, the reports and (PostgreSQL, the production
shape) the gunicorn load; at the smallest size the import. To keep a run from a fresh
clone within about 15 minutes, the list runs at the other sizes only with
--list-every-size, and the load on SQLite only with --load-backends sqlite,postgres.
Every phase's wall time (databases, import file, each measured step) is kept in the
JSON's `timings`, and the run's own duration is one of the targets. With --busy a
second process keeps one core busy during each measured step (bench.busy).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import datagen
from bench.bench_import import import_file
from bench.bench_reports import REPORTS
from bench.busy import Spinner, keep_busy
from bench.common import BENCH_DIR, DEFAULT_PG, machine, ratio, run_worker, worker_host
from bench.targets import evaluate

STEPS = ("list", "import", "reports", "load")
FLOORS = ("floor", "floor_bare_table", "floor_copy")


@dataclass
class Plan:
    sizes: list[int]
    backends: list[str]
    only: list[str]
    requests: int = 200
    import_rows: int = 100_000
    rounds: int = 3
    load_seconds: float = 30
    load_requests: int = 4000
    connections: int = 20
    pg_url: str = DEFAULT_PG
    pg_schema: str = field(default_factory=lambda: f"bench_{os.getpid()}")
    data_dir: Path = datagen.DATA_DIR
    detail_area: str = "LC-001"
    list_every_size: bool = False
    load_backends: list[str] = field(default_factory=lambda: ["postgres"])
    seed: int = 1
    busy: bool = False
    quick: bool = False
    results: dict[str, Any] = field(default_factory=dict)
    spinner: Spinner | None = None

    def timed(self, name: str, seconds: float) -> None:
        """One phase's wall time, in the JSON's `timings`."""
        self.results.setdefault("timings", []).append({"step": name, "s": round(seconds, 1)})


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _postgres(url: str) -> tuple[dict[str, str] | None, str | None]:
    """(server version and the settings that matter, None), or (None, why not)."""
    try:
        import psycopg

        from bench.common import libpq_url

        with psycopg.connect(libpq_url(url), connect_timeout=5) as conn:
            names = ("server_version", "shared_buffers", "work_mem", "random_page_cost")
            return {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in names}, None
    except Exception as error:  # any failure means: skip PostgreSQL, say why
        return None, f"PostgreSQL not reachable at {url}: {type(error).__name__}: {error}"


def _database(plan: Plan, backend: str, size: int) -> tuple[str, dict[str, Any]]:
    """The URL of a ready database of `size` candidates, and how it was made."""
    start = time.perf_counter()
    cached = datagen.sqlite_file(size, plan.seed, plan.data_dir).exists()
    path = datagen.build_sqlite(size, plan.seed, plan.data_dir, log=log)
    info: dict[str, Any] = {"sqlite_cached": cached}
    if backend == "sqlite":
        url = f"sqlite:///{path}"
    else:
        url = datagen.build_postgres(path, plan.pg_url, plan.pg_schema, log=log)
    info["s"] = round(time.perf_counter() - start, 1)
    plan.timed(f"{backend} {size:,} database", info["s"])
    info.update(datagen.counts(url))
    return url, info


def _brief(result: dict[str, Any]) -> str:
    """The headline numbers of a step, for the progress log."""
    parts = []
    for key, value in result.items():
        if isinstance(value, dict) and "p95_ms" in value:
            parts.append(f"{key} p50/p95 {value['p50_ms']}/{value['p95_ms']} ms")
        elif isinstance(value, dict) and "s" in value:
            parts.append(f"{key} {value['s']} s")
        elif key in ("s", "p50_ms", "p95_ms", "rps", "errors", "peak_rss_mb", "rows", "new"):
            parts.append(f"{key} {value}")
    return ", ".join(parts)


def _step(plan: Plan, name: str, task: str, params: dict[str, Any]) -> dict[str, Any]:
    log(f"{name} …")
    start = time.perf_counter()
    if plan.spinner is None:
        result = run_worker(task, params)
    else:
        with plan.spinner.during() as spun:
            result = run_worker(task, params)
        result.update(spun)
    plan.timed(name, time.perf_counter() - start)
    if "error" in result:
        log(f"{name} FAILED: {result['error']}: {' / '.join(result.get('stderr', [])[-3:])}")
    else:
        log(f"{name}: {_brief(result)}")
    return result


def _imports(plan: Plan, backend: str, url: str, size: int) -> dict[str, Any]:
    rows = plan.import_rows
    base = datagen.sqlite_file(size, plan.seed, plan.data_dir).stem
    start = time.perf_counter()
    path = str(import_file(url, rows, plan.data_dir, base))
    plan.timed(f"{backend} import file", time.perf_counter() - start)
    work: list[Path] = []

    def copy(tag: str) -> str:
        if backend != "sqlite":
            return url
        target = plan.data_dir / f"work-{os.getpid()}-{tag}.sqlite"
        shutil.copyfile(url.removeprefix("sqlite:///"), target)
        work.append(target)
        return f"sqlite:///{target}"

    try:
        floors = _step(plan, f"{backend} import floors", "import_floor",
                       {"url": copy("floor"), "file": path, "rows": rows})  # fmt: skip
        target = copy("import")
        dry = _step(plan, f"{backend} import dry run", "import",
                    {"url": target, "file": path, "commit": False})  # fmt: skip
        commit = _step(plan, f"{backend} import commit", "import",
                       {"url": target, "file": path, "commit": True})  # fmt: skip
    finally:
        for leftover in work:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{leftover}{suffix}").unlink(missing_ok=True)
    if "error" in floors:
        floors = {"floor": floors}
    else:  # the worker's own figures (memory, busy core) belong to each floor
        extras = {key: value for key, value in floors.items() if key not in FLOORS}
        floors = {name: {**floors[name], **extras} for name in FLOORS if name in floors}
    figures = {"rows": rows, "base_candidates": size, **floors, "dry_run": dry, "commit": commit}
    # Each figure beside each of its floors: the commit / floor ratios.
    figures["ratios"] = {
        f"{step}_vs_{name}": ratio(figures[step].get("s"), floors[name].get("s"))
        for step in ("dry_run", "commit")
        for name in FLOORS
        if name in floors
    }
    return figures


def _backend(plan: Plan, backend: str) -> None:
    sizes = sorted(plan.sizes)
    largest, smallest = sizes[-1], sizes[0]
    for size in sizes:
        url, info = _database(plan, backend, size)
        plan.results["databases"].setdefault(backend, {})[str(size)] = info
        try:
            if "list" in plan.only and (size == largest or plan.list_every_size):
                # The targets are at the largest size; the others get a quarter of the requests.
                requests = plan.requests if size == largest else max(5, plan.requests // 4)
                result = _step(plan, f"{backend} {size:,} list", "list",
                               {"url": url, "requests": requests})  # fmt: skip
                plan.results["list"].setdefault(backend, {})[str(size)] = result
            if size == largest and "reports" in plan.only:
                reports = plan.results["reports"].setdefault(backend, {"candidates": size})
                for report in REPORTS:
                    params = {"url": url, "report": report, "rounds": plan.rounds,
                              "area": plan.detail_area}  # fmt: skip
                    reports[report] = _step(plan, f"{backend} report {report}", "report", params)
            if size == largest and "load" in plan.only and backend in plan.load_backends:
                params = {"url": url, "connections": plan.connections,
                          "requests": plan.load_requests, "seconds": plan.load_seconds,
                          "log_dir": str(plan.data_dir / "logs"),
                          "sample": min(plan.requests, 200)}  # fmt: skip
                plan.results["load"][backend] = {
                    "candidates": size,
                    **_step(plan, f"{backend} gunicorn load", "load", params),
                }
            if size == smallest and "import" in plan.only:
                plan.results["import"][backend] = _imports(plan, backend, url, size)
        finally:
            if backend == "postgres":
                start = time.perf_counter()
                datagen.drop_schema(plan.pg_url, plan.pg_schema)
                plan.timed(f"{backend} {size:,} drop schema", time.perf_counter() - start)


def run(plan: Plan) -> dict[str, Any]:
    """Every step of the plan; the JSON document (also written to results)."""
    started = time.perf_counter()
    cached = [size for size in plan.sizes
              if datagen.sqlite_file(size, plan.seed, plan.data_dir).exists()]  # fmt: skip
    plan.results = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "plan": {
            "sizes": plan.sizes,
            "backends": plan.backends,
            "only": plan.only,
            "requests": plan.requests,
            "import_rows": plan.import_rows,
            "rounds": plan.rounds,
            "load_seconds": plan.load_seconds,
            "connections": plan.connections,
            "busy": plan.busy,
            "quick": plan.quick,
            # every step on both backends: the run whose duration has a target
            "whole": set(plan.only) == set(STEPS) and {"sqlite", "postgres"} <= set(plan.backends),
        },
        # The run's duration target is for an empty cache: which databases were cached.
        "cached_databases": cached,
        "empty_cache": not cached,
        "databases": {},
        **{step: {} for step in STEPS},
        "timings": [],
    }
    with worker_host(), keep_busy(plan.busy) as spin:
        plan.spinner = spin
        for backend in plan.backends:
            if backend == "postgres":
                server, problem = _postgres(plan.pg_url)
                if problem:
                    log(problem)
                    plan.results["skipped"] = {"postgres": problem}
                    continue
                plan.results["machine"]["postgresql"] = server
            _backend(plan, backend)
        if spin is not None:
            plan.results["busy"] = spin.stop()
        plan.spinner = None
    plan.results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    plan.results["total_s"] = round(time.perf_counter() - started, 1)
    plan.results["targets"] = evaluate(plan.results, max(plan.sizes))
    return plan.results


def write(results: dict[str, Any], out: Path | None) -> Path:
    path = out or BENCH_DIR / "results" / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    return path
