"""Hostile files handed to a background job (every upload above BACKGROUND_IMPORT_KB):
the job fails with a Vietnamese message and nothing of the upload is kept."""

from __future__ import annotations

import sqlalchemy as sa

from registry.extensions import db
from registry.models import ImportBatch, Job
from tests.security.badfiles import BAD_FILES
from tests.security.routes import count, text
from tests.security.test_uploads import (  # noqa: F401  (bad_file_dir: a fixture)
    VIETNAMESE,
    _path,
    bad_file_dir,
    multipart,
)
from tests.security.world import fingerprint


def test_each_bad_file_read_by_a_job_fails_in_vietnamese_and_keeps_nothing(
    app,
    world,
    sign_in,
    bad_file_dir,  # noqa: F811  (the fixture imported above)
    monkeypatch,
):
    monkeypatch.setitem(app.config, "BACKGROUND_IMPORT_KB", 0)
    client = sign_in(world.users["area_a"])
    before = fingerprint()
    batches = db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch))
    for name, (filename, _build, _codes) in BAD_FILES.items():
        data = _path(bad_file_dir, name).read_bytes()
        response = client.post("/imports/upload", **multipart(filename, data))
        assert response.status_code == 302 and "/jobs/" in response.headers["Location"], name
        page = text(client.get(response.headers["Location"]))
        db.session.expire_all()
        job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
        assert job is not None and job.status == "failed", name
        assert "Không đọc được tệp" in page and VIETNAMESE.search(job.message or ""), name
        assert "Traceback" not in page, name
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportBatch)) == batches
    assert fingerprint() == before
    count("bad_file_job", len(BAD_FILES))
