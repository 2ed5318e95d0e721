"""What each kind of job does, wrapping the services the web calls in a request.

Each kind has `run(session, job, work)`, which does the work in the job's one
transaction (the runner commits it with the job's "done"), and `undo(session, job,
error)`, which puts back what the request that asked for the job left (an upload's
batch) after the work was rolled back, and may give the failure's message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry import access
from registry.domain.periods import Period
from registry.models import Area, ImportBatch, Job, User
from registry.replica import reports_session
from registry.services.imports import batches
from registry.services.imports.candidate_import import ImportAlreadyDone, ImportRefused
from registry.services.imports.rollback import rollback_batch
from registry.services.jobs import JobRefused
from registry.services.reports.detail_list import candidate_statement, filters_for
from registry.services.reports.workbooks import (
    REPORTS,
    ReportError,
    ReportRequest,
    file_names,
    make_report,
)
from registry.spreadsheet import ParseResult

KIND_LABELS = {
    "import_preview": "Đọc và kiểm tra tệp nhập",
    "import_commit": "Ghi danh sách vào sổ theo dõi",
    "rollback": "Hoàn tác một lần nhập",
    "export": "Lập báo cáo",
}
NO_RIGHT = "Tài khoản của bạn không còn quyền làm việc này; không có gì thay đổi."
GONE = "Lần nhập này không còn nữa; không có gì thay đổi."


class Progress:
    """What a job's work tells of itself (registry.services.jobs.runner.Work)."""

    def phase(self, name: str, total: int = 0) -> None: ...

    def step(self, count: int = 1) -> None: ...

    def check_cancel(self) -> None: ...

    def enter_commit(self) -> None: ...


Undo = Callable[[Session, Job, BaseException | None], str | None]


def _no_undo(_session: Session, _job: Job, _error: BaseException | None) -> str | None:
    return None


@dataclass(frozen=True)
class Kind:
    run: Callable[[Session, Job, Progress], None]
    undo: Undo = _no_undo


def _user(job: Job, action: str) -> User:
    user = job.user
    if not user.active or not access.may(user, action):
        raise JobRefused(NO_RIGHT)
    return user


def _batch(session: Session, job: Job) -> ImportBatch:
    batch = session.get(ImportBatch, job.batch_id) if job.batch_id else None
    if batch is None:
        raise JobRefused(GONE)
    return batch


def _override(params: dict[str, Any]) -> dict[int, str | None] | None:
    stored = params.get("override")
    return {int(k): v for k, v in stored.items()} if stored is not None else None


def counts_text(counts: dict[str, int]) -> str:
    return (
        f"{counts['rows']} dòng: {counts['new']} thêm mới, {counts['updated']} cập nhật, "
        f"{counts['unchanged']} không đổi, {counts['errors']} có lỗi."
    )


# Reading and checking a file: the upload, or another sheet or mapping of it.
def _run_preview(session: Session, job: Job, work: Progress) -> None:
    user, batch = _user(job, access.IMPORT), _batch(session, job)
    if batch.status != "previewed":
        raise JobRefused(ImportAlreadyDone.message)
    params = job.params or {}
    work.phase("Đang đọc tệp")

    def parsed(result: ParseResult) -> None:
        work.phase("Đang đối chiếu với sổ theo dõi", len(result.rows))

    result = batches.preview(
        session, user, batch, sheet=params.get("sheet"), override=_override(params),
        on_parsed=parsed, progress=work.step,
    )  # fmt: skip
    job.result = {"counts": result.counts}
    job.message = f"Đã đọc và kiểm tra {counts_text(result.counts)}"


def _undo_preview(session: Session, job: Job, error: BaseException | None) -> str | None:
    """An upload whose first reading did not finish keeps nothing (as in a request)."""
    batch = session.get(ImportBatch, job.batch_id) if job.batch_id else None
    if batch is not None and (job.params or {}).get("new_batch") and batch.mapping is None:
        job.batch_id = None
        session.delete(batch)
    if isinstance(error, batches.Unreadable):
        return f"Không đọc được tệp: {error}"
    return None


