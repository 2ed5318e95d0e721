"""The application's job queue: huey's task that runs a job, the worker's upkeep, and
sending a job once the transaction that made it commits."""

from __future__ import annotations

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from registry.services.jobs import runner
from registry.services.jobs.queue import PENDING, JobQueue, make_huey


def build_queue(app: Flask, huey: Huey) -> JobQueue:
    """Register the job task (and the worker's upkeep, every minute) on `huey`, running
    in `app`."""
    jobs: JobQueue

    @huey.task(name="registry.run_job")
    def run_job(job_id: int) -> None:
        with app.app_context():
            runner.run(job_id, jobs)

    @huey.periodic_task(crontab(minute="*"), name="registry.job_upkeep")
    def upkeep() -> None:
        with app.app_context():
            runner.upkeep(jobs, app.config["JOB_RESULT_DAYS"])

    jobs = JobQueue(huey, run_job)
    return jobs


def init_app(app: Flask) -> None:
    """Nothing is opened here: the queue is made when first used (a command that never
    touches a job needs no instance/ folder, nor Redis)."""
    app.extensions.pop("jobs", None)


def queue() -> JobQueue:
    """The application's job queue."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the real Flask app
    jobs = app.extensions.get("jobs")
    if jobs is None:
        jobs = build_queue(app, make_huey(app.config, app.instance_path))
        app.extensions["jobs"] = jobs
    return jobs


@event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending and has_app_context():
        jobs = queue()
        for job_id in pending:
            jobs.enqueue(job_id)


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session: Session) -> None:
    session.info.pop(PENDING, None)
