"""backup then restore brings the data back as it was, on either backend."""

from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Candidate
from tests.factories import CandidateFactory


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Candidate))


def test_backup_and_restore_round_trip(runner, tmp_path, backend):
    CandidateFactory(full_name="Lò Thị Mẩy")
    db.session.commit()
    target = tmp_path / "registry.backup"
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
