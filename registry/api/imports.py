"""Import batches: upload a list, read its preview and errors, commit, roll back; the
web's import flow (registry.services.imports.batches) answered as JSON."""

from __future__ import annotations

from typing import Any

from flask import send_file, url_for
from sqlalchemy import select

from registry import access
from registry.api import errors, schemas
from registry.api.frame import ApiBlueprint, caller, require
from registry.extensions import db
from registry.models import ImportBatch
from registry.scoping import get_in_scope, scope_filter
from registry.services.imports import batches
from registry.services.imports.candidate_import import ImportAlreadyDone, ImportRefused
from registry.services.imports.error_workbook import error_filename
from registry.services.imports.rollback import rollback_batch
from registry.transaction import on_refusal

blp = ApiBlueprint("imports_api", __name__, description="Nhập danh sách từ tệp")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LISTED = 100


def preview_of(batch: ImportBatch) -> dict[str, Any]:
    """The batch's stored preview as the CLI's `--json` object."""
    return {
        "rows": batch.rows,
        "valid": batch.new + batch.updated + batch.unchanged,
        "new": batch.new,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "errors": batch.errors or [],
        "warnings": (batch.mapping or {}).get("warnings", []),
    }


def _shown(batch: ImportBatch) -> dict[str, Any]:
    fields = ("id", "filename", "status", "sheet", "uploaded_at", "committed_at", "rolled_back_at")
    return {**{name: getattr(batch, name) for name in fields}, "preview": preview_of(batch)}


def _batch(batch_id: int) -> ImportBatch:
    """A candidate list's batch in scope (404 otherwise, before any role check)."""
    batch = get_in_scope(db.session(), caller(), ImportBatch, batch_id)
    require(access.IMPORT)
    if batch.kind != "candidates":
        errors.raise_api(404, "not_found", errors.HTTP_ERRORS[404][1])
    return batch


@blp.route("/imports")
@blp.response(200, schemas.BatchList)
def list_batches():
    """Các lần nhập trong phạm vi, mới nhất trước (tối đa 100)."""
    require(access.IMPORT)
    stmt = (
        select(ImportBatch)
        .where(scope_filter(caller(), ImportBatch), ImportBatch.kind == "candidates")
        .order_by(ImportBatch.uploaded_at.desc(), ImportBatch.id.desc())
        .limit(LISTED)
    )
    return {"items": [_shown(b) for b in db.session().scalars(stmt)]}


@blp.route("/imports", methods=["POST"])
@blp.arguments(schemas.UploadIn, location="files")
@blp.response(201, schemas.BatchSchema)
def upload(files: dict):
    """Tải lên một tệp danh sách: đọc và xem trước, chưa ghi gì."""
    require(access.IMPORT)
    upload = files["file"]
    batch = batches.start(db.session(), caller(), upload.read(), upload.filename or "")
    location = url_for("imports_api.read_batch", batch_id=batch.id)
    return _shown(batch), 201, {"Location": location}


@blp.route("/imports/<int:batch_id>")
@blp.response(200, schemas.BatchSchema)
def read_batch(batch_id: int):
    """Kết quả xem trước của một lần nhập: số dòng, lỗi và cảnh báo từng ô."""
    return _shown(_batch(batch_id))


@blp.route("/imports/<int:batch_id>/errors.xlsx")
@blp.response(200, description="Tệp báo lỗi", content_type=XLSX)
def error_workbook(batch_id: int):
    """Tệp báo lỗi: các dòng gốc, cột lỗi, ô sai được tô màu."""
    batch = _batch(batch_id)
    if not batch.content:
        errors.raise_api(404, "not_found", "Tệp gốc đã được xóa sau thời gian lưu giữ.")
    workbook = batches.error_workbook(batch)
    batches.log_download(db.session(), caller(), batch, "errors")
    return send_file(
        workbook, mimetype=XLSX, as_attachment=True, download_name=error_filename(batch.filename)
    )


@blp.route("/imports/<int:batch_id>/commit", methods=["POST"])
@blp.arguments(schemas.CommitIn)
@blp.response(200, schemas.BatchSchema)
def commit(data: dict, batch_id: int):
    """Ghi cả danh sách (tất cả các dòng hoặc không dòng nào)."""
    batch = _batch(batch_id)
    if batch.status != "previewed":
        errors.raise_api(409, "already_done", ImportAlreadyDone.message)
    earlier = batches.earlier_commit(db.session(), caller(), batch)
    if earlier is not None and not data.get("confirm_duplicate"):
        errors.raise_api(
            409,
            "already_imported",
            "Tệp này đã được nhập trước đây. Gửi confirm_duplicate: true nếu vẫn muốn nhập "
            "lần nữa.",
        )

    @on_refusal
    def errors_kept(refused):
        if not isinstance(refused, ImportRefused):
            return errors.refusal(refused)
        # Nothing is written; the errors found are kept on the batch, as on the web.
        batches.store_preview(batch, refused.result, batches.override_of(batch))
        fields = [
            {"field": f"rows[{i['row']}].{i['column']}", "code": i["code"], "message": i["message"]}
            for i in preview_of(batch)["errors"]
        ]
        count = refused.result.counts["errors"]
        message = f"Chưa ghi gì: {count} dòng có lỗi. Xem lỗi từng ô ở lần nhập này."
        return errors.answer(422, "import_errors", message, fields)

    batches.commit_batch(db.session(), caller(), batch)
    return _shown(batch)


@blp.route("/imports/<int:batch_id>/rollback", methods=["POST"])
@blp.response(200, schemas.RollbackOut)
def rollback(batch_id: int):
    """Hoàn tác một lần nhập đã ghi."""
    batch = _batch(batch_id)
    return rollback_batch(db.session(), caller(), batch)
