"""Background jobs through the web: imports, rollbacks and long detail lists handed to a
job above their size setting, the job's page and list, failures, cancelling, scope.

Jobs run in the test process when their request commits (JOBS_IMMEDIATE); the tests
that need a job to wait (cancelling) give the application a queue nobody works yet.
"""

from __future__ import annotations

import io
import os
import socket
import threading
from datetime import timedelta

import openpyxl
import pytest
from huey import MemoryHuey
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AuditLog, Candidate, ImportBatch, Job
from registry.models._types import utcnow
from registry.services.jobs import runner, submit
from registry.services.jobs import tasks as job_queue
from tests.factories import login
from tests.fixtures.sheets import xlsx_bytes
from tests.integration.import_world import build_world, dump, person, sheet


@pytest.fixture
def world(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "BACKGROUND_IMPORT_KB", 0)  # every file goes to a job
    monkeypatch.setitem(ctx.config, "BACKGROUND_ROWS", 0)
    return build_world()


@pytest.fixture
def officer(world, client):
    login(client, world["users"]["officer_a"])
    return world["users"]["officer_a"]


@pytest.fixture
def waiting(ctx, monkeypatch):
    """A queue that keeps its jobs until the test works them (`work()`)."""
    huey = MemoryHuey("test-jobs")
    jobs = job_queue.build_queue(ctx, huey)
    monkeypatch.setitem(ctx.extensions, "jobs", jobs)

    def work() -> None:
        while (task := huey.dequeue()) is not None:
            huey.execute(task)

    jobs.work = work  # type: ignore[attr-defined]
    return jobs


def text(response) -> str:
    return response.get_data(as_text=True)


def upload(client, rows, name: str = "danh_sach.xlsx"):
    return client.post(
        "/imports/upload",
        data={"file": (io.BytesIO(xlsx_bytes(rows)), name)},
        content_type="multipart/form-data",
    )


def job_of(response) -> Job:
    assert response.status_code == 302, text(response)[:2000]
    location = response.headers["Location"]
    assert "/jobs/" in location, location
    db.session.expire_all()
    return db.session.get(Job, int(location.rstrip("/").rsplit("/", 1)[-1]))


def people(count: int, **extra) -> list[list[object]]:
    return sheet([person(n, **extra) for n in range(1, count + 1)])


def candidates() -> int:
    return db.session.scalar(select(func.count(Candidate.id))) or 0


def data_tables() -> dict:
    """Every table but the jobs' own."""
    return {name: rows for name, rows in dump().items() if name != "job"}


def test_a_large_upload_is_read_by_a_job_whose_page_shows_the_preview_counts(officer, client):
    job = job_of(upload(client, people(30)))
    assert (job.kind, job.status, job.title) == ("import_preview", "done", "danh_sach.xlsx")
    page = text(client.get(f"/jobs/{job.id}"))
    assert "Đã đọc và kiểm tra 30 dòng: 30 thêm mới" in page
    assert f"/imports/{job.batch_id}" in page
    batch = db.session.get(ImportBatch, job.batch_id)
    assert (batch.status, batch.rows, batch.new) == ("previewed", 30, 30)
    assert "Thêm mới" in text(client.get(f"/imports/{batch.id}"))
    assert candidates() == 0
    listing = text(client.get("/jobs/"))
    assert "Việc đang chạy" in listing and "Đọc và kiểm tra tệp nhập" in listing
    assert "danh_sach.xlsx" in listing and "Đã xong" in listing


def test_committing_a_large_batch_runs_as_a_job_and_writes_every_row(officer, client):
    preview = job_of(upload(client, people(40)))
    job = job_of(client.post(f"/imports/{preview.batch_id}/commit", data={}))
    assert (job.kind, job.status) == ("import_commit", "done")
    assert "Đã nhập 40 dòng: 40 thêm mới" in text(client.get(f"/jobs/{job.id}"))
    assert candidates() == 40
    assert db.session.get(ImportBatch, preview.batch_id).status == "committed"
    state = client.get(f"/jobs/{job.id}/state").get_json()
    assert state["status"] == "done" and state["percent"] == 100 and state["finished"]


