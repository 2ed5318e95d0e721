"""Crafted requests that once ended in a 500: a cursor holding a huge id, a target edit the
user may not make, a sheet that Excel could not hold, CR/LF in `next` and in file names.
Each now gets a clear Vietnamese message, a 400 or a 404."""

from __future__ import annotations

import base64
import io
import json

import openpyxl
import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import ImportBatch, Target
from tests.factories import PASSWORD
from tests.fixtures.sheets import csv_bytes, ods_bytes
from tests.security.routes import count, text


def _cursor(tag: str, keys: list) -> str:
    raw = json.dumps({"t": tag, "b": 0, "k": keys}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _upload(filename_star: str, data: bytes) -> dict:
    """A multipart body whose file name is given RFC 2231 style (filename*=UTF-8''…),
    which the server decodes: %0D%0A becomes a real CR/LF."""
    boundary = "----registry-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f"filename*=UTF-8''{filename_star}\r\nContent-Type: text/csv\r\n\r\n"
    ).encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


@pytest.mark.parametrize(
    ("path", "tag", "keys"),
    [
        ("/candidates/", "name", ["nguyen", 1e30]),
        ("/candidates/?sort=stage", "stage", [1e30, "nguyen", 1]),
        ("/candidates/", "name", ["nguyen", 2**40]),
        ("/candidates/", "name", ["nguyen", True]),
        ("/candidates/alerts?kind=stalled", "alert-stalled", ["2025-01-01", 1e30]),
    ],
)
def test_a_cursor_with_a_huge_id_reads_as_the_first_page(world, sign_in, path, tag, keys):
    client = sign_in(world.users["admin"])
    glue = "&" if "?" in path else "?"
    response = client.get(f"{path}{glue}cursor={_cursor(tag, keys)}")
    assert response.status_code == 200
    count("crafted_cursor", 1)


def test_alert_lists_survive_a_huge_cursor_on_every_kind(app, world, sign_in):
    from registry.domain.alerts.kinds import ALERT_KINDS

    client = sign_in(world.users["admin"])
    for code in ALERT_KINDS:
        cursor = _cursor(f"alert-{code}", ["2025-01-01", 1e30])
        response = client.get(f"/candidates/alerts?kind={code}&cursor={cursor}")
        assert response.status_code == 200, code
    count("crafted_cursor", len(ALERT_KINDS))


def test_a_restricted_province_user_cannot_reach_a_worker_target(world, sign_in):
    client = sign_in(world.users["gddt"])  # Sở GD&ĐT: THPT and GDNN-GDTX only
    target_id = world.a.ids["unit_target"]  # the firm's worker target
    data = {"year": 2026, "group_code": "student", "owner": "unit",
            "unit_id": world.a.ids["unit"], "count": 5}  # fmt: skip
    assert client.post(f"/units/targets/{target_id}/edit", data=data).status_code == 404
    assert client.post(f"/units/targets/{target_id}/delete").status_code == 404
    db.session.expire_all()
    kept = db.session.get(Target, target_id)
    assert (kept.group_code, kept.count) == ("worker", 3)


def test_a_restricted_province_user_moving_its_target_to_workers_gets_a_message(world, sign_in):
    client = sign_in(world.users["gddt"])
    target_id = world.a.ids["thpt_target"]
    response = client.post(
        f"/units/targets/{target_id}/edit",
        data={"year": 2026, "group_code": "worker", "owner": "area",
              "area_id": world.a.ids["area"], "count": 5},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Lựa chọn không hợp lệ hoặc nằm ngoài phạm vi của bạn." in text(response)
    db.session.expire_all()
    kept = db.session.get(Target, target_id)
    assert (kept.subgroup, kept.count) == ("thpt", 4)


def test_a_province_user_changing_a_targets_group_and_area_moves_it(world, sign_in):
    client = sign_in(world.users["province"])
    target_id = world.a.ids["target"]
    response = client.post(
        f"/units/targets/{target_id}/edit",
        data={
            "year": 2026,
            "group_code": "worker",
            "owner": "area",
            "area_id": world.b.ids["area"],
            "count": 4,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Target, target_id) is None
    moved = db.session.scalar(
        sa.select(Target).where(
            Target.area_id == world.b.ids["area"], Target.group_code == "worker"
        )
    )
    assert moved.count == 4


@pytest.mark.parametrize("next_", ["/%0D%0ASet-Cookie:%20x=1", "/candidates/%0Aabc", "/%09x"])
def test_a_next_with_control_characters_goes_home_after_sign_in(world, client, next_):
    response = client.post(
        f"/login?next={next_}", data={"username": "quantri", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Set-Cookie: x" not in str(response.headers)


def _error_book(client, world, data: bytes, filename: str) -> openpyxl.Workbook:
    response = client.post(
        "/imports/upload", data={"file": (io.BytesIO(data), filename)}, follow_redirects=False
    )
    assert response.status_code == 302, text(response)
    batch = db.session.scalars(sa.select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    download = client.get(f"/imports/{batch.id}/errors.xlsx")
    assert download.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(download.data))


def test_the_error_workbook_of_a_file_with_control_characters(world, sign_in):
    client = sign_in(world.users["area_a"])
    rows = [
        ["Họ và tên", "Ngày sinh", "Mã đơn vị"],
        ["Nguyễn\x01 Văn\x1b Thử", "31/02/2006", "THA"],
    ]
    book = _error_book(client, world, csv_bytes(rows), "ds.csv")
    values = [c.value for c in book.active[2]]
    assert "Nguyễn Văn Thử" in values
    assert book.active.cell(1, 4).value == "Lỗi"


@pytest.mark.parametrize("name", ["Lớp 12/A", "Khối [10]", "a:b*c?"])
def test_the_error_workbook_of_a_sheet_whose_name_excel_refuses(world, sign_in, name):
    client = sign_in(world.users["area_a"])
    rows = [["Họ và tên", "Ngày sinh", "Mã đơn vị"], ["Nguyễn Văn Thử", "31/02/2006", "THA"]]
    book = _error_book(client, world, ods_bytes(rows, name=name), "ds.ods")
    title = book.active.title
    assert not set("/\\?*[]:") & set(title) and title
    assert book.active.cell(1, 4).value == "Lỗi"


@pytest.mark.parametrize(
    ("page", "rows"),
    [
        (
            "/units/targets/import",
            [["Năm", "Đối tượng", "Mã địa bàn", "Chỉ tiêu"], [2026, "Học sinh", "XA", 3]],
        ),
        (
            "/units/surveys/import",
            [["Mã đơn vị", "Ngày khảo sát", "Số lao động"], ["DNA", "01/02/2025", 12]],
        ),
    ],
)
def test_a_file_name_with_cr_lf_is_stored_and_served_without_them(world, sign_in, page, rows):
    client = sign_in(world.users["admin"])
    response = client.post(page, **_upload("ds%0D%0AX-Injected.csv", csv_bytes(rows)))
    assert response.status_code == 302, text(response)
    batch = db.session.scalars(sa.select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    assert "\r" not in batch.filename and "\n" not in batch.filename
    download = client.get(f"/imports/{batch.id}/file")
    assert download.status_code == 200
    assert "X-Injected" not in download.headers


def test_a_stored_file_name_with_cr_lf_still_downloads(world, sign_in):
    client = sign_in(world.users["admin"])
    batch = db.session.get(ImportBatch, world.a.ids["batch"])
    batch.filename = "ds\r\nX-Injected: 1.xlsx"
    db.session.commit()
    download = client.get(f"/imports/{batch.id}/file")
    assert download.status_code == 200 and "X-Injected" not in download.headers
