"""Erasing a person reaches every stored file and text that holds them, not only the
batch that added them (DESIGN "Personal data")."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from registry.domain.textutil import fold
from registry.extensions import db
from registry.models import AuditLog, Candidate, ImportBatch, ImportMapping
from registry.spreadsheet import ReadError, read_workbook
from tests.factories import login
from tests.fixtures.sheets import xlsx_bytes
from tests.integration.import_world import build_world, person, sheet

FIELDS = ["full_name", "birth_date", "gender", "id_number", "unit_code", "source_date"]


@pytest.fixture
def world(ctx):
    return build_world()


def upload(client, rows: list[dict], name: str) -> ImportBatch:
    response = client.post(
        "/imports/upload",
        data={"file": (io.BytesIO(xlsx_bytes(sheet(rows, FIELDS))), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.get(ImportBatch, int(response.headers["Location"].rsplit("/", 1)[-1]))


def _texts(value: object) -> list[str]:
    """What a stored value says, however it is stored (a workbook, JSON, bytes)."""
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        out = [value.decode("utf-8", "ignore"), value.decode("latin-1")]
        try:
            book = read_workbook(value, "tep.xlsx")
        except ReadError:
            return out
        return [*out, *(str(c) for s in book.sheets for _n, row in s.rows for c in row)]
    if isinstance(value, str):
        try:
            return [value, json.dumps(json.loads(value), ensure_ascii=False)]
        except ValueError:
            return [value]
    return [str(value)]


def whole_database() -> str:
    """Every value of every table of the database (the backend's own tables included)."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            names = conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'table'"))
        else:
            names = conn.execute(
                sa.text(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                )
            )
        quote = conn.dialect.identifier_preparer.quote
        texts = []
        for (name,) in names.all():
            for row in conn.execute(sa.text(f"SELECT * FROM {quote(name)}")):
                texts += [t for value in row if value is not None for t in _texts(value)]
    return "\n".join(texts)


def test_erasure_drops_every_file_and_rewrites_every_text_that_holds_the_person(world, client):
    officer = world["users"]["officer_a"]
    login(client, officer)
    target, other = person(1), person(2)
    name, cccd = target["full_name"], target["id_number"]
    shouted = {**target, "full_name": name.upper(), "unit_code": "THPT-B"}
    # A adds them, B lists them again (unchanged), C and D are previews that failed.
    a = upload(client, [target, other], "ds_A.xlsx")
    assert client.post(f"/imports/{a.id}/commit").status_code == 302
    b = upload(client, [target, person(3)], "ds_B.xlsx")
    assert client.post(f"/imports/{b.id}/commit").status_code == 302
    c = upload(client, [target, person(4, birth_date="31/02/2005")], "ds_C.xlsx")
    mapping = {f"columns-{i}-column": str(i) for i in range(len(FIELDS))}
    mapping |= {f"columns-{i}-field": field for i, field in enumerate(FIELDS)}
    assert client.post(f"/imports/{c.id}/mapping", data=mapping).status_code == 302
    assert client.post(f"/imports/{c.id}/commit").status_code == 302  # refused: row errors
    d = upload(client, [shouted], f"ds_{name}.xlsx")
    assert client.get(f"/imports/{d.id}/errors.xlsx").status_code == 200
    kept = upload(client, [person(5)], "ds_E.xlsx")  # does not hold them
    db.session.expire_all()
    assert (a.status, b.unchanged, c.status, d.error_count) == ("committed", 1, "previewed", 1)
    assert db.session.scalar(sa.select(sa.func.count(ImportMapping.id))) == 1
    found = db.session.scalar(sa.select(Candidate).where(Candidate.id_number == cccd))
    assert name in whole_database() and cccd in whole_database()

    client.post("/logout")
    login(client, world["users"]["admin"])
    exited = client.post(
        f"/candidates/{found.id}/stages",
        data={"stage": "exited", "event_date": "01/06/2025", "reason": "moved", "note": name},
    )
    assert exited.status_code == 302
    page = client.post(
        f"/privacy/candidates/{found.id}/erase", data={"confirm": "y"}, follow_redirects=True
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "4 tệp nhập đã bị xóa" in body

    db.session.expire_all()
    for batch in (a, b, c, d):
        assert batch.content is None, batch.id
    assert person(5)["full_name"] in _texts(kept.content)  # a file without them stays
    assert client.get(f"/imports/{d.id}/errors.xlsx").status_code == 404
    stored = whole_database()
    for trace in (name, name.upper(), cccd, fold(name)):
        assert trace not in stored, trace
    # The others listed with them are untouched.
    assert other["full_name"] in stored and person(3)["id_number"] in stored
    erase = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "erase"))
    assert erase.after["import_files_dropped"] == [a.id, b.id, c.id, d.id]
    assert {a.id, b.id, c.id, d.id} <= set(erase.after["import_records_rewritten"])
    assert kept.id not in erase.after["import_records_rewritten"]
    assert erase.after["audit_entries_rewritten"] and erase.after["event_notes_cleared"] == 1
    listed = body.split('data-testid="erasure-done"')[1].split("</ul>")[0]
    assert f"lần nhập số {a.id}, {b.id}, {c.id}, {d.id}" in listed
