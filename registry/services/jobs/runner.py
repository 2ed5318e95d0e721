"""Running a job: claim it, do its work and mark it done in one transaction, or fail.

A job's work and its "done" commit together, so a job is done exactly when its work is
in the database. Anything that stops the work (a refusal, a cancel, an error, the
process killed) rolls it back whole: a failed job leaves the database as it was.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from registry.extensions import db
from registry.models import Job
from registry.models._types import utcnow
from registry.services import ServiceError
from registry.services.jobs import kinds
from registry.services.jobs.queue import JobQueue, Reporter

log = logging.getLogger(__name__)

CANCELLED = "Đã hủy theo yêu cầu. Không có gì được ghi vào sổ theo dõi."
UNEXPECTED = (
    "Có lỗi hệ thống khi xử lý việc này. Không có gì được ghi vào sổ theo dõi; hãy thử "
    "lại, và báo quản trị nếu lỗi lặp lại."
)
INTERRUPTED = (
    "Việc bị dừng giữa chừng vì tiến trình xử lý đã tắt đột ngột (máy chủ khởi động lại "
    "hoặc hết bộ nhớ). Không có gì được ghi vào sổ theo dõi; hãy chạy lại."
)


class Cancelled(Exception):
    """The user cancelled the job before its commit started."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Work(kinds.Progress):
    """A running job's side of its progress and of its cancel-or-commit gate."""

    def __init__(self, jobs: JobQueue, job_id: int) -> None:
        self.jobs, self.job_id = jobs, job_id
        self.reporter = Reporter(jobs, job_id)

    def phase(self, name: str, total: int = 0) -> None:
        self.check_cancel()
        self.reporter.start(name, total)

    def step(self, count: int = 1) -> None:
        self.reporter.step(count)
        if self.reporter.done % 500 < count:  # now and then, not at every row
            self.check_cancel()

    def check_cancel(self) -> None:
        if self.jobs.gate(self.job_id) == "cancel":
            raise Cancelled

    def enter_commit(self) -> None:
        """From here the job writes and can no longer be cancelled."""
        if self.jobs.take_gate(self.job_id, "commit") == "cancel":
            raise Cancelled


def _claim(job_id: int) -> bool:
    """queued → running, by this process; False when it was cancelled or taken."""
    claimed: CursorResult = db.session.execute(  # type: ignore[assignment]  # an UPDATE's result is a CursorResult
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", started_at=utcnow(), worker=worker_name())
    )
    db.session.commit()
    return claimed.rowcount == 1


def run(job_id: int, jobs: JobQueue) -> None:
    """Run the job with this id, if it is still waiting."""
    if not _claim(job_id):
        return
    session = db.session()
    job = session.get(Job, job_id)
    if job is None:
        return
    kind, name = kinds.KINDS[job.kind], job.kind
    try:
        try:
            kind.run(session, job, Work(jobs, job_id))
            job.status, job.finished_at = "done", utcnow()
            session.commit()
        except Cancelled:
            _failed(job_id, "cancelled", CANCELLED, kind.undo)
        except ServiceError as refusal:
            _failed(job_id, "failed", str(refusal), kind.undo, refusal)
        except Exception:
            log.exception("job %s (%s) failed", job_id, name)
            _failed(job_id, "failed", UNEXPECTED, kind.undo)
    finally:
        jobs.forget(job_id)


def _failed(job_id: int, status: str, message: str, undo: kinds.Undo, error=None) -> None:
    """Roll the work back, then record why (with what undoing the request needs)."""
    db.session.rollback()
    job = db.session.get(Job, job_id)
    if job is None:
        return
    job.status, job.finished_at = status, utcnow()
    job.message = undo(db.session(), job, error) or message
    db.session.commit()


def cancel_queued(job: Job) -> bool:
    """Cancel a job no worker has started (in the request's transaction)."""
    done: CursorResult = db.session.execute(  # type: ignore[assignment]  # as in _claim
        update(Job)
        .where(Job.id == job.id, Job.status == "queued")
        .values(status="cancelled", finished_at=utcnow(), message=CANCELLED)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    db.session.refresh(job)
    kinds.KINDS[job.kind].undo(db.session(), job, None)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted(jobs: JobQueue) -> int:
    """Mark failed the jobs left running by a process of this host that is gone (killed
    in the middle; its transaction never committed). Returns how many."""
    host = socket.gethostname()
    running = db.session.scalars(
        select(Job).where(Job.status == "running", Job.worker.startswith(f"{host}:"))
    ).all()
    count = 0
    for job in running:
        pid = (job.worker or "").rsplit(":", 1)[-1]
        if pid.isdigit() and (int(pid) == os.getpid() or _alive(int(pid))):
            continue  # still at work (in this process, or another one here)
        job.status, job.finished_at, job.message = "failed", utcnow(), INTERRUPTED
        kinds.KINDS[job.kind].undo(db.session(), job, None)
        jobs.forget(job.id)
        count += 1
    db.session.commit()
    return count


def upkeep(jobs: JobQueue, result_days: int, now=None) -> None:
    """Every minute in the worker: fail the jobs of dead processes, and drop exported
    workbooks older than `result_days` (JOB_RESULT_DAYS: they hold personal data)."""
    recover_interrupted(jobs)
    cutoff = (now or utcnow()) - timedelta(days=result_days)
    db.session.execute(
        update(Job)
        .where(Job.file.is_not(None), Job.finished_at < cutoff)
        .values(file=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
