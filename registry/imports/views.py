"""Import pages: batch list, upload, preview (sheet, mapping, errors), commit, rollback."""

from __future__ import annotations

from io import BytesIO

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.imports import (
    CommitForm,
    MappingForm,
    RollbackForm,
    SheetForm,
    UploadForm,
    sheet_choices,
)
from registry import access
from registry.extensions import db
from registry.imports import bp
from registry.models import ImportBatch
from registry.scoping import get_in_scope, scope_filter
from registry.services.imports import batches
from registry.services.imports.batch_file import safe_filename
from registry.services.imports.candidate_import import ImportAlreadyDone, ImportRefused, new_batch
from registry.services.imports.error_workbook import error_filename
from registry.services.imports.rollback import rollback_batch
from registry.services.imports.template import build_template
from registry.services.jobs import submit as jobs
from registry.services.jobs.kinds import KIND_LABELS as JOB_KINDS
from registry.spreadsheet import FIELD_LABELS
from registry.spreadsheet.results import issue_label
from registry.transaction import on_refusal, refusal_returns_to
from registry.units.helpers import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_LABELS = {
    "previewed": "Đã xem trước, chưa ghi",
    "committed": "Đã ghi",
    "rolled_back": "Đã hoàn tác",
    "failed": "Không ghi được",
}
KIND_LABELS = {
    "candidates": "Quần chúng",
    "units": "Đơn vị",
    "areas": "Địa bàn",
    "surveys": "Khảo sát doanh nghiệp",
    "targets": "Chỉ tiêu",
}


@bp.context_processor
def _helpers() -> dict:
    return {"statuses": STATUS_LABELS, "kinds": KIND_LABELS, "job_kinds": JOB_KINDS}


def _in_background(batch: ImportBatch) -> bool:
    """A file this large is read and written by a background job (BACKGROUND_IMPORT_KB)."""
    return batch.size > current_app.config["BACKGROUND_IMPORT_KB"] * 1024


def _to_job(batch: ImportBatch, kind: str, params: dict | None = None):
    """Hand the batch's work to a background job and follow it on the job's page."""
    refusal_returns_to(url_for("imports.detail", batch_id=batch.id))
    job = jobs.submit(db.session(), current_user, kind, batch.filename, batch=batch, params=params)
    return redirect(url_for("jobs.detail", job_id=job.id))


def _batch(batch_id: int, candidates_only: bool = True) -> ImportBatch:
    """The batch if in scope (404 otherwise, before any role check), for import roles."""
    batch = get_in_scope(db.session(), current_user, ImportBatch, batch_id)
    access.require(access.IMPORT)
    if candidates_only and batch.kind != "candidates":
        abort(404)
    return batch


def _index(form: UploadForm, status: int = 200):
    stmt = (
        select(ImportBatch)
        .where(scope_filter(current_user, ImportBatch))
        .order_by(ImportBatch.uploaded_at.desc(), ImportBatch.id.desc())
    )
    page = paginate(db.session(), stmt)
    return render_template(
        "imports/index.html",
        form=form,
        page=page,
    ), status


@bp.route("/")
@access.requires(access.IMPORT)
def index():
    return _index(UploadForm())


@bp.route("/upload", methods=["POST"])
@access.requires(access.IMPORT)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form, 400)
    data = form.file.data.read()

    @on_refusal
    def shown_on_form(error: batches.Unreadable):
        form.file.errors = [str(error)]  # and the file is not kept
        return _index(form, 400)

    filename = form.file.data.filename or ""
    if len(data) > current_app.config["BACKGROUND_IMPORT_KB"] * 1024:
        batch = new_batch(db.session(), current_user, data, filename)
        db.session.flush()
        return _to_job(batch, "import_preview", {"new_batch": True})
    batch = batches.start(db.session(), current_user, data, filename)
    return redirect(url_for("imports.detail", batch_id=batch.id))


@bp.route("/template")
@access.requires(access.IMPORT)
def template():
    return send_file(
        build_template(), mimetype=XLSX, as_attachment=True, download_name="mau_danh_sach.xlsx"
    )


def _mapping_form(batch: ImportBatch) -> MappingForm:
    summary = batch.mapping or {}
    labels = summary.get("labels", [])
    columns = {int(k): v for k, v in summary.get("columns", {}).items()}
    shown = sorted({i for i, label in enumerate(labels) if label} | set(columns))
    form = MappingForm(formdata=None)
    for index in shown:
        form.columns.append_entry({"column": index, "field": columns.get(index, "")})
    return form


def _render_detail(batch: ImportBatch, mapping_form: MappingForm | None = None, status=200):
    summary = batch.mapping or {}
    labels = summary.get("labels", [])
    mapping_form = mapping_form or _mapping_form(batch)
    sheet_form = SheetForm(formdata=None, sheet=batch.sheet)
    sheet_form.sheet.choices = sheet_choices(summary.get("sheets", []))
    earlier = batches.earlier_commit(db.session(), current_user, batch)
    return render_template(
        "imports/detail.html",
        batch=batch,
        summary=summary,
        labels=labels,
        letter=batches.column_letter,
        field_labels=FIELD_LABELS,
        issue_label=issue_label,
        mapping_form=mapping_form,
        sheet_form=sheet_form,
        commit_form=CommitForm(formdata=None),
        rollback_form=RollbackForm(formdata=None),
        earlier=earlier,
        actions=batches.ACTION_LABELS,
        errors=(batch.errors or [])[:500],
        active_job=jobs.active_for_batch(db.session(), batch.id),
    ), status