def _run_commit(session: Session, job: Job, work: Progress) -> None:
    user, batch = _user(job, access.IMPORT), _batch(session, job)
    if batch.status != "previewed":
        raise JobRefused(ImportAlreadyDone.message)
    work.phase("Đang đọc tệp")

    def parsed(result: ParseResult) -> None:
        work.enter_commit()  # cancelled up to here; from here on it writes
        work.phase("Đang ghi vào sổ theo dõi", 2 * len(result.rows))

    result = batches.commit_batch(session, user, batch, on_parsed=parsed, progress=work.step)
    job.result = {"counts": result.counts}
    job.message = f"Đã nhập {counts_text(result.counts)}"


def _undo_commit(session: Session, job: Job, error: BaseException | None) -> str | None:
    """A list refused for its rows keeps the errors found on the batch, for its error
    workbook, as the commit in a request does."""
    if isinstance(error, ImportAlreadyDone):
        return ImportAlreadyDone.message
    if isinstance(error, ImportRefused) and job.batch_id:
        batch = session.get(ImportBatch, job.batch_id)
        if batch is not None:
            batches.store_preview(batch, error.result, batches.override_of(batch))
        return (
            f"Chưa ghi gì: {error.result.counts['errors']} dòng có lỗi. Hãy tải tệp báo lỗi, "
            "sửa rồi tải lên lại."
        )
    return None


def _run_rollback(session: Session, job: Job, work: Progress) -> None:
    user, batch = _user(job, access.IMPORT), _batch(session, job)
    work.enter_commit()
    work.phase("Đang hoàn tác")
    counts = rollback_batch(session, user, batch)
    job.result = {"counts": counts}
    job.message = (
        f"Đã hoàn tác: xóa {counts['removed']} hồ sơ thêm mới, khôi phục "
        f"{counts['restored']} hồ sơ đã cập nhật."
    )


def request_params(request: ReportRequest) -> dict[str, Any]:
    """A report request as the job keeps it (and the audit log describes it)."""
    return request.describe()


def request_of(session: Session, params: dict[str, Any]) -> ReportRequest:
    area = session.get(Area, params["area_id"])
    if area is None:
        raise ReportError("Địa bàn của báo cáo này không còn nữa.")
    period = Period(
        date.fromisoformat(params["period_from"]),
        date.fromisoformat(params["period_to"]),
        params.get("period_label") or "",
    )
    return ReportRequest(
        params["report"], period, area, group=params.get("group"), reached=params.get("reached")
    )


def detail_rows(session: Session, user: User, request: ReportRequest) -> int:
    """How many lines the detail list of this request holds (who decides the list is
    detail_list.candidate_list: with a stage filter, no period condition)."""
    # A frozen ReportRequest reads as the ListRequest protocol (make_report passes it too).
    filters = filters_for(request, request.area.parent_id is None)
    period = None if request.reached else request.period
    statement = candidate_statement(user, filters, period).order_by(None)
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def _run_export(session: Session, job: Job, work: Progress) -> None:
    user = _user(job, access.USE_REPORTS)
    params = job.params or {}
    request = request_of(session, params)
    work.phase("Đang lập báo cáo", int(params.get("rows") or 0))
    export = make_report(reports_session(), user, request, progress=work.step)
    work.check_cancel()
    job.file = export.data()
    job.file_name = file_names(request)[1]
    job.result = {"rows": export.rows}
    lines = f" ({export.rows} dòng)" if export.rows is not None else ""
    job.message = f"Đã lập xong “{REPORTS[request.report]}”{lines}."


KINDS: dict[str, Kind] = {
    "import_preview": Kind(_run_preview, _undo_preview),
    "import_commit": Kind(_run_commit, _undo_commit),
    "rollback": Kind(_run_rollback),
    "export": Kind(_run_export),
}