def test_a_commit_refused_for_its_rows_says_why_and_writes_nothing(officer, client):
    rows = sheet([person(1), person(2, birth_date="31/02/2005"), person(3)])
    preview = job_of(upload(client, rows))
    before = data_tables()
    job = job_of(client.post(f"/imports/{preview.batch_id}/commit", data={}))
    assert job.status == "failed"
    assert "Chưa ghi gì: 1 dòng có lỗi" in text(client.get(f"/jobs/{job.id}"))
    after = data_tables()
    assert {k: v for k, v in after.items() if k != "import_batch"} == {
        k: v for k, v in before.items() if k != "import_batch"
    }
    assert candidates() == 0


def test_a_job_failing_in_the_middle_of_writing_leaves_the_database_as_before(
    officer, client, monkeypatch
):
    preview = job_of(upload(client, people(30)))
    before = data_tables()
    real_step = runner.Work.step

    def break_while_writing(self, count=1):
        real_step(self, count)
        if self.reporter.phase.startswith("Đang ghi") and self.reporter.done > 35:
            # rows are inserted by now, inside the job's transaction
            assert db.session.scalar(select(func.count(Candidate.id))) > 0
            raise RuntimeError("disk gone")

    monkeypatch.setattr(runner.Work, "step", break_while_writing)
    job = job_of(client.post(f"/imports/{preview.batch_id}/commit", data={}))
    assert job.status == "failed"
    assert "Có lỗi hệ thống khi xử lý việc này. Không có gì được ghi" in text(
        client.get(f"/jobs/{job.id}")
    )
    assert data_tables() == before
    assert db.session.get(ImportBatch, preview.batch_id).status == "previewed"


def test_an_unreadable_large_upload_fails_in_vietnamese_and_keeps_no_batch(officer, client):
    before = data_tables()
    response = client.post(
        "/imports/upload",
        data={"file": (io.BytesIO(b"%PDF-1.4 " + b"x" * 2000), "ds.xlsx")},
        content_type="multipart/form-data",
    )
    job = job_of(response)
    assert job.status == "failed" and job.batch_id is None
    page = text(client.get(f"/jobs/{job.id}"))
    assert "Không đọc được tệp" in page and "ds.xlsx" in page
    assert data_tables() == before


def test_a_large_rollback_runs_as_a_job(officer, client):
    preview = job_of(upload(client, people(12)))
    job_of(client.post(f"/imports/{preview.batch_id}/commit", data={}))
    assert candidates() == 12
    job = job_of(client.post(f"/imports/{preview.batch_id}/rollback", data={"confirm": "y"}))
    assert (job.kind, job.status) == ("rollback", "done")
    assert "Đã hoàn tác: xóa 12 hồ sơ thêm mới" in text(client.get(f"/jobs/{job.id}"))
    assert candidates() == 0


def test_a_long_detail_list_is_built_by_a_job_and_downloaded_from_its_page(
    world, client, monkeypatch
):
    officer = world["users"]["officer_a"]
    login(client, officer)
    job_of(client.post(f"/imports/{job_of(upload(client, people(25))).batch_id}/commit"))
    form = {
        "report": "candidates",
        "preset": "year",
        "year": "2024",
        "quarter": "1",
        "area_id": str(world["areas"]["a"].id),
        "group": "",
        "reached": "",
    }
    job = job_of(client.post("/reports/", data=form))
    assert (job.kind, job.status) == ("export", "done")
    page = text(client.get(f"/jobs/{job.id}"))
    assert "(25 dòng)" in page and "Tải báo cáo" in page
    exports_before = db.session.scalar(
        select(func.count(AuditLog.id)).where(AuditLog.action == "export")
    )
    response = client.get(f"/jobs/{job.id}/download")
    assert response.status_code == 200
    assert "Danh%20s%C3%A1ch%20qu%E1%BA%A7n%20ch%C3%BAng" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    names = {
        cell
        for row in book.worksheets[0].iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str) and cell.startswith("Nguyễn Thị Thử")
    }
    assert len(names) == 25
    db.session.expire_all()
    assert (
        db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "export"))
        == exports_before + 1
    )