@bp.route("/<int:batch_id>")
@login_required
def detail(batch_id: int):
    return _render_detail(_batch(batch_id, candidates_only=False))


def _previewed(batch_id: int) -> ImportBatch:
    """The batch (as _batch) while it is still only previewed; otherwise the request
    goes back to its page with a warning."""
    batch = _batch(batch_id)
    if batch.status != "previewed":
        flash(ImportAlreadyDone.message, "warning")
        abort(redirect(url_for("imports.detail", batch_id=batch.id)))
    if jobs.active_for_batch(db.session(), batch.id) is not None:
        flash(jobs.BUSY, "warning")
        abort(redirect(url_for("imports.detail", batch_id=batch.id)))
    return batch


def _repreview(batch: ImportBatch, **options):
    if _in_background(batch):
        override = options.get("override")
        params = {"sheet": options.get("sheet")}
        if override is not None:
            params["override"] = {str(k): v for k, v in override.items()}
        return _to_job(batch, "import_preview", params)
    back = url_for("imports.detail", batch_id=batch.id)
    refusal_returns_to(back)
    batches.preview(db.session(), current_user, batch, **options)
    return redirect(back)


@bp.route("/<int:batch_id>/sheet", methods=["POST"])
@login_required
def choose_sheet(batch_id: int):
    batch = _previewed(batch_id)
    form = SheetForm()
    form.sheet.choices = sheet_choices((batch.mapping or {}).get("sheets", []))
    if not form.validate_on_submit():
        flash("Hãy chọn một trang tính có trong tệp.", "warning")
        return redirect(url_for("imports.detail", batch_id=batch.id))
    return _repreview(batch, sheet=form.sheet.data)


@bp.route("/<int:batch_id>/mapping", methods=["POST"])
@login_required
def apply_mapping(batch_id: int):
    batch = _previewed(batch_id)
    form = MappingForm()
    if not form.validate_on_submit():
        return _render_detail(batch, form, 400)
    return _repreview(batch, sheet=batch.sheet, override=form.override())


@bp.route("/<int:batch_id>/errors.xlsx")
@login_required
def error_workbook(batch_id: int):
    batch = _batch(batch_id)
    if not batch.content:
        abort(404)
    refusal_returns_to(url_for("imports.detail", batch_id=batch.id))
    workbook, name = batches.error_workbook(batch), error_filename(batch.filename)
    batches.log_download(db.session(), current_user, batch, "errors")
    return send_file(workbook, mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/<int:batch_id>/file")
@login_required
def original(batch_id: int):
    batch = _batch(batch_id, candidates_only=False)
    if not batch.content:
        flash("Tệp gốc đã được xóa sau thời gian lưu giữ.", "warning")
        return redirect(url_for("imports.detail", batch_id=batch.id))
    data, name = batch.content, batch.filename
    batches.log_download(db.session(), current_user, batch, "original")
    return send_file(
        BytesIO(data),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=safe_filename(name),
    )


@bp.route("/<int:batch_id>/commit", methods=["POST"])
@login_required
def commit(batch_id: int):
    batch = _previewed(batch_id)
    form = CommitForm()
    back = redirect(url_for("imports.detail", batch_id=batch.id))
    if not form.validate_on_submit():
        return back
    if (
        batches.earlier_commit(db.session(), current_user, batch)
        and not form.confirm_duplicate.data
    ):
        flash(
            "Tệp này đã được nhập trước đây. Đánh dấu xác nhận nếu vẫn muốn nhập lần nữa.",
            "warning",
        )
        return back
    if _in_background(batch):
        return _to_job(batch, "import_commit")

    @on_refusal
    def errors_kept(
        refused: ImportRefused
        | ImportAlreadyDone
        | batches.Unreadable
        | batches.MappingUnconfirmed,
    ):
        if isinstance(refused, ImportAlreadyDone):
            # Another tab committed it first: nothing is written twice.
            flash(ImportAlreadyDone.message, "warning")
            return back
        message = str(refused)
        if isinstance(refused, ImportRefused):
            # Nothing of the list is written; the errors found are kept on the batch, for
            # its error workbook, and committed with this answer.
            batches.store_preview(batch, refused.result, batches.override_of(batch))
            message = (
                f"Chưa ghi gì: {refused.result.counts['errors']} dòng có lỗi. Hãy tải tệp báo "
                "lỗi, sửa rồi tải lên lại."
            )
        flash(message, "danger")
        return back

    result = batches.commit_batch(db.session(), current_user, batch)
    c = result.counts
    flash(
        f"Đã nhập {c['rows']} dòng: {c['new']} thêm mới, {c['updated']} cập nhật, "
        f"{c['unchanged']} không đổi.",
        "success",
    )
    return back


@bp.route("/<int:batch_id>/rollback", methods=["POST"])
@login_required
def rollback(batch_id: int):
    batch = _batch(batch_id)
    back = url_for("imports.detail", batch_id=batch.id)
    if not RollbackForm().validate_on_submit():
        flash("Hãy đánh dấu xác nhận trước khi hoàn tác.", "warning")
        return redirect(back)
    if batch.rows > current_app.config["BACKGROUND_ROWS"]:
        return _to_job(batch, "rollback")
    refusal_returns_to(back)
    counts = rollback_batch(db.session(), current_user, batch)
    flash(
        f"Đã hoàn tác: xóa {counts['removed']} hồ sơ thêm mới, khôi phục {counts['restored']} "
        "hồ sơ đã cập nhật.",
        "success",
    )
    return redirect(back)
