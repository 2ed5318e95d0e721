"""backup then restore brings the data back as it was, on either backend."""

import os

import pytest
from sqlalchemy import func, select, text

from registry.extensions import db
from registry.models import Candidate
from tests.factories import CandidateFactory


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Candidate))


def test_backup_and_restore_round_trip(runner, tmp_path, backend):
    CandidateFactory(full_name="Lò Thị Mẩy")
    db.session.commit()
    target = tmp_path / "registry.cli.backup"
    made = runner.invoke(args=["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert target.stat().st_size > 0

    db.session.execute(Candidate.__table__.delete())
    db.session.commit()
    assert _count() == 0

    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert db.session.scalar(select(Candidate.full_name)) == "Lò Thị Mẩy"


def test_restore_of_a_missing_file_says_so(runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "khong-co"), "--yes"])
    assert result.exit_code != 0
    assert "Không có tệp sao lưu" in result.output


def test_postgres_backup_and_restore_leave_other_schemas_alone(runner, tmp_path, backend):
    """Another schema of the same database (another application) is neither copied nor
    replaced by a restore."""
    if backend != "postgres":
        pytest.skip("pg_dump/pg_restore: PostgreSQL only")
    other = f"khac_{os.getpid()}"
    with db.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{other}"'))
        conn.execute(text(f'CREATE TABLE "{other}".ghi_chu (noi_dung text)'))
        conn.execute(text(f'INSERT INTO "{other}".ghi_chu VALUES (:v)'), {"v": "trước sao lưu"})
    try:
        target = tmp_path / "registry.cli.backup"
        assert runner.invoke(args=["backup", str(target)]).exit_code == 0
        with db.engine.begin() as conn:
            conn.execute(text(f'UPDATE "{other}".ghi_chu SET noi_dung = :v'), {"v": "sau sao lưu"})
        restored = runner.invoke(args=["restore", str(target), "--yes"])
        assert restored.exit_code == 0, restored.output
        with db.engine.begin() as conn:
            kept = conn.scalar(text(f'SELECT noi_dung FROM "{other}".ghi_chu'))
        assert kept == "sau sao lưu"
    finally:
        with db.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{other}" CASCADE'))
