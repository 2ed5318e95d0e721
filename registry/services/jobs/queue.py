"""The job queue (huey) and the live state of a running job.

Which huey: in memory and run at once (`JOBS_IMMEDIATE`, the tests); on Redis when
`REDIS_URL` is set (production, several hosts); else in a SQLite file beside the
database (`JOBS_FILE`, default instance/jobs.db: `make run`). The queue carries only a
job's id; what the job is, its state and its result live in the `job` table.

While a job runs, its progress and its cancel-or-commit gate live in huey's key-value
storage, not in the database: the work holds its transaction (on SQLite, the database's
one write lock) until it commits, so a progress row in the database could not be
written, nor read, until the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy.orm import Session

QUEUE_NAME = "registry-jobs"
PENDING = "jobs_to_enqueue"  # Session.info key: ids of jobs waiting for the commit
PROGRESS_EVERY = 0.3  # seconds between two writes of a job's progress


def make_huey(config: dict[str, Any], instance_path: str) -> Huey:
    """The huey the settings ask for (see the module's docstring)."""
    if config.get("JOBS_IMMEDIATE"):
        return MemoryHuey(QUEUE_NAME, immediate=True)
    if config.get("REDIS_URL"):
        return RedisHuey(QUEUE_NAME, url=config["REDIS_URL"])
    path = Path(config.get("JOBS_FILE") or Path(instance_path) / "jobs.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(path))


@dataclass
class JobQueue:
    """A huey with the one task that runs a job by its id."""

    huey: Huey
    run_task: Callable[[int], Any]

    def enqueue(self, job_id: int) -> None:
        self.run_task(job_id)

    # Live state, keyed by job id (huey's key-value storage, shared with the worker).
    def put_progress(self, job_id: int, state: dict[str, Any]) -> None:
        self.huey.put(f"job:{job_id}:progress", state)

    def progress(self, job_id: int) -> dict[str, Any] | None:
        return self.huey.get(f"job:{job_id}:progress", peek=True)

    def take_gate(self, job_id: int, side: str) -> str:
        """Atomically set the job's gate to `side` ("cancel" or "commit") unless the
        other side took it first; returns who holds it. Of a cancel and a commit that
        meet, exactly one wins."""
        key = f"job:{job_id}:gate"
        if self.huey.put_if_empty(key, side):
            return side
        holder = self.huey.get(key, peek=True)
        return holder if isinstance(holder, str) else side

    def gate(self, job_id: int) -> str | None:
        return self.huey.get(f"job:{job_id}:gate", peek=True)

    def forget(self, job_id: int) -> None:
        """Drop a finished job's live state."""
        self.huey.delete(f"job:{job_id}:progress")
        self.huey.delete(f"job:{job_id}:gate")


def enqueue_after_commit(session: Session, job_id: int) -> None:
    """Send the job to the queue once the transaction that made it commits (a worker
    must find its row), never if it rolls back (registry.services.jobs.tasks)."""
    session.info.setdefault(PENDING, []).append(job_id)


class Reporter:
    """What a job tells of its progress: the phase, and steps done out of a total.

    Writes at most every PROGRESS_EVERY seconds (and at each new phase), so a tight loop
    of small steps costs nothing much."""

    def __init__(self, jobs: JobQueue, job_id: int) -> None:
        self.jobs, self.job_id = jobs, job_id
        self.phase, self.done, self.total = "", 0, 0
        self._written = 0.0

    def start(self, phase: str, total: int = 0) -> None:
        self.phase, self.done, self.total = phase, 0, total
        self._write()

    def step(self, count: int = 1) -> None:
        self.done += count
        if time.monotonic() - self._written >= PROGRESS_EVERY:
            self._write()

    def _write(self) -> None:
        self._written = time.monotonic()
        self.jobs.put_progress(
            self.job_id, {"phase": self.phase, "done": self.done, "total": self.total}
        )
