"""The job list, a job's page (progress bar, then its result), its state, cancel, download."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from flask import abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import case, select

from forms.base import BaseForm
from registry import access
from registry.extensions import db
from registry.jobs import bp
from registry.models import Job
from registry.scoping import get_in_scope, scope_filter
from registry.services import audit
from registry.services.jobs import submit
from registry.services.jobs.kinds import KIND_LABELS
from registry.services.jobs.tasks import queue
from registry.transaction import refusal_returns_to
from registry.units.helpers import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_LABELS = {
    "queued": "Đang chờ",
    "running": "Đang chạy",
    "done": "Đã xong",
    "failed": "Không thành công",
    "cancelled": "Đã hủy",
}


@bp.context_processor
def _labels() -> dict:
    return {"job_kinds": KIND_LABELS, "job_statuses": STATUS_LABELS}


def _job(job_id: int) -> Job:
    job = get_in_scope(db.session(), current_user, Job, job_id)
    access.require(access.FOLLOW_JOBS)
    return job


@bp.route("/")
@access.requires(access.FOLLOW_JOBS)
def index():
    waiting_first = case((Job.status.in_(("queued", "running")), 0), else_=1)
    stmt = (
        select(Job)
        .where(scope_filter(current_user, Job))
        .order_by(waiting_first, Job.created_at.desc(), Job.id.desc())
    )
    page = paginate(db.session(), stmt)
    jobs = queue()
    states = {row[0].id: submit.state(jobs, row[0]) for row in page.items}
    return render_template("jobs/index.html", page=page, states=states)


@bp.route("/<int:job_id>")
def detail(job_id: int):
    job = _job(job_id)
    return render_template(
        "jobs/detail.html", job=job, state=submit.state(queue(), job), form=BaseForm()
    )


@bp.route("/<int:job_id>/state")
def state(job_id: int):
    """What the progress bar polls."""
    return jsonify(submit.state(queue(), _job(job_id)))


@bp.route("/<int:job_id>/cancel", methods=["POST"])
def cancel(job_id: int):
    job = _job(job_id)
    back = url_for("jobs.detail", job_id=job.id)
    if not BaseForm().validate_on_submit():
        abort(400)
    refusal_returns_to(back)
    outcome = submit.cancel(db.session(), queue(), job)
    if outcome == "cancelled":
        flash("Đã hủy. Không có gì được ghi vào sổ theo dõi.", "success")
    else:
        flash("Đang hủy: việc sẽ dừng trước khi ghi bất cứ gì.", "info")
    return redirect(back)


@bp.route("/<int:job_id>/download")
def download(job_id: int):
    """An export job's workbook; each download is logged, as every export is."""
    job = _job(job_id)
    if job.kind != "export" or job.status != "done":
        abort(404)
    if job.file is None:
        flash("Tệp báo cáo đã được xóa sau thời gian lưu giữ; hãy lập lại báo cáo.", "warning")
        return redirect(url_for("jobs.detail", job_id=job.id))
    data, display = job.file, job.file_name or "bao-cao.xlsx"
    audit.record(
        db.session(), current_user, "export", "report", None, None,
        {**(job.params or {}), **(job.result or {}), "job": job.id},
    )  # fmt: skip
    ascii_name = f"bao-cao-{job.id}.xlsx"
    response = send_file(BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=ascii_name)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(display)}"
    )
    return response
