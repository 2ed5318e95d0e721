"""`students` and `workers`: progress towards admission per unit, grouped by area."""

from __future__ import annotations

from io import BytesIO

from exports.data import GroupedReport, StudentRow, WorkerRow
from exports.layout import Col
from exports.tables import build_grouped, count, derived, share

PEOPLE = "người"


def people(label: str, key: str, width: float = 10) -> Col:
    return count(label, key, width=width, unit=PEOPLE)


def progress_columns(line_label: str, of_admitted: tuple[Col, ...]) -> tuple[Col, ...]:
    """Columns shared by both groups; `of_admitted` breaks the admissions down."""
    return (
        Col("STT", width=6),
        Col(line_label, width=30),
        people("Chỉ tiêu kết nạp", "target"),
        people("Quần chúng ưu tú trong danh sách nguồn (cuối kỳ)", "source_at_end", 12),
        people("Đã học lớp nhận thức về Đảng trong kỳ", "trained", 12),
        people("Đang theo dõi, bồi dưỡng (GCN còn hạn, cuối kỳ)", "followed_at_end", 12),
        Col(
            "Kết quả trong kỳ",
            children=(
                people("Chi bộ đề nghị kết nạp", "proposed"),
                people("Có quyết định kết nạp", "decided"),
                people("Đã kết nạp (tổ chức lễ)", "admitted"),
            ),
        ),
        derived(
            "Tỷ lệ % so với chỉ tiêu",
            lambda f: share(f["admitted"], f["target"]),
            number="(10)=(9)/(3)",
            percent=True,
            unit="%",
        ),
        Col("Trong số đã kết nạp", children=of_admitted),
    )


_COMMON_BREAKDOWN = (
    people("Nữ", "women", 8),
    people("Dân tộc thiểu số", "ethnic_minority", 9),
    people("Người có tôn giáo", "religious", 9),
)

STUDENT_COLUMNS = progress_columns(
    "Trường, trung tâm",
    (
        *_COMMON_BREAKDOWN,
        people("Học sinh THPT", "thpt", 9),
        people("Học viên GDNN - GDTX", "gdnn_gdtx", 9),
        people("Sinh viên", "college", 9),
    ),
)

WORKER_COLUMNS = progress_columns(
    "Địa bàn, loại hình doanh nghiệp",
    (
        *_COMMON_BREAKDOWN,
        people("Đoàn viên Đoàn TNCS Hồ Chí Minh", "youth_union", 11),
        people("Đoàn viên công đoàn", "trade_union", 11),
    ),
)


def build_students(report: GroupedReport[StudentRow]) -> BytesIO:
    """Students report: one line per school or centre, grouped by area."""
    return build_grouped(
        report, row_type=StudentRow, cols=STUDENT_COLUMNS, sheet="Học sinh, sinh viên"
    )


def build_workers(report: GroupedReport[WorkerRow]) -> BytesIO:
    """Workers report: one line per enterprise kind within each area."""
    return build_grouped(report, row_type=WorkerRow, cols=WORKER_COLUMNS, sheet="Công nhân")
