"""What the pipeline hands on: issues, row results and the stage events a row makes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from registry.domain.identity import IdNumberError
from registry.domain.vocabulary import STAGE_DATE_COLUMNS
from registry.spreadsheet.headers import FIELD_LABELS
from registry.spreadsheet.normalise import Invalid, cell_text

# Stage date field → stage code, in stage order with `exited` last.
STAGE_FIELDS: dict[str, str] = {column: stage for stage, column in STAGE_DATE_COLUMNS.items()}


# What each error and warning code says, for the preview's table and the error
# workbook (the code stays the stable key of the CLI's JSON).
ISSUE_LABELS: dict[str, str] = {
    "required": "Thiếu thông tin bắt buộc",
    "invalid_date": "Ngày không hợp lệ",
    "future_date": "Ngày ở tương lai",
    "invalid_gender": "Giới tính không hợp lệ",
    "invalid_group": "Đối tượng không khớp đơn vị",
    "unknown_ethnicity": "Không nhận ra dân tộc",
    "invalid_id_number": "Số CCCD/CMND không hợp lệ",
    "id_number_mismatch": "Số CCCD không khớp ngày sinh, giới tính",
    "lost_precision": "Số CCCD bị mất chữ số",
    "duplicate_in_file": "Trùng với dòng khác trong tệp",
    "unknown_unit": "Không tìm thấy đơn vị",
    "unknown_cell": "Không tìm thấy chi bộ",
    "out_of_scope": "Ngoài phạm vi quản lý",
    "stage_order": "Sai thứ tự hoặc ngày các bước",
    "underage": "Chưa đủ 18 tuổi",
    "expired_certificate": "Giấy chứng nhận đã hết hạn",
    "missing_certificate": "Thiếu giấy chứng nhận lớp nhận thức",
    "locked_period": "Kỳ báo cáo đã khóa",
    "old_id_number": "Số CMND cũ",
    "unknown_religion": "Tôn giáo ngoài danh mục",
    "over_age": "Quá 60 tuổi",
    "low_education": "Trình độ học vấn thấp",
    "few_introducers": "Chưa đủ người giới thiệu",
    "stale_dossier": "Hồ sơ quá 12 tháng",
    "document_differs": "Số văn bản khác với đã ghi",
    "too_long": "Nội dung quá dài",
    "invalid_value": "Giá trị không rõ",
    "introducer_not_full_member": "Người giới thiệu chưa là đảng viên chính thức",
    "invalid_vote": "Biểu quyết không hợp lệ",
    "vote_below_share": "Biểu quyết dưới hai phần ba",
    "few_months_together": "Công tác cùng chưa đủ 12 tháng",
    "introducer_differs": "Người giới thiệu khác với đã ghi",
    "vote_differs": "Biểu quyết khác với đã ghi",
}


def issue_label(code: str) -> str:
    return ISSUE_LABELS.get(code, code)


@dataclass(frozen=True)
class Issue:
    row: int
    column: str  # the field at fault (a key of headers.FIELD_LABELS)
    code: str
    message: str
    sheet: str | None = None  # set when several sheets are read in one batch

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "row": self.row, "column": self.column, "code": self.code, "message": self.message,
        }  # fmt: skip
        if self.sheet is not None:
            found["sheet"] = self.sheet
        return found


@dataclass
class RowResult:
    row_number: int
    values: dict[str, object]  # only the fields the row fills (a blank never erases)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    sheet: str | None = None  # set when several sheets are read in one batch

    @property
    def key(self) -> tuple[str, int]:
        """The row's identity within a batch (a row number repeats across sheets)."""
        return (self.sheet or "", self.row_number)

    def issue(self, column: str, code: str, message: str) -> Issue:
        return Issue(self.row_number, column, code, message, self.sheet)

    def where(self) -> str:
        """ "dòng 12", or "dòng 12 (trang «Khối 11»)" when several sheets are read."""
        return f"dòng {self.row_number}" + (f" (trang «{self.sheet}»)" if self.sheet else "")

    @property
    def ok(self) -> bool:
        return not self.errors


def quote(value: object) -> str:
    return f"«{cell_text(value)}»"


class RowState:
    """The state of one row while it is checked: one error per cell at most."""

    __slots__ = ("errors", "failed", "number", "values", "warnings")

    def __init__(self, number: int) -> None:
        self.number = number
        self.values: dict[str, object] = {}
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.failed: set[str] = set()

    def error(self, column: str, code: str, message: str) -> None:
        if column not in self.failed:
            self.failed.add(column)
            self.errors.append(Issue(self.number, column, code, message))

    def warn(self, column: str, code: str, message: str) -> None:
        self.warnings.append(Issue(self.number, column, code, message))

    def invalid(self, column: str, exc: Invalid | IdNumberError, value: object) -> None:
        label = FIELD_LABELS.get(column, column)
        text = f"{label} không hợp lệ: {quote(value)}"
        if exc.code == "future_date":
            text = f"{label} ở tương lai: {quote(value)}"
        elif exc.code == "id_number_mismatch":
            text = f"{label} {quote(value)} không khớp với ngày sinh, giới tính"
        elif exc.code == "lost_precision":
            text = f"{label} bị mất chữ số: {quote(value)}"
        elif exc.code == "unknown_ethnicity":
            text = f"Không nhận ra dân tộc {quote(value)}"
        self.error(column, exc.code, f"{text} ({exc.detail})." if exc.detail else f"{text}.")


@dataclass(frozen=True)
class StageEventIn:
    stage: str
    date: date
    number: str | None = None  # certificate or decision number
    note: str | None = None  # the exit reason as written


def stage_events(values: Mapping[str, object]) -> list[StageEventIn]:
    """The stage events a validated row makes, in stage order, exit last.

    Without a source date the row's earliest stage date stands for it, so every
    imported candidate enters through the source list.
    """
    events: list[StageEventIn] = []
    numbers = {"trained_date": "certificate_no", "decision_date": "decision_no"}
    for column, stage in STAGE_FIELDS.items():
        when = values.get(column)
        if isinstance(when, date):
            number = values.get(numbers.get(column, ""))
            note = values.get("exit_note") if stage == "exited" else None
            # The certificate or decision number and the exit note are texts when present.
            events.append(StageEventIn(stage, when, number, note))  # type: ignore[arg-type]  # see above
    if events and "source_date" not in values:
        earliest = min(e.date for e in events)
        events.insert(0, StageEventIn("source", earliest))
    return events
