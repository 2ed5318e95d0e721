"""Import pages: batch list, upload, preview (sheet, mapping, errors), commit, rollback."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

from flask import abort, flash, redirect, render_template, send_file, url_for
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
from registry.auth.decorators import roles_required
from registry.domain.workdays import VN_TZ
from registry.extensions import db
from registry.imports import bp
from registry.models import ImportBatch
from registry.scoping import get_in_scope, scope_filter
from registry.services.imports import batches
from registry.services.imports.candidate_import import ImportRefused
from registry.services.imports.error_workbook import error_filename
from registry.services.imports.rollback import RollbackRefused, rollback_batch
from registry.services.imports.template import build_template
from registry.spreadsheet import FIELD_LABELS, ReadError
from registry.units.helpers import paginate

IMPORT_ROLES = ("admin", "area")
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


def local_time(at: datetime | None) -> str:
    return at.replace(tzinfo=UTC).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if at else ""


@bp.context_processor
def _helpers() -> dict:
    return {"local_time": local_time, "statuses": STATUS_LABELS, "kinds": KIND_LABELS}


def _batch(batch_id: int, candidates_only: bool = True) -> ImportBatch:
    """The batch if in scope (404 otherwise, before any role check), for import roles."""
    batch = get_in_scope(db.session, current_user, ImportBatch, batch_id)
    if current_user.role not in IMPORT_ROLES:
        abort(403)
    if candidates_only and batch.kind != "candidates":
        abort(404)
    return batch


def _index(form: UploadForm, status: int = 200):
    stmt = (
        select(ImportBatch)
        .where(scope_filter(current_user, ImportBatch))
        .order_by(ImportBatch.uploaded_at.desc(), ImportBatch.id.desc())
    )
    page = paginate(db.session, stmt)
    return render_template(
        "imports/index.html",
        form=form,
        page=page,
    ), status


@bp.route("/")
@roles_required(*IMPORT_ROLES)
def index():
    return _index(UploadForm())


@bp.route("/upload", methods=["POST"])
@roles_required(*IMPORT_ROLES)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form, 400)
    data = form.file.data.read()
    try:
        batch = batches.start(db.session, current_user, data, form.file.data.filename or "")
    except ReadError as error:
        db.session.rollback()  # an unreadable file is not kept
        form.file.errors = [error.message]
        return _index(form, 400)
    db.session.commit()
    return redirect(url_for("imports.detail", batch_id=batch.id))


@bp.route("/template")
@roles_required(*IMPORT_ROLES)
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
    earlier = batches.earlier_commit(db.session, current_user, batch)
    return render_template(
        "imports/detail.html",
        batch=batch,
        summary=summary,
        labels=labels,
        letter=batches.column_letter,
        field_labels=FIELD_LABELS,
        mapping_form=mapping_form,
        sheet_form=sheet_form,
        commit_form=CommitForm(formdata=None),
        rollback_form=RollbackForm(formdata=None),
        earlier=earlier,
        actions=batches.ACTION_LABELS,
        errors=(batch.errors or [])[:500],
    ), status


@bp.route("/<int:batch_id>")
@login_required
def detail(batch_id: int):
    return _render_detail(_batch(batch_id, candidates_only=False))


def _still_previewed(batch: ImportBatch):
    if batch.status != "previewed":
        flash("Lần nhập này đã được ghi hoặc hoàn tác; hãy tải tệp lên lại nếu cần.", "warning")
        return redirect(url_for("imports.detail", batch_id=batch.id))
    return None


def _repreview(batch: ImportBatch, **options):
    try:
        batches.preview(db.session, current_user, batch, **options)
    except ReadError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("imports.detail", batch_id=batch.id))
    db.session.commit()
    return redirect(url_for("imports.detail", batch_id=batch.id))


@bp.route("/<int:batch_id>/sheet", methods=["POST"])
@login_required
def choose_sheet(batch_id: int):
    batch = _batch(batch_id)
    stop = _still_previewed(batch)
    if stop:
        return stop
    form = SheetForm()
    form.sheet.choices = sheet_choices((batch.mapping or {}).get("sheets", []))
    if not form.validate_on_submit():
        flash("Hãy chọn một trang tính có trong tệp.", "warning")
        return redirect(url_for("imports.detail", batch_id=batch.id))
    return _repreview(batch, sheet=form.sheet.data)


@bp.route("/<int:batch_id>/mapping", methods=["POST"])
@login_required
def apply_mapping(batch_id: int):
    batch = _batch(batch_id)
    stop = _still_previewed(batch)
    if stop:
        return stop
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
    try:
        workbook = batches.error_workbook(batch)
    except ReadError as error:
        flash(error.message, "danger")
        return redirect(url_for("imports.detail", batch_id=batch.id))
    return send_file(
        workbook,
        mimetype=XLSX,
        as_attachment=True,
        download_name=error_filename(batch.filename),
    )


@bp.route("/<int:batch_id>/file")
@login_required
def original(batch_id: int):
    batch = _batch(batch_id, candidates_only=False)
    if not batch.content:
        flash("Tệp gốc đã được xóa sau thời gian lưu giữ.", "warning")
        return redirect(url_for("imports.detail", batch_id=batch.id))
    return send_file(
        BytesIO(batch.content),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=batch.filename,
    )


@bp.route("/<int:batch_id>/commit", methods=["POST"])
@login_required
def commit(batch_id: int):
    batch = _batch(batch_id)
    stop = _still_previewed(batch)
    if stop:
        return stop
    form = CommitForm()
    back = redirect(url_for("imports.detail", batch_id=batch.id))
    if not form.validate_on_submit():
        return back
    if batches.earlier_commit(db.session, current_user, batch) and not form.confirm_duplicate.data:
        flash(
            "Tệp này đã được nhập trước đây. Đánh dấu xác nhận nếu vẫn muốn nhập lần nữa.",
            "warning",
        )
        return back
    try:
        result = batches.commit_batch(db.session, current_user, batch)
    except ImportRefused as refused:
        db.session.rollback()  # nothing of the list is written
        batches.store_preview(batch, refused.result, batches.override_of(batch))
        db.session.commit()
        flash(
            f"Chưa ghi gì: {refused.result.counts['errors']} dòng có lỗi. Hãy tải tệp báo lỗi, "
            "sửa rồi tải lên lại.",
            "danger",
        )
        return back
    except ReadError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return back
    db.session.commit()
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
    form = RollbackForm()
    back = redirect(url_for("imports.detail", batch_id=batch.id))
    if not form.validate_on_submit():
        flash("Hãy đánh dấu xác nhận trước khi hoàn tác.", "warning")
        return back
    try:
        counts = rollback_batch(db.session, current_user, batch)
    except RollbackRefused as refused:
        db.session.rollback()
        flash(str(refused), "danger")
        return back
    db.session.commit()
    flash(
        f"Đã hoàn tác: xóa {counts['removed']} hồ sơ thêm mới, khôi phục {counts['restored']} "
        "hồ sơ đã cập nhật.",
        "success",
    )
    return back
