"""Import batches over the API: upload, the preview as the CLI's JSON, commit, roll back."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AuditLog, Candidate, ImportBatch
from tests.fixtures.sheets import xlsx_bytes
from tests.integration.api.conftest import Api, error_of
from tests.integration.import_world import build_world, person, sheet


@pytest.fixture
def place(ctx):
    return build_world()


@pytest.fixture
def officer(place, client, token_for):
    return Api(client, token_for(place["users"]["officer_a"]))


def upload(caller: Api, data: bytes, name: str = "danh_sach.xlsx"):
    return caller.post(
        "/imports", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def people() -> int:
    return db.session.scalar(select(func.count()).select_from(Candidate))


def test_an_upload_is_previewed_and_nothing_is_written(officer):
    response = upload(officer, xlsx_bytes(sheet([person(1), person(2)])))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "previewed"
    assert body["preview"] == {
        "rows": 2, "valid": 2, "new": 2, "updated": 0, "unchanged": 0, "errors": [],
        "warnings": [],
    }  # fmt: skip
    assert response.headers["Location"].endswith(f"/api/v1/imports/{body['id']}")
    assert people() == 0


def test_the_preview_lists_each_bad_cell_with_its_code(officer):
    rows = sheet([person(1), person(2, birth_date="31/02/2005"), person(3, unit_code="THPT-B")])
    batch_id = upload(officer, xlsx_bytes(rows)).get_json()["id"]
    preview = officer.get(f"/imports/{batch_id}").get_json()["preview"]
    assert (preview["rows"], preview["valid"]) == (3, 1)
    assert [(e["row"], e["column"], e["code"]) for e in preview["errors"]] == [
        (3, "birth_date", "invalid_date"),
        (4, "unit_code", "out_of_scope"),
    ]
    assert all(e["message"] for e in preview["errors"])


def test_a_commit_with_errors_writes_nothing_and_answers_422(officer):
    rows = sheet([person(1), person(2, birth_date="31/02/2005")])
    batch_id = upload(officer, xlsx_bytes(rows)).get_json()["id"]
    response = officer.post(f"/imports/{batch_id}/commit", json={})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "import_errors"
    assert error["fields"][0]["field"] == "rows[3].birth_date"
    assert people() == 0
    assert db.session.get(ImportBatch, batch_id).status == "previewed"


def test_commit_then_roll_back(officer):
    batch_id = upload(officer, xlsx_bytes(sheet([person(1), person(2)]))).get_json()["id"]
    committed = officer.post(f"/imports/{batch_id}/commit", json={})
    assert committed.status_code == 200, committed.get_json()
    assert committed.get_json()["status"] == "committed"
    assert people() == 2
    again = officer.post(f"/imports/{batch_id}/commit", json={})
    assert again.status_code == 409 and error_of(again)["code"] == "already_done"
    undone = officer.post(f"/imports/{batch_id}/rollback")
    assert undone.get_json() == {"removed": 2, "restored": 0}
    db.session.expire_all()
    assert people() == 0
    twice = officer.post(f"/imports/{batch_id}/rollback")
    assert twice.status_code == 409 and error_of(twice)["code"] == "rollback_refused"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "rollback")) is not None


def test_the_same_file_again_needs_confirming(officer):
    data = xlsx_bytes(sheet([person(1)]))
    first = upload(officer, data).get_json()["id"]
    officer.post(f"/imports/{first}/commit", json={})
    second = upload(officer, data).get_json()["id"]
    response = officer.post(f"/imports/{second}/commit", json={})
    assert response.status_code == 409 and error_of(response)["code"] == "already_imported"
    confirmed = officer.post(f"/imports/{second}/commit", json={"confirm_duplicate": True})
    assert confirmed.status_code == 200
    assert confirmed.get_json()["preview"]["unchanged"] == 1


def test_an_unreadable_file_is_refused_and_not_kept(officer):
    response = upload(officer, b"day khong phai bang tinh", "ds.xlsx")
    assert response.status_code == 422
    assert error_of(response)["code"] == "unreadable_file"
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_the_error_workbook_downloads_and_is_logged(officer):
    rows = sheet([person(1), person(2, birth_date="31/02/2005")])
    batch_id = upload(officer, xlsx_bytes(rows)).get_json()["id"]
    response = officer.get(f"/imports/{batch_id}/errors.xlsx")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"
    logged = db.session.scalar(select(AuditLog).where(AuditLog.action == "export"))
    assert logged.after["download"] == "errors"


def test_another_areas_batch_answers_404_and_its_list_is_not_shown(
    place, client, token_for, officer
):
    batch_id = upload(officer, xlsx_bytes(sheet([person(1)]))).get_json()["id"]
    other = Api(client, token_for(place["users"]["officer_b"]))
    for response in (
        other.get(f"/imports/{batch_id}"),
        other.post(f"/imports/{batch_id}/commit", json={}),
        other.post(f"/imports/{batch_id}/rollback"),
        other.get(f"/imports/{batch_id}/errors.xlsx"),
    ):
        assert response.status_code == 404
    assert other.get("/imports").get_json() == {"items": []}
    assert [b["id"] for b in officer.get("/imports").get_json()["items"]] == [batch_id]


def test_a_cell_secretary_may_not_import(place, client, token_for):
    caller = Api(client, token_for(place["users"]["cell_a"]))
    response = upload(caller, xlsx_bytes(sheet([person(1)])))
    assert response.status_code == 403
