"""Personal data: CCCD masked in lists, every view/export/import logged, the audit log
append-only, import files purged after the retention period, a person's data exported
and erased."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from registry.extensions import db
from registry.models import AuditLog, Candidate, ImportBatch, StageEvent
from registry.models._types import utcnow
from registry.services.imports.retention import purge_import_files
from tests.security.routes import all_routes, count, text, url
from tests.security.world import audit_actions

ROOT = Path(__file__).resolve().parents[2]
# Pages that show a person's full CCCD to those in scope (DESIGN "Personal data").
FULL_CCCD_PAGES = {"candidates.detail", "candidates.edit", "privacy.person"}


def test_cccd_is_masked_on_every_list_page(app, world, sign_in):
    client = sign_in(world.users["admin"])
    numbers = [m for m in world.a.markers + world.b.markers if m.isdigit()]
    pages = 0
    for route in all_routes(app):
        if "GET" not in route.methods or route.endpoint in FULL_CCCD_PAGES:
            continue
        response = client.get(url(app, route, world.a.ids))
        if "html" not in response.content_type:
            continue
        pages += 1
        body = text(response)
        assert not [n for n in numbers if n in body], route.endpoint
    listing = text(client.get("/candidates/?q=hoc+sinh"))
    assert "0012******01" in listing
    # The result page of a bulk action lists people too.
    bulk = client.post(
        "/candidates/bulk",
        data={"ids": [world.a.ids["candidate"]], "stage": "dossier", "event_date": "02/03/2025"},
        follow_redirects=True,
    )
    assert bulk.status_code == 200 and not [n for n in numbers if n in text(bulk)]
    detail = text(client.get(f"/candidates/{world.a.ids['candidate']}"))
    assert numbers[0] in detail  # in full on the person's own page
    count("cccd_pages", pages + 1)


def test_every_view_of_a_candidate_page_is_logged(world, sign_in):
    client = sign_in(world.users["area_a"])
    candidate_id = world.a.ids["candidate"]
    for _ in range(2):
        assert client.get(f"/candidates/{candidate_id}").status_code == 200
    views = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "view", AuditLog.entity_id == candidate_id)
    ).all()
    assert len(views) == 2
    assert {v.actor for v in views} == {"canboa"} and all(v.at and v.ip for v in views)
    # Another scope's page is not shown, so nothing is logged as seen.
    client.get(f"/candidates/{world.b.ids['candidate']}")
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AuditLog.entity_id == world.b.ids["candidate"])
        )
        == 0
    )


def _entries(action: str, entity: str) -> list[AuditLog]:
    stmt = sa.select(AuditLog).where(AuditLog.action == action, AuditLog.entity == entity)
    return list(db.session.scalars(stmt.order_by(AuditLog.id)))


def test_import_files_and_the_edit_form_are_logged_when_shown(world, sign_in):
    client = sign_in(world.users["area_a"])
    batch, person = world.a.ids["batch"], world.a.ids["candidate"]
    assert client.get(f"/imports/{batch}/file").status_code == 200
    assert client.get(f"/imports/{batch}/errors.xlsx").status_code == 200
    downloads = _entries("export", "import_batch")
    assert [(e.entity_id, e.after["download"], e.actor) for e in downloads] == [
        (batch, "original", "canboa"),
        (batch, "errors", "canboa"),
    ]
    assert all(e.after["file"] == "ds_A.xlsx" and e.ip for e in downloads)
    form = client.get(f"/candidates/{person}/edit")
    assert form.status_code == 200 and world.a.markers[2] in text(form)  # the full CCCD
    views = _entries("view", "candidate")
    assert [(v.entity_id, v.after) for v in views] == [(person, {"page": "edit"})]
    # Another scope's file answers 404 and logs nothing.
    assert client.get(f"/imports/{world.b.ids['batch']}/file").status_code == 404
    assert len(_entries("export", "import_batch")) == 2


def test_no_code_updates_or_deletes_audit_entries_except_erasure():
    """Only the erasure may rewrite audit values (pseudonyms); nothing deletes entries."""
    changes = re.compile(
        r"(update|delete)\(\s*AuditLog|AuditLog\.__table__\.(update|delete)|"
        r"query\(AuditLog\)[^\n]*\.(update|delete)\("
    )
    offenders = []
    for path in sorted((ROOT / "registry").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {m[0]}" for m in changes.finditer(source)]
        if "AuditLog" in source and path.name != "erasure.py":
            writes = re.findall(r"^\s*\w+\.(?:before|after)\s*=", source, re.MULTILINE)
            offenders += [f"{path.name}: {w.strip()}" for w in writes]
    assert not offenders, offenders


def test_the_audit_log_has_no_route_that_changes_it(app, world, sign_in):
    audit_routes = [r for r in all_routes(app) if "audit" in r.rule]
    assert [(r.endpoint, r.methods) for r in audit_routes] == [("admin.audit", ("GET",))]
    client = sign_in(world.users["admin"])
    before = audit_actions()
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/admin/audit").status_code == 405
    assert audit_actions() == before


def _old_batch(world, days: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, world.a.ids["batch"])
    batch.uploaded_at = utcnow() - timedelta(days=days)
    db.session.commit()
    return batch


def test_purge_drops_old_import_files_and_keeps_the_batches(world):
    old = _old_batch(world, 400)
    recent = db.session.get(ImportBatch, world.b.ids["batch"])
    result = purge_import_files(db.session, "dòng lệnh", 365)
    db.session.commit()
    db.session.expire_all()
    assert result.batch_ids == [old.id]
    assert old.content is None and old.filename and old.status == "committed"
    assert recent.content is not None
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "purge_imports"))
    assert entry.after["batches"] == [old.id] and entry.after["days"] == 365
    # Nothing left to drop: no second entry.
    assert purge_import_files(db.session, "dòng lệnh", 365).count == 0


def test_purge_imports_command_reads_the_setting(app, world, runner, monkeypatch):
    _old_batch(world, 40)
    monkeypatch.setitem(app.config, "IMPORT_FILE_RETENTION_DAYS", 60)
    result = runner.invoke(args=["purge-imports"])
    assert result.exit_code == 0 and "0 lần nhập" in result.output
    result = runner.invoke(args=["purge-imports", "--days", "30"])
    assert result.exit_code == 0 and "1 lần nhập" in result.output
    db.session.expire_all()
    assert db.session.get(ImportBatch, world.a.ids["batch"]).content is None
    assert runner.invoke(args=["purge-imports", "--days", "-1"]).exit_code == 2


def test_admin_downloads_a_persons_data_and_it_is_logged(world, sign_in):
    person = world.a.ids["candidate"]
    client = sign_in(world.users["area_a"])
    assert client.get(f"/privacy/candidates/{person}/data.json").status_code == 403
    client.get(f"/candidates/{person}")  # one view, to be found in the export
    client = sign_in(world.users["admin"])
    page = client.get(f"/privacy/candidates/{person}")
    assert page.status_code == 200 and "Tải toàn bộ dữ liệu" in text(page)
    response = client.get(f"/privacy/candidates/{person}/data.json")
    assert response.status_code == 200
    assert "du_lieu_ca_nhan_" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data())
    assert data["candidate"]["id_number"] == world.a.markers[2]
    assert [e["stage"] for e in data["events"]] == ["source", "trained"]
    assert any(e["action"] == "view" and e["actor"] == "canboa" for e in data["audit"])
    assert data["imports"][0]["batch"] == world.a.ids["batch"]
    assert "export_person" in audit_actions()


def _exit(client, candidate_id: int) -> None:
    response = client.post(
        f"/candidates/{candidate_id}/stages",
        data={"stage": "exited", "event_date": "01/06/2025", "reason": "moved", "note": "x"},
    )
    assert response.status_code == 302, text(response)


def test_erasure_is_refused_for_someone_still_on_the_list(world, sign_in):
    client = sign_in(world.users["admin"])
    person = world.a.ids["candidate"]
    response = client.post(f"/privacy/candidates/{person}/erase", data={"confirm": "y"})
    assert response.status_code == 409 and "Chỉ xóa được" in text(response)
    db.session.expire_all()
    assert db.session.get(Candidate, person).full_name == "Học Sinh A"
    assert "erase" not in audit_actions()


def test_erasure_pseudonymises_everywhere_and_keeps_the_counts(world, sign_in):
    client = sign_in(world.users["admin"])
    person = world.a.ids["candidate"]
    name, cccd = "Học Sinh A", world.a.markers[2]
    edited = client.post(
        f"/candidates/{person}/edit",
        data={"full_name": name, "gender": "M", "birth_date": "01/05/2006", "ethnicity": "Tày",
              "id_number": cccd, "unit_id": world.a.ids["unit"], "subgroup": "thpt",
              "hometown": "Quê A", "note": "Ghi chú đã sửa"},
    )  # fmt: skip
    assert edited.status_code == 302, text(edited)
    _exit(client, person)
    stages_before = db.session.execute(
        sa.select(StageEvent.stage, StageEvent.event_date).order_by(StageEvent.id)
    ).all()
    refused = client.post(f"/privacy/candidates/{person}/erase", data={})
    assert refused.status_code == 422  # not confirmed
    done = client.post(
        f"/privacy/candidates/{person}/erase", data={"confirm": "y"}, follow_redirects=True
    )
    assert "Đã xóa dữ liệu cá nhân" in text(done)
    db.session.expire_all()
    row = db.session.get(Candidate, person)
    assert row.erased and row.full_name == f"Người đã xóa dữ liệu #{person}"
    assert row.id_number is None and row.hometown is None and row.note is None
    assert row.birth_date == date(2006, 7, 1)
    # What reports count stays: gender, ethnicity, group, unit, stages and their dates.
    assert (row.gender, row.ethnicity, row.subgroup) == ("M", "02", "thpt")
    assert row.unit_id == world.a.ids["unit"] and row.stage == "exited"
    after = db.session.execute(
        sa.select(StageEvent.stage, StageEvent.event_date).order_by(StageEvent.id)
    ).all()
    assert after == stages_before
    # No audit entry or import record still holds the name or the number.
    logged = json.dumps(
        [[e.before, e.after] for e in db.session.scalars(sa.select(AuditLog))], ensure_ascii=False
    )
    assert name not in logged and cccd not in logged and "Quê A" not in logged
    batch = db.session.get(ImportBatch, world.a.ids["batch"])
    assert batch.content is None and batch.status == "committed"
    assert db.session.get(ImportBatch, world.b.ids["batch"]).content is not None
    erase = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "erase"))
    assert erase.entity_id == person and erase.after["import_files_dropped"] == [batch.id]
    # The list and the candidate page now show the pseudonym only.
    assert name not in text(client.get("/candidates/"))
    again = client.post(f"/privacy/candidates/{person}/erase", data={"confirm": "y"})
    assert again.status_code == 409
