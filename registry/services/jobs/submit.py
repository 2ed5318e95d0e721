"""Asking for a job, following it and cancelling it: what the views call."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import ImportBatch, Job, User
from registry.services.jobs import JobRefused
from registry.services.jobs.queue import JobQueue, enqueue_after_commit
from registry.services.jobs.runner import cancel_queued

BUSY = "Tệp này đang được xử lý trong nền; hãy đợi việc đó xong (xem «Việc đang chạy»)."
TOO_LATE = "Việc đã bắt đầu ghi vào sổ theo dõi nên không hủy được nữa; hãy đợi kết quả."
FINISHED = "Việc này đã kết thúc, không còn gì để hủy."


def active_for_batch(session: Session, batch_id: int) -> Job | None:
    """The job waiting or running on this batch, if any."""
    stmt = select(Job).where(Job.batch_id == batch_id, Job.status.in_(("queued", "running")))
    return session.scalars(stmt.order_by(Job.id.desc()).limit(1)).first()


def submit(
    session: Session,
    user: User,
    kind: str,
    title: str,
    *,
    batch: ImportBatch | None = None,
    params: dict[str, Any] | None = None,
) -> Job:
    """A job waiting for a worker; it is sent to the queue when this transaction commits.
    JobRefused when another job is still at work on the same batch."""
    if batch is not None and active_for_batch(session, batch.id) is not None:
        raise JobRefused(BUSY)
    job = Job(
        kind=kind,
        user_id=user.id,
        batch_id=batch.id if batch is not None else None,
        title=title[:255],
        params=params,
    )
    session.add(job)
    session.flush()
    enqueue_after_commit(session, job.id)
    return job


def cancel(session: Session, jobs: JobQueue, job: Job) -> str:
    """Cancel a job before its commit starts: at once when no worker has it yet
    ("cancelled"), else at the worker's next check ("cancelling"). JobRefused when it
    has finished or its commit has started."""
    if job.finished:
        raise JobRefused(FINISHED)
    # Only a job read as waiting is cancelled in the database: a running one may hold
    # SQLite's write lock until it ends, so it is reached through the gate alone.
    if job.status == "queued" and cancel_queued(job):
        jobs.forget(job.id)
        return "cancelled"
    if jobs.take_gate(job.id, "cancel") == "commit":
        raise JobRefused(TOO_LATE)
    return "cancelling"


def state(jobs: JobQueue, job: Job) -> dict[str, Any]:
    """What the progress bar shows: status, phase, steps done of the total, percent."""
    live = jobs.progress(job.id) if not job.finished else None
    live = live or {}
    done, total = int(live.get("done") or 0), int(live.get("total") or 0)
    if job.status == "done":
        percent: int | None = 100
    elif total:
        percent = min(99, done * 100 // total)
    else:
        percent = None  # a phase without a count (reading the file)
    gate = jobs.gate(job.id) if not job.finished else None
    return {
        "id": job.id,
        "status": job.status,
        "finished": job.finished,
        "phase": live.get("phase") or "",
        "done": done,
        "total": total,
        "percent": percent,
        "cancelling": gate == "cancel",
        "committing": gate == "commit",
        "message": job.message or "",
    }
