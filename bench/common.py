"""What every benchmark shares: the application on a benchmark database, timing, workers.

Each measured step runs in a worker process of its own (`python -m bench.worker TASK`),
so its peak memory (ru_maxrss) is its own and no engine or cache carries over from one
step to the next; the worker prints one JSON object on its last line of stdout.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
SECRET = "bench-secret-key-not-for-production"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def bench_app(url: str, **settings: Any):
    """The application as production configures it, on the benchmark database."""
    from config import Config, engine_options
    from registry import create_app

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = engine_options(url)  # the production pool settings
        SECRET_KEY = SECRET
        DEMO_MODE = False
        LOG_LEVEL = "WARNING"  # one log line per request would only measure stderr

    for key, value in settings.items():
        setattr(BenchConfig, key, value)
    return create_app(BenchConfig)


def pg_url(base: str, schema: str) -> str:
    """The SQLAlchemy URL of `base` with `schema` first on the search path."""
    return f"{base}?options=-csearch_path%3D{schema}"


def libpq_url(url: str) -> str:
    """The URL as psycopg.connect takes it (no driver name, no query options)."""
    return make_url(url).set(drivername="postgresql", query={}).render_as_string(False)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    VmHWM belongs to the process's own memory map, which exec replaces; ru_maxrss is kept
    across exec, so a worker started by a large parent would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextmanager
def stopwatch() -> Iterator[dict[str, float]]:
    """{'s': seconds} filled when the block ends (wall clock)."""
    out: dict[str, float] = {}
    start = time.perf_counter()
    try:
        yield out
    finally:
        out["s"] = round(time.perf_counter() - start, 3)


def best_of(func: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    """The shortest wall time of `rounds` runs (a busy machine only ever adds time)."""
    best, result = float("inf"), None
    for _ in range(max(1, rounds)):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return round(best, 4), result


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max of latencies in milliseconds."""
    if not samples_ms:
        return {"n": 0}
    ordered = sorted(samples_ms)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1], 1),
    }


def run_worker(task: str, params: dict[str, Any], timeout: float = 900) -> dict[str, Any]:
    """Run `python -m bench.worker TASK` with `params`; its JSON result, or an error."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", task, json.dumps(params)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-15:]
        return {"error": f"{task} failed (exit {done.returncode})", "stderr": tail}
    result = json.loads(lines[-1])
    result.setdefault("worker_s", round(time.perf_counter() - started, 2))
    return result


def machine() -> dict[str, Any]:
    """nproc, CPU model, RAM and versions: where the figures came from."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": __import__("sqlite3").sqlite_version,
        "platform": platform.platform(terse=True),
    }


def ratio(value: float | None, floor: float | None) -> float | None:
    if not value or not floor:
        return None
    return round(value / floor, 2)
