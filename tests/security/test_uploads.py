"""Hostile files through the reader (in a child with a 1 GiB ceiling), the web upload and
the `import-candidates` command: each is refused with a Vietnamese message, in bounded
time and memory, and nothing reaches the database."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import ImportBatch
from tests.security.badfiles import BAD_FILES, MEMORY_CEILING, read_in_child
from tests.security.child import run_flask
from tests.security.routes import count, text
from tests.security.world import fingerprint

VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")
RISKY = ("zip_bomb", "declared_full_sheet", "csv_long_line")


@pytest.fixture(scope="session")
def bad_file_dir(tmp_path_factory):
    """Every hostile file, written once per test process."""
    folder = tmp_path_factory.mktemp("bad")
    for name, (filename, build, _codes) in BAD_FILES.items():
        (folder / name).mkdir()
        (folder / name / filename).write_bytes(build())
    return folder


def multipart(filename: str, data: bytes, field: str = "file") -> dict:
    """A multipart body built here: the test client spools big bodies to a temporary file
    it never closes (a ResourceWarning, which this suite treats as an error)."""
    boundary = "----registry-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def _path(folder, name):
    filename = BAD_FILES[name][0]
    return folder / name / filename


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_reader_refuses_in_bounded_memory_and_time(bad_file_dir, name):
    filename, _build, codes = BAD_FILES[name]
    answer = read_in_child(_path(bad_file_dir, name), filename, timeout=60)
    assert answer["ok"] is False and answer["code"] in codes, answer
    assert VIETNAMESE.search(answer["message"]), answer["message"]
    count("bad_file_reader", 1)


@pytest.fixture
def importer_client(app, world, sign_in):
    if "imports.upload" not in app.view_functions:
        pytest.skip("the import pages are not registered")
    return sign_in(world.users["area_a"])


def test_web_upload_refuses_each_bad_file_and_keeps_nothing(importer_client, bad_file_dir):
    client = importer_client
    before = fingerprint()
    batches = db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch))
    for name, (filename, _build, _codes) in BAD_FILES.items():
        data = _path(bad_file_dir, name).read_bytes()
        response = client.post("/imports/upload", **multipart(filename, data))
        assert response.status_code == 400, f"{name}: {response.status_code}"
        page = text(response)
        assert "invalid-feedback" in page and VIETNAMESE.search(page), name
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch)) == batches
    assert fingerprint() == before
    count("bad_file_web", len(BAD_FILES))


def test_uploads_over_the_size_limit_get_the_vietnamese_413_page(app, world, sign_in, monkeypatch):
    client = sign_in(world.users["admin"])
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 256 * 1024)
    before = fingerprint()
    big = b"Ho va ten,Ngay sinh\r\n" + b"x" * (300 * 1024)
    targets = [t for t in ("/imports/upload", "/units/surveys/import", "/units/targets/import")]
    for target in targets:
        response = client.post(target, **multipart("lon.csv", big))
        assert response.status_code == 413, target
        assert "Tệp quá lớn" in text(response)
    assert fingerprint() == before
    count("bad_file_size", len(targets))


def test_import_command_refuses_each_bad_file(app, world, runner, bad_file_dir):
    if "import-candidates" not in app.cli.commands:
        pytest.skip("the import command is not registered")
    before = fingerprint()
    for name, (_filename, _build, codes) in BAD_FILES.items():
        if name in RISKY:
            continue  # read in a child below
        path = _path(bad_file_dir, name)
        result = runner.invoke(args=["import-candidates", str(path), "--commit", "--json"])
        assert result.exit_code == 2, f"{name}: {result.output}"
        answer = json.loads(result.output)
        assert answer["errors"][0]["code"] in codes and answer["rows"] == 0
    db.session.expire_all()
    assert fingerprint() == before
    count("bad_file_cli", len(BAD_FILES) - len(RISKY))


@pytest.mark.parametrize("name", RISKY)
def test_import_command_in_a_child_with_a_memory_ceiling(
    app, world, database_url, bad_file_dir, name
):
    if "import-candidates" not in app.cli.commands:
        pytest.skip("the import command is not registered")
    before = fingerprint()
    done = run_flask(
        ["import-candidates", str(_path(bad_file_dir, name)), "--commit", "--json"],
        database_url,
        ceiling=MEMORY_CEILING,
        timeout=90,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    assert answer["errors"][0]["code"] in BAD_FILES[name][2]
    assert VIETNAMESE.search(answer["errors"][0]["message"])
    db.session.expire_all()
    assert fingerprint() == before
    count("bad_file_cli", 1)