def test_a_user_sees_only_their_own_jobs_and_an_admin_sees_all(world, client):
    officer, other = world["users"]["officer_a"], world["users"]["officer_b"]
    login(client, officer)
    job = job_of(upload(client, people(3), name="rieng_cua_an.xlsx"))
    client.post("/logout")
    login(client, other)
    assert "rieng_cua_an.xlsx" not in text(client.get("/jobs/"))
    for path in ("", "/state", "/download"):
        assert client.get(f"/jobs/{job.id}{path}").status_code == 404, path
    assert client.post(f"/jobs/{job.id}/cancel").status_code == 404
    client.post("/logout")
    login(client, world["users"]["cell_a"])
    assert client.get("/jobs/").status_code == 403
    client.post("/logout")
    login(client, world["users"]["admin"])
    listing = text(client.get("/jobs/"))
    assert "rieng_cua_an.xlsx" in listing and "phuong.an" in listing
    assert client.get(f"/jobs/{job.id}").status_code == 200


def test_a_waiting_job_can_be_cancelled_and_then_never_runs(officer, client, waiting):
    job = job_of(upload(client, people(5)))
    assert job.status == "queued"
    page = text(client.get(f"/jobs/{job.id}"))
    assert "Hủy việc này" in page and 'role="progressbar"' in page
    assert "Đã hủy" in text(client.post(f"/jobs/{job.id}/cancel", follow_redirects=True))
    waiting.work()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "cancelled" and job.started_at is None
    assert db.session.scalar(select(func.count(ImportBatch.id))) == 0  # the upload is undone
    again = client.post(f"/jobs/{job.id}/cancel", follow_redirects=True)
    assert "Việc này đã kết thúc" in text(again)


@pytest.fixture
def second_tab(ctx, officer):
    """Another browser of the same user, signed in before the job starts (signing in
    writes, and on SQLite would wait for the job's transaction)."""
    other = ctx.test_client()
    login(other, officer)
    return other


def _click_cancel(tab, job_id: int) -> str:
    """The second tab clicks "Hủy" while the job runs: its own request, thread and
    database connection."""
    answer: dict[str, str] = {}

    def click() -> None:
        answer["page"] = text(tab.post(f"/jobs/{job_id}/cancel", follow_redirects=True))

    thread = threading.Thread(target=click)
    thread.start()
    thread.join(timeout=20)
    return answer["page"]


def test_a_running_commit_cancelled_while_it_reads_the_file_writes_nothing(
    officer, client, waiting, monkeypatch, second_tab
):
    preview = job_of(upload(client, people(20)))
    waiting.work()
    job = job_of(client.post(f"/imports/{preview.batch_id}/commit", data={}))
    before = data_tables()
    real_enter = runner.Work.enter_commit
    seen = {}

    def click_cancel_first(self):
        seen["page"] = _click_cancel(second_tab, self.job_id)
        real_enter(self)

    monkeypatch.setattr(runner.Work, "enter_commit", click_cancel_first)
    waiting.work()
    assert "Đang hủy" in seen["page"]
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "cancelled"
    assert "Đã hủy theo yêu cầu" in text(client.get(f"/jobs/{job.id}"))
    assert data_tables() == before and candidates() == 0
    assert db.session.get(ImportBatch, preview.batch_id).status == "previewed"


