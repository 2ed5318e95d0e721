"""What every benchmark shares: the application on a benchmark database, timing, workers.

Each measured step runs in a worker process of its own, so its peak memory is its own
and no engine or cache carries over from one step to the next. Inside `worker_host()`
(the whole `python -m bench` run) the process is a child forked from one that has
imported the application already (`python -m bench.worker --host`); otherwise a fresh
`python -m bench.worker TASK`, which prints one JSON object on its last line of stdout.
"""

from __future__ import annotations

import json
import os
import platform
import queue
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
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
    across exec, so a worker started by a large parent would report the parent's peak. A
    child forked from the worker host starts from the host's resident memory (the
    imported application), as a fresh worker does once it has imported it.
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


class WorkerHost:
    """`python -m bench.worker --host`: each step a child forked from one process that
    has imported the application (bench.worker describes the exchange)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="bench-host-"))
        self.jobs = 0
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.worker", "--host"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=_WORKER_ENV,
        )
        self.answers: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]  # a pipe
            self.answers.put(line)
        self.answers.put("")  # the host ended

    def _answer(self, timeout: float) -> dict[str, Any]:
        line = self.answers.get(timeout=timeout)
        if not line:
            raise RuntimeError("the worker host ended")
        return json.loads(line)

    def run(self, task: str, params: dict[str, Any], timeout: float) -> tuple[int, Path, Path]:
        """(exit code, result file, log file) of one step."""
        self.jobs += 1
        out, log = self.dir / f"{self.jobs}.json", self.dir / f"{self.jobs}.log"
        job = {"task": task, "params": params, "out": str(out), "log": str(log)}
        self.process.stdin.write(json.dumps(job) + "\n")  # type: ignore[union-attr]  # a pipe
        self.process.stdin.flush()  # type: ignore[union-attr]
        pid = self._answer(120)["pid"]  # the first job waits for the imports
        try:
            code = self._answer(timeout)["exit"]
        except queue.Empty:
            os.kill(pid, signal.SIGKILL)
            code = self._answer(60)["exit"]
        return code, out, log

    def close(self) -> None:
        self.process.stdin.close()  # type: ignore[union-attr]  # the host ends at EOF
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)
        self.process.stdout.close()  # type: ignore[union-attr]  # a pipe
        shutil.rmtree(self.dir, ignore_errors=True)


_WORKER_ENV = {**os.environ, "PYTHONHASHSEED": "0"}
_host: WorkerHost | None = None


@contextmanager
def worker_host() -> Iterator[WorkerHost]:
    """Steps run inside the block are forked from one worker host."""
    global _host
    _host = WorkerHost()
    try:
        yield _host
    finally:
        _host.close()
        _host = None


def _tail(text: str) -> list[str]:
    return text.strip().splitlines()[-15:]


def run_worker(task: str, params: dict[str, Any], timeout: float = 900) -> dict[str, Any]:
    """One step in a worker process of its own; its JSON result, or an error."""
    started = time.perf_counter()
    if _host is not None:
        code, out, log = _host.run(task, params, timeout)
        if code != 0 or not out.exists():
            return {"error": f"{task} failed (exit {code})", "stderr": _tail(log.read_text())}
        result = json.loads(out.read_text())
    else:
        done = subprocess.run(
            [sys.executable, "-m", "bench.worker", task, json.dumps(params)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_WORKER_ENV,
            check=False,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            tail = _tail(done.stderr or done.stdout)
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
