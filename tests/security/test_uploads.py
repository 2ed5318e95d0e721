"""Hostile files through the reader (in a child with a 1 GiB ceiling), the web upload,
the reference-sheet uploads, the commands and a real server process: each is refused
with a Vietnamese message, in bounded time and memory, nothing reaches the database,
and the server still answers."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import struct
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import openpyxl
import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import ImportBatch
from registry.services.imports.error_workbook import build_error_workbook
from registry.spreadsheet import Limits, ReadError, isolation, read_workbook
from tests.factories import PASSWORD
from tests.fixtures.oleio import record, xls_workbook
from tests.fixtures.sheets import ods_bytes, xlsx_bytes
from tests.security.badfiles import (
    BAD_FILES,
    CRASHING,
    MEMORY_CEILING,
    ROWS,
    read_in_child,
    sparse_xlsx,
    without_dimension,
)
from tests.security.child import run_flask, start_flask
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


def test_web_upload_refuses_each_bad_file_and_keeps_nothing(
    app, importer_client, bad_file_dir, monkeypatch
):
    # Every file read in the request (larger ones go to a job: test_job_uploads.py).
    monkeypatch.setitem(app.config, "BACKGROUND_IMPORT_KB", 1 << 30)
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


# --- crafted files that crashed or exhausted the reader (issue: no crash from a file) ----


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Browser:
    """Just enough of a browser for a real server: cookies, the CSRF token, multipart."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, data: bytes | None = None, content_type: str | None = None):
        request = urllib.request.Request(self.base + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode("utf-8", "replace")

    def token(self, path: str) -> str:
        _status, page = self.open(path)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]

    def sign_in(self, username: str, password: str) -> None:
        form = {"username": username, "password": password, "csrf_token": self.token("/login")}
        status, page = self.open("/login", urllib.parse.urlencode(form).encode())
        assert status == 200 and "Đăng xuất" in page, page[:2000]

    def upload(self, path: str, form_page: str, filename: str, data: bytes):
        boundary = "----registry-server-test"
        token = self.token(form_page)
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token}\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        body = head + data + f"\r\n--{boundary}--\r\n".encode()
        return self.open(path, body, f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def server(app, world, database_url):
    """`flask run` in a process of its own on the test database, until the test ends."""
    port = _free_port()
    child = start_flask(["run", "--host", "127.0.0.1", "--port", str(port)], database_url)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/login", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            assert child.poll() is None, child.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield child, base
    finally:
        child.terminate()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
        child.communicate()


def test_crash_files_leave_a_real_server_answering(server, world, bad_file_dir):
    """Each file once aborted the whole server process (a failed allocation in the
    parser); now each is refused with a Vietnamese message and the server lives on."""
    child, base = server
    browser = _Browser(base)
    browser.sign_in(world.users["admin"].username, PASSWORD)
    uploads = [
        ("/imports/upload", "/imports/", 400),
        ("/units/surveys/import", "/units/", 422),
        ("/units/targets/import", "/units/", 422),
    ]
    for name in CRASHING:
        filename = BAD_FILES[name][0]
        data = _path(bad_file_dir, name).read_bytes()
        for target, form_page, expected in uploads:
            status, page = browser.upload(target, form_page, filename, data)
            assert child.poll() is None, f"{name} → {target} ended the server"
            assert status == expected, f"{name} → {target}: {status}"
            assert "Trang tính" in page and VIETNAMESE.search(page), f"{name} → {target}"
    assert browser.open("/login")[0] == 200
    good = xlsx_bytes(
        [["Họ và tên", "Ngày sinh", "Mã đơn vị"], ["Phạm Thị Lan", "02/01/2006", "THA"]]
    )
    status, _page = browser.upload("/imports/upload", "/imports/", "tot.xlsx", good)
    assert status == 200 and child.poll() is None  # the preview page, after the redirect
    count("bad_file_server", len(CRASHING) * len(uploads))


@pytest.mark.parametrize("name", CRASHING)
def test_each_crash_file_is_refused_by_the_reference_imports(
    app, world, runner, bad_file_dir, name
):
    """Units and areas from the command line read through the same reader."""
    before = fingerprint()
    for command in ("import-units", "load-areas"):
        result = runner.invoke(args=[command, str(_path(bad_file_dir, name))])
        assert result.exit_code != 0, f"{command} {name}: {result.output}"
        assert "Trang tính" in result.output and VIETNAMESE.search(result.output), result.output
    db.session.expire_all()
    assert fingerprint() == before


def test_a_child_that_dies_or_overruns_is_a_vietnamese_read_error():
    with pytest.raises(ReadError) as died:
        isolation.run(os.abort, (), Limits())
    assert died.value.code == "reader_failed"
    assert died.value.message.startswith("Tệp không đọc được")
    with pytest.raises(ReadError) as slow:
        isolation.run(time.sleep, (30,), Limits(seconds=1))
    assert slow.value.code == "reader_timeout"
    assert slow.value.message.startswith("Tệp không đọc được trong 1 giây")


def test_the_memory_ceiling_refuses_a_file_rather_than_the_server():
    """A reading that needs more than IMPORT_READ_MEMORY_MB is a refused file (the child
    starts at about 50 MB of address space; this list needs well over 100 MB more)."""
    lines = ["Họ và tên,Ghi chú"] + [f"Người {n},{'x' * 300}{n}" for n in range(60_000)]
    data = "\r\n".join(lines).encode()
    with pytest.raises(ReadError) as refused:
        read_workbook(data, "lon.csv", Limits(memory_mb=100))
    assert refused.value.code == "reader_failed"
    assert "«lon.csv» không đọc được" in refused.value.message
    assert len(read_workbook(data, "lon.csv").first_with_data().rows) == 60_001


def test_real_extent_not_declared_nor_styled_cells():
    """What calamine skips is not counted: LibreOffice's trailing empty repeats, styled
    empty cells and blank .xls records far away; cells without references are placed by
    position as calamine places them."""
    empty_tail = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    ods = read_workbook(ods_bytes(ROWS, tail=empty_tail), "lo.ods").first_with_data()
    assert [row for _n, row in ods.rows] == ROWS
    styled = without_dimension(b'<row r="150000"><c r="GR150000" s="0"/></row>')
    assert len(read_workbook(styled, "kieu.xlsx").first_with_data().rows) == 2
    blank = record(0x00BE, struct.pack("<HHHHH", 65535, 10, 15, 15, 199))
    xls = xls_workbook({"Danh sách": ROWS}, extra={"Danh sách": [blank]})
    assert len(read_workbook(xls, "trang.xls").first_with_data().rows) == 2
    no_refs = without_dimension(
        b"<row><c t='inlineStr'><is><t>a</t></is></c><c/><c><v>3</v></c></row>"
    )
    sheet = read_workbook(no_refs, "khong_r.xlsx").first_with_data()
    assert sheet.rows[-1] == (3, ["a", "", 3.0])


def test_a_sparse_sheet_within_the_grid_floor_is_read_and_its_error_workbook_stays_small(
    tmp_path,
):
    """A stray cell far right of a short list is read (its grid is small), and the error
    workbook writes each row up to its last value, not across the whole width."""
    rows = [["Họ và tên", "Ngày sinh"], ["Phạm Thị Lan", "sai ngày"]]
    data = without_dimension(b'<row r="900"><c r="GR900" t="inlineStr"><is><t>x</t></is></c></row>')
    sheet = read_workbook(data, "xa.xlsx").first_with_data()
    assert len(sheet.rows) == 900 and len(sheet.rows[0][1]) == 200
    errors = [{"row": 2, "column": "birth_date", "code": "bad_date", "message": "Ngày sai"}]
    out = build_error_workbook(sheet.name, sheet.rows, 1, {0: "full_name", 1: "birth_date"}, errors)
    path = tmp_path / "loi.xlsx"
    path.write_bytes(out.getvalue())
    wb = openpyxl.load_workbook(path, read_only=True)
    lengths = {row[0].row: len(row) for row in wb.active.iter_rows() if row}
    wb.close()
    assert lengths[1] == lengths[2] == 201  # the header and the row in error: to "Lỗi"
    assert all(length <= 200 for number, length in lengths.items() if number > 2)
    assert rows[0][0] == sheet.rows[0][1][0]


def test_an_unreadable_stored_file_gives_a_message_not_a_500(importer_client, world):
    client = importer_client
    good = xlsx_bytes([["Họ và tên", "Ngày sinh", "Mã đơn vị"], ["Phạm Thị Lan", "sai", "THA"]])
    response = client.post("/imports/upload", **multipart("ds.xlsx", good))
    assert response.status_code == 302
    batch = db.session.scalars(sa.select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    batch.content = sparse_xlsx()  # as if the limits had been lowered since the upload
    db.session.commit()
    response = client.get(f"/imports/{batch.id}/errors.xlsx", follow_redirects=True)
    assert response.status_code == 200
    assert "rất xa bảng dữ liệu" in text(response)
