"""Faults: the import killed mid-commit, two imports at once, the database gone, the disk
full while a report is written. Each leaves the data as it was, with a clear message."""

from __future__ import annotations

import errno
import signal
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from config import TestConfig
from registry import create_app
from registry.extensions import db
from registry.models import Candidate
from tests.fixtures.sheets import csv_bytes
from tests.security.child import run_flask, start_flask
from tests.security.routes import count, text
from tests.security.world import fingerprint

HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã đơn vị"]


def _people(first: int, last: int) -> list[list[object]]:
    rows = [HEADER]
    for n in range(first, last + 1):
        born = date(2006, 1, 1) + timedelta(days=n)
        rows.append([f"Đỗ Văn Thử {n}", born.strftime("%d/%m/%Y"), "Nam", "Kinh", "THA"])
    return rows


def _write(tmp_path: Path, name: str, rows) -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return path


@pytest.fixture
def importing(app, world):
    if "import-candidates" not in app.cli.commands:
        pytest.skip("the import command is not registered")
    return world


def test_killed_in_the_middle_of_an_import_commit_leaves_the_database_as_before(
    importing, database_url, tmp_path
):
    before = fingerprint()
    path = _write(tmp_path, "ds.csv", _people(1, 200))
    child = start_flask(
        ["import-candidates", str(path), "--commit"], database_url, TEST_PAUSE_AFTER_INSERT="60"
    )
    try:
        line = child.stderr.readline()  # blocks until the commit has written its first row
        assert line.strip() == "WRITING", line + child.stderr.read()
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        child.kill()
        child.communicate()
    db.session.expire_all()
    assert fingerprint() == before
    # The database is usable afterwards: the same import, not interrupted, goes through.
    done = run_flask(["import-candidates", str(path), "--commit", "--json"], database_url)
    assert done.returncode == 0, done.stderr[-2000:]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 4 + 200
    count("fault_kill", 1)


def test_two_overlapping_imports_at_once_add_each_person_once(importing, database_url, tmp_path):
    first = _write(tmp_path, "dot1.csv", _people(1, 60))
    second = _write(tmp_path, "dot2.csv", _people(41, 100))
    # The first holds its transaction open a moment, so the second really waits on it.
    one = start_flask(
        ["import-candidates", str(first), "--commit"], database_url, TEST_PAUSE_AFTER_INSERT="2"
    )
    two = start_flask(["import-candidates", str(second), "--commit"], database_url)
    outs = [p.communicate(timeout=120) for p in (one, two)]
    assert [one.returncode, two.returncode] == [0, 0], outs
    db.session.expire_all()
    keys = db.session.execute(
        sa.select(Candidate.name_key, Candidate.birth_date, Candidate.unit_id)
    ).all()
    assert len(keys) == len(set(keys)) == 4 + 100
    count("fault_concurrent", 1)


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////khong-co-thu-muc-nay/registry.db",
        "postgresql+psycopg://postgres@127.0.0.1:9/registry?connect_timeout=2",
    ],
)
def test_database_unavailable_gives_a_clear_503_page(url):
    class Down(TestConfig):
        TESTING = False
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Down)
    client = app.test_client()
    health = client.get("/health")
    assert health.status_code == 503 and health.get_json()["status"] == "error"
    response = client.post("/login", data={"username": "quantri", "password": "mat-khau-sai-1"})
    page = text(response)
    assert response.status_code == 503
    assert "Cơ sở dữ liệu tạm thời không truy cập được" in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert client.get("/login").status_code in (200, 503)
    count("fault_db_down", 3)


def test_disk_full_while_exporting_a_report_leaves_no_file(
    app, world, runner, tmp_path, monkeypatch
):
    if "export" not in app.cli.commands:
        pytest.skip("the export command is not registered")
    out = tmp_path / "bao_cao.xlsx"
    real = Path.write_bytes

    def full(self, data):
        if self == out:
            with open(self, "wb") as fh:
                fh.write(data[:100])  # the disk fills after a few bytes
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    result = runner.invoke(
        args=["export", "students", "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(out)]
    )
    count("fault_disk_full", 1)
    assert result.exit_code != 0
    assert "đầy" in result.output or "dung lượng" in result.output
    assert not out.exists()


def test_a_signed_in_user_gets_the_503_page_when_the_database_goes_down(
    app, world, sign_in, monkeypatch
):
    client = sign_in(world.users["area_a"])
    assert client.get("/candidates/").status_code == 200
    monkeypatch.setitem(app.config, "TESTING", False)  # as in production: no propagation

    def refuse(*_args, **_kwargs):
        raise OperationalError("connect", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(db.engine, "connect", refuse)
    monkeypatch.setattr(db.engine, "raw_connection", refuse)
    db.session.remove()
    for path in ("/", "/candidates/", f"/candidates/{world.a.ids['candidate']}"):
        response = client.get(path)
        page = text(response)
        assert response.status_code == 503, path
        assert "Cơ sở dữ liệu tạm thời không truy cập được" in page
        assert "Traceback" not in page and "OperationalError" not in page
    count("fault_db_down_signed_in", 3)