def test_a_commit_that_has_started_writing_can_no_longer_be_cancelled(
    officer, client, waiting, monkeypatch, second_tab
):
    preview = job_of(upload(client, people(20)))
    waiting.work()
    job = job_of(client.post(f"/imports/{preview.batch_id}/commit", data={}))
    real_step = runner.Work.step
    seen = {}

    def click_cancel_while_writing(self, count=1):
        real_step(self, count)
        if self.reporter.phase.startswith("Đang ghi") and "page" not in seen:
            seen["page"] = _click_cancel(second_tab, self.job_id)

    monkeypatch.setattr(runner.Work, "step", click_cancel_while_writing)
    waiting.work()
    assert "không hủy được nữa" in seen["page"]
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "done" and candidates() == 20


def test_a_second_job_on_a_batch_at_work_is_refused(officer, client, waiting):
    preview = job_of(upload(client, people(4)))
    response = client.post(f"/imports/{preview.batch_id}/commit", follow_redirects=True)
    assert "đang được xử lý trong nền" in text(response)
    assert db.session.scalar(select(func.count(Job.id))) == 1
    assert submit.active_for_batch(db.session(), preview.batch_id).id == preview.id


def test_the_worker_fails_jobs_of_dead_processes_and_drops_old_workbooks(world, client):
    officer = world["users"]["officer_a"]
    host = socket.gethostname()
    dead = Job(kind="export", status="running", user_id=officer.id, title="chết",
               worker=f"{host}:{2**22 + 12345}")  # fmt: skip
    alive = Job(kind="export", status="running", user_id=officer.id, title="sống",
                worker=f"{host}:{os.getpid()}")  # fmt: skip
    elsewhere = Job(kind="export", status="running", user_id=officer.id, title="máy khác",
                    worker="may-khac:1")  # fmt: skip
    old = Job(kind="export", status="done", user_id=officer.id, title="cũ", file=b"PK",
              finished_at=utcnow() - timedelta(days=8))  # fmt: skip
    recent = Job(kind="export", status="done", user_id=officer.id, title="mới", file=b"PK",
                 finished_at=utcnow() - timedelta(days=1))  # fmt: skip
    db.session.add_all([dead, alive, elsewhere, old, recent])
    db.session.commit()
    ids = [j.id for j in (dead, alive, elsewhere, old, recent)]
    runner.upkeep(job_queue.queue(), 7)
    db.session.expire_all()
    dead, alive, elsewhere, old, recent = (db.session.get(Job, i) for i in ids)
    assert (dead.status, dead.message) == ("failed", runner.INTERRUPTED)
    assert alive.status == elsewhere.status == "running"
    assert old.file is None and recent.file == b"PK"
    login(client, officer)
    assert "Tệp báo cáo đã được xóa" in text(
        client.get(f"/jobs/{old.id}/download", follow_redirects=True)
    )


def test_choosing_a_sheet_of_a_large_file_reads_it_again_in_a_job(officer, client):
    preview = job_of(upload(client, people(6)))
    job = job_of(client.post(f"/imports/{preview.batch_id}/sheet", data={"sheet": "Danh sách"}))
    assert (job.kind, job.status, job.params["sheet"]) == ("import_preview", "done", "Danh sách")
    assert "Đã đọc và kiểm tra 6 dòng: 6 thêm mới" in text(client.get(f"/jobs/{job.id}"))
    assert db.session.get(ImportBatch, preview.batch_id).sheet == "Danh sách"


def test_a_commit_job_for_a_batch_committed_meanwhile_says_so_and_writes_nothing(officer, client):
    preview = job_of(upload(client, people(5)))
    job_of(client.post(f"/imports/{preview.batch_id}/commit", data={}))
    batch = db.session.get(ImportBatch, preview.batch_id)
    before = data_tables()
    late = submit.submit(db.session(), officer, "import_commit", batch.filename, batch=batch)
    db.session.commit()  # a second tab's commit that was queued before the first ran
    db.session.expire_all()
    late = db.session.get(Job, late.id)
    assert late.status == "failed" and "đã được ghi hoặc hoàn tác" in late.message
    assert data_tables() == before
