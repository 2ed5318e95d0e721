"""A background worker killed in the middle of a commit: a real `jobs-worker` process,
killed with SIGKILL while its transaction has written rows, leaves the database as it
was, and the job is marked failed when a worker starts again."""

from __future__ import annotations

import io
import signal
import subprocess
import time

import pytest
import sqlalchemy as sa
from huey import SqliteHuey

from registry.extensions import db
from registry.models import Candidate, ImportBatch, Job
from registry.services.jobs.queue import QUEUE_NAME
from registry.services.jobs.runner import INTERRUPTED
from registry.services.jobs.tasks import build_queue
from tests.fixtures.sheets import csv_bytes
from tests.security.child import start_flask
from tests.security.routes import count, text
from tests.security.test_faults import _people
from tests.security.world import fingerprint


def _job_status(job_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(sa.select(Job.status).where(Job.id == job_id)) or ""


def _wait_for(job_id: int, statuses: tuple[str, ...], worker: subprocess.Popen) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = _job_status(job_id)
        if status in statuses:
            return status
        assert worker.poll() is None, worker.communicate()
        time.sleep(0.1)
    pytest.fail(f"job {job_id} is still {_job_status(job_id)}")


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    worker.communicate()


def _job_of(response) -> int:
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def test_a_worker_killed_mid_commit_leaves_the_database_as_before_and_the_job_failed(
    app, world, sign_in, database_url, tmp_path, monkeypatch
):
    jobs_file = tmp_path / "jobs.db"
    # The web side of this test sends jobs to the queue file the worker processes read.
    monkeypatch.setitem(
        app.extensions, "jobs", build_queue(app, SqliteHuey(QUEUE_NAME, filename=str(jobs_file)))
    )
    monkeypatch.setitem(app.config, "BACKGROUND_IMPORT_KB", 0)
    client = sign_in(world.users["area_a"])
    env = {"JOBS_FILE": str(jobs_file), "REDIS_URL": "", "TEST_PAUSE_AFTER_INSERT": "60"}
    upload = client.post(
        "/imports/upload",
        data={"file": (io.BytesIO(csv_bytes(_people(1, 200))), "ds.csv")},
        content_type="multipart/form-data",
    )
    preview = _job_of(upload)
    worker = start_flask(["jobs-worker"], database_url, **env)
    try:
        assert _wait_for(preview, ("done", "failed"), worker) == "done"
        batch_id = db.session.scalar(sa.select(Job.batch_id).where(Job.id == preview))
        before = fingerprint()
        commit = _job_of(client.post(f"/imports/{batch_id}/commit", data={}))
        line = worker.stderr.readline()  # blocks until the commit has written its first row
        while line and line.strip() != "WRITING":
            line = worker.stderr.readline()
        assert line.strip() == "WRITING", worker.communicate()
        assert _job_status(commit) == "running"
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate()
    db.session.expire_all()
    assert fingerprint() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 4
    assert db.session.get(ImportBatch, batch_id).status == "previewed"
    assert _job_status(commit) == "running"  # nobody has noticed yet

    restarted = start_flask(["jobs-worker"], database_url, JOBS_FILE=str(jobs_file), REDIS_URL="")
    try:
        assert _wait_for(commit, ("failed",), restarted) == "failed"
    finally:
        _stop(restarted)
    page = text(client.get(f"/jobs/{commit}"))
    assert INTERRUPTED in page
    db.session.expire_all()
    assert fingerprint() == before
    count("fault_job_kill", 1)
