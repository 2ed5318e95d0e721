"""Reports: turn a request (report, period, area, group) into a workbook and its figures.

The figures come from one aggregate statement per report (registry.services.reports.queries);
this module only arranges the few thousand grouped rows into the builders' dataclasses,
under the areas valid at the period end (registry.services.reports.areas). The detail list
streams from a server-side cursor (registry.services.reports.detail_list).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import date
from io import BytesIO
from typing import Any

from sqlalchemy.orm import Session

from exports import build
from exports.data import ReportMeta
from registry.domain.periods import Period
from registry.domain.report_kinds import (
    GROUP_CHOICES,
    REPORT_GROUPS,
    counted_subgroups,
    counted_text,
    report_kinds,
)
from registry.domain.vocabulary import STAGE_LABELS, SUBGROUPS
from registry.domain.workdays import today_vn
from registry.models import Area, PartyCell, User
from registry.scoping import in_scope, restriction_of, scope_role
from registry.services import ServiceError, audit
from registry.services.reports import arrange as report_builders
from registry.services.reports import register
from registry.services.reports.detail_list import candidate_list
from registry.services.reports.headings import report_meta, root_area
from registry.services.reports.narrative import narrative_document
from registry.services.reports.pdf import to_pdf

REPORTS: dict[str, str] = {
    "students": "Phát triển đảng viên trong học sinh, sinh viên",
    "workers": "Phát triển đảng viên trong công nhân, người lao động",
    "ct33": "Thực hiện Chỉ thị 33-CT/TW trong doanh nghiệp",
    "summary": "Tổng hợp theo địa bàn, so với cùng kỳ năm trước",
    "candidates": "Danh sách chi tiết quần chúng ưu tú",
    "breakdown": "Phân tích người kết nạp và quần chúng đang theo dõi",
    "narrative": "Báo cáo bằng văn bản (Word), kèm bảng và biểu đồ",
    "register": "Sổ theo dõi quần chúng ưu tú của chi bộ",
}
# {who}: whom the report counts (report_kinds.counted_text), so a THPT-only report says so.
TITLES: dict[str, str] = {
    "students": "Báo cáo kết quả phát triển đảng viên trong {who}",
    "workers": (
        "Báo cáo kết quả phát triển đảng viên trong {who} ở doanh nghiệp ngoài khu vực nhà nước"
    ),
    "ct33": (
        "Báo cáo kết quả thực hiện Chỉ thị 33-CT/TW về xây dựng tổ chức đảng, đoàn thể "
        "trong các đơn vị kinh tế tư nhân"
    ),
    "summary": "Báo cáo tổng hợp kết quả phát triển đảng viên trong {who}",
    # Who the detail list of a period holds (states.on_list_in); with a stage filter,
    # LIST_TITLE and the stage reached in the period.
    "candidates": "Danh sách quần chúng ưu tú có tên trong danh sách theo dõi trong kỳ",
    "breakdown": "Phân tích đảng viên mới kết nạp và quần chúng ưu tú đang theo dõi "
    "theo giới tính, độ tuổi, dân tộc, tôn giáo, trình độ học vấn và đối tượng",
    "narrative": "Kết quả công tác phát triển đảng viên trong học sinh, sinh viên và công "
    "nhân lao động ở doanh nghiệp ngoài khu vực nhà nước",
    "register": register.TITLE,
}
# Reports whose title names no one: whom they count follows in brackets unless it is
# everyone.
_NAMED_AFTER = ("candidates", "breakdown")
LIST_TITLE = "Danh sách quần chúng ưu tú"
SLUGS: dict[str, str] = {
    "students": "bao-cao-hoc-sinh",
    "workers": "bao-cao-cong-nhan",
    "ct33": "bao-cao-chi-thi-33",
    "summary": "bao-cao-tong-hop",
    "candidates": "danh-sach-quan-chung",
    "breakdown": "phan-tich",
    "narrative": "bao-cao-van-ban",
    "register": "so-theo-doi",
}
# Vietnamese names of the downloaded files (filename* of Content-Disposition).
FILE_TITLES: dict[str, str] = {
    "students": "Báo cáo học sinh, sinh viên",
    "workers": "Báo cáo công nhân, người lao động",
    "ct33": "Báo cáo Chỉ thị 33",
    "summary": "Báo cáo tổng hợp",
    "candidates": "Danh sách quần chúng ưu tú",
    "breakdown": "Phân tích kết nạp và theo dõi",
    "narrative": "Báo cáo kết quả phát triển đảng viên",
    "register": "Sổ theo dõi quần chúng ưu tú",
}


# Reports with a figure table (the others are lists, a register, a Word document).
FIGURE_REPORTS = tuple(report_builders.BUILDERS)


class ReportError(ServiceError, ValueError):
    """A request no report can answer; the message is for the user."""


@dataclass(frozen=True)
class ReportRequest:
    report: str
    period: Period
    area: Area
    group: str | None = None
    reached: str | None = None  # the detail list only: reached this stage in the period
    cell: PartyCell | None = None  # the register only: this cell (else every cell of the area)

    def check(self) -> None:
        if self.report not in REPORTS:
            raise ReportError(f"Không có báo cáo “{self.report}”.")
        if self.group and self.group not in REPORT_GROUPS[self.report]:
            raise ReportError(
                f"Báo cáo “{REPORTS[self.report]}” không lập cho đối tượng "
                f"“{GROUP_CHOICES.get(self.group, self.group)}”."
            )
        if self.reached and (self.report != "candidates" or self.reached not in STAGE_LABELS):
            raise ReportError("Chỉ danh sách chi tiết mới lọc theo bước đạt trong kỳ.")
        if self.cell is not None and self.report != "register":
            raise ReportError("Chỉ sổ theo dõi mới lập cho một chi bộ.")

    @property
    def kinds(self) -> tuple[str, ...]:
        """Unit kinds the report counts: its own, narrowed by the group chosen."""
        return report_kinds(self.report, self.group)

    @property
    def title(self) -> str:
        """The title for a user who sees every group."""
        return self.title_for(counted_subgroups(self.report, self.group))

    def title_for(self, counted: tuple[str, ...]) -> str:
        """The title, naming whom the report counts (`counted`: its subgroups)."""
        title = TITLES[self.report].format(who=counted_text(counted))
        if self.report == "candidates" and self.reached:
            title = f"{LIST_TITLE} {STAGE_LABELS[self.reached].lower()} trong kỳ"
        if self.report in _NAMED_AFTER and set(counted) != set(SUBGROUPS):
            title += f" ({counted_text(counted)})"
        return title

    def describe(self) -> dict[str, Any]:
        """What the audit log and the submitted report keep about the request."""
        return {
            "report": self.report,
            "period_from": self.period.start.isoformat(),
            "period_to": self.period.end.isoformat(),
            "period_label": self.period.label,
            "area_id": self.area.id,
            "area": self.area.name,
            "group": self.group,
            "reached": self.reached,
            **({"cell_id": self.cell.id, "cell": self.cell.name} if self.cell else {}),
        }


@dataclass
class Export:
    stream: BytesIO
    figures: dict[str, Any] | None  # None for the detail list
    rows: int | None = None  # lines of the detail list
    suffix: str = ".xlsx"  # ".docx" for the narrative report, ".pdf" once printed

    def data(self) -> bytes:
        return self.stream.getvalue()


def file_names(request: ReportRequest, suffix: str = ".xlsx") -> tuple[str, str]:
    """(ASCII file name, Vietnamese file name) of a download."""
    span = f"{request.period.start.isoformat()}_{request.period.end.isoformat()}"
    ascii_name = f"{SLUGS[request.report]}_{span}{suffix}"
    start, end = (f"{d:%d-%m-%Y}" for d in (request.period.start, request.period.end))
    words = f"{FILE_TITLES[request.report]} {start} đến {end}{suffix}"
    return ascii_name, unicodedata.normalize("NFC", words)


def _counted(rows: Iterable, progress: Callable[[int], None]) -> Iterator:
    for row in rows:
        progress(1)
        yield row


def make_report(
    session: Session,
    user: User,
    request: ReportRequest,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Export:
    """Build the workbook a user asks for, within the user's scope; `progress` is told of
    each line of the detail list as it is written (a background export's bar)."""
    if request.report in FIGURE_REPORTS:
        data = report_data(session, user, request, today)
        figures = {k: v for k, v in asdict(data).items() if k != "meta"}
        return Export(build(request.report, data), figures)
    meta = _meta(session, user, request, today)
    if request.report == "narrative":
        stream, values = narrative_document(session, user, request, meta)
        return Export(stream, values, suffix=".docx")
    if request.report == "candidates":
        data, counter = candidate_list(session, user, request, meta)
        if progress is not None:
            data = replace(data, rows=_counted(data.rows, progress))
        stream = build("candidates", data)
        return Export(stream, None, counter.count)
    return _register(session, user, request, meta)


def _meta(session: Session, user: User, request: ReportRequest, today: date | None) -> ReportMeta:
    """The request checked against the user's scope, and the report's heading."""
    request.check()
    if not in_scope(session, user, Area, request.area.id):
        raise ReportError("Địa bàn này nằm ngoài phạm vi của bạn.")
    counted = counted_subgroups(request.report, request.group, restriction_of(user))
    if not counted:
        raise ReportError(
            f"Báo cáo “{REPORTS[request.report]}” không có đối tượng nào trong phạm vi của bạn."
        )
    title = request.title_for(counted)
    return report_meta(session, user, title, request.period, request.area, today or today_vn())


def report_data(
    session: Session, user: User, request: ReportRequest, today: date | None = None
) -> Any:
    """What a figure report's builder is given (its one aggregate query, arranged), without
    building the workbook: `exports.lines(report, data)` are the workbook's lines."""
    if request.report not in FIGURE_REPORTS:
        request.check()
        raise ReportError("Danh sách, sổ theo dõi không có số liệu tổng hợp: hãy tải tệp Excel.")
    meta = _meta(session, user, request, today)
    return report_builders.BUILDERS[request.report](session, user, request, meta)


def printed(export: Export) -> Export:
    """The same report as PDF (A4 as laid out), or PdfError saying why not."""
    return Export(
        BytesIO(to_pdf(export.data(), export.suffix)), export.figures, export.rows, ".pdf"
    )


def _register(session: Session, user: User, request: ReportRequest, meta) -> Export:
    if request.cell is not None and not in_scope(session, user, PartyCell, request.cell.id):
        raise ReportError("Chi bộ này nằm ngoài phạm vi của bạn.")
    book = register.register_book(session, user, request.period, request.area, request.cell, meta)
    if not book.sheets:
        raise ReportError("Địa bàn này chưa có chi bộ nào trong phạm vi của bạn.")
    rows = sum(len(sheet.rows) for sheet in book.sheets)
    return Export(build("register", book), None, rows)


def log_export(
    session: Session, actor: User | str, request: ReportRequest, export: Export | None = None
):
    """Every download goes to the audit log, with what it covered; figures read without a
    workbook (`export` None, the API's JSON) are logged as the format `json`."""
    after = request.describe()
    after["format"] = export.suffix.lstrip(".") if export is not None else "json"
    if export is not None and export.rows is not None:
        after["rows"] = export.rows
    return audit.record(session, actor, "export", "report", None, None, after)


def default_area(session: Session, user: User) -> Area | None:
    """The area a user's reports cover unless they choose: their own (a cell secretary's:
    their cell's), or the province."""
    if scope_role(user) == "area" and user.area is not None:
        return user.area
    if user.role == "cell" and user.cell is not None:
        return user.cell.area
    return root_area(session)
