"""Reports: turn a request (report, period, area, group) into a workbook and its figures.

The figures come from one aggregate statement per report (registry.services.reports.queries);
this module only arranges the few thousand grouped rows into the builders' dataclasses,
under the areas valid at the period end (registry.services.reports.areas). The detail list
streams from a server-side cursor (registry.services.reports.detail_list).
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from io import BytesIO
from typing import Any

from sqlalchemy.orm import Session

from exports import build
from registry.domain.periods import Period
from registry.domain.report_kinds import GROUP_CHOICES, REPORT_GROUPS, report_kinds
from registry.domain.vocabulary import STAGE_LABELS, SUBGROUPS
from registry.domain.workdays import today_vn
from registry.models import Area, User
from registry.scoping import in_scope, scope_role
from registry.services import ServiceError, audit
from registry.services.reports import arrange as report_builders
from registry.services.reports.detail_list import candidate_list
from registry.services.reports.headings import report_meta, root_area

REPORTS: dict[str, str] = {
    "students": "Phát triển đảng viên trong học sinh, sinh viên",
    "workers": "Phát triển đảng viên trong công nhân, người lao động",
    "ct33": "Thực hiện Chỉ thị 33-CT/TW trong doanh nghiệp",
    "summary": "Tổng hợp theo địa bàn, so với cùng kỳ năm trước",
    "candidates": "Danh sách chi tiết quần chúng ưu tú",
    "breakdown": "Phân tích người kết nạp và quần chúng đang theo dõi",
}
TITLES: dict[str, str] = {
    "students": "Báo cáo kết quả phát triển đảng viên trong học sinh, sinh viên",
    "workers": (
        "Báo cáo kết quả phát triển đảng viên trong công nhân, người lao động "
        "ở doanh nghiệp ngoài khu vực nhà nước"
    ),
    "ct33": (
        "Báo cáo kết quả thực hiện Chỉ thị 33-CT/TW về xây dựng tổ chức đảng, đoàn thể "
        "trong các đơn vị kinh tế tư nhân"
    ),
    "summary": "Báo cáo tổng hợp kết quả phát triển đảng viên trong học sinh, sinh viên "
    "và công nhân, người lao động",
    # Who the detail list of a period holds (states.on_list_in); with a stage filter,
    # LIST_TITLE and the stage reached in the period.
    "candidates": "Danh sách quần chúng ưu tú có tên trong danh sách theo dõi trong kỳ",
    "breakdown": "Phân tích đảng viên mới kết nạp và quần chúng ưu tú đang theo dõi "
    "theo giới tính, độ tuổi, dân tộc, tôn giáo, trình độ học vấn và đối tượng",
}
LIST_TITLE = "Danh sách quần chúng ưu tú"
SLUGS: dict[str, str] = {
    "students": "bao-cao-hoc-sinh",
    "workers": "bao-cao-cong-nhan",
    "ct33": "bao-cao-chi-thi-33",
    "summary": "bao-cao-tong-hop",
    "candidates": "danh-sach-quan-chung",
    "breakdown": "phan-tich",
}
# Vietnamese names of the downloaded files (filename* of Content-Disposition).
FILE_TITLES: dict[str, str] = {
    "students": "Báo cáo học sinh, sinh viên",
    "workers": "Báo cáo công nhân, người lao động",
    "ct33": "Báo cáo Chỉ thị 33",
    "summary": "Báo cáo tổng hợp",
    "candidates": "Danh sách quần chúng ưu tú",
    "breakdown": "Phân tích kết nạp và theo dõi",
}


class ReportError(ServiceError, ValueError):
    """A request no report can answer; the message is for the user."""


@dataclass(frozen=True)
class ReportRequest:
    report: str
    period: Period
    area: Area
    group: str | None = None
    reached: str | None = None  # the detail list only: reached this stage in the period

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

    @property
    def kinds(self) -> tuple[str, ...]:
        """Unit kinds the report counts: its own, narrowed by the group chosen."""
        return report_kinds(self.report, self.group)

    @property
    def title(self) -> str:
        title = TITLES[self.report]
        if self.report == "candidates" and self.reached:
            title = f"{LIST_TITLE} {STAGE_LABELS[self.reached].lower()} trong kỳ"
        if self.group and self.group in SUBGROUPS and self.report != "workers":
            title += f" ({SUBGROUPS[self.group]})"
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
        }


@dataclass
class Export:
    stream: BytesIO
    figures: dict[str, Any] | None  # None for the detail list
    rows: int | None = None  # lines of the detail list
    source: Any = None  # what the builder was given (the API lays its lines out as JSON)

    def data(self) -> bytes:
        return self.stream.getvalue()


def file_names(request: ReportRequest) -> tuple[str, str]:
    """(ASCII file name, Vietnamese file name) of a download."""
    span = f"{request.period.start.isoformat()}_{request.period.end.isoformat()}"
    ascii_name = f"{SLUGS[request.report]}_{span}.xlsx"
    start, end = (f"{d:%d-%m-%Y}" for d in (request.period.start, request.period.end))
    words = f"{FILE_TITLES[request.report]} {start} đến {end}.xlsx"
    return ascii_name, unicodedata.normalize("NFC", words)


def make_report(
    session: Session, user: User, request: ReportRequest, today: date | None = None
) -> Export:
    """Build the workbook a user asks for, within the user's scope."""
    request.check()
    if not in_scope(session, user, Area, request.area.id):
        raise ReportError("Địa bàn này nằm ngoài phạm vi của bạn.")
    meta = report_meta(
        session, user, request.title, request.period, request.area, today or today_vn()
    )
    if request.report == "candidates":
        data, counter = candidate_list(session, user, request, meta)
        stream = build("candidates", data)
        return Export(stream, None, counter.count)
    data = report_builders.BUILDERS[request.report](session, user, request, meta)
    figures = {k: v for k, v in asdict(data).items() if k != "meta"}
    return Export(build(request.report, data), figures, source=data)


def log_export(session: Session, actor: User | str, request: ReportRequest, export: Export):
    """Every download goes to the audit log, with what it covered."""
    after = request.describe()
    if export.rows is not None:
        after["rows"] = export.rows
    return audit.record(session, actor, "export", "report", None, None, after)


def default_area(session: Session, user: User) -> Area | None:
    """The area a user's reports cover unless they choose: their own, or the province."""
    if scope_role(user) == "area" and user.area is not None:
        return user.area
    return root_area(session)
