"""What the stage rules answer: a Verdict of errors and warnings, each a RuleIssue.

An issue has a code (ERROR_CODES refuse the event or the row, WARNING_CODES only tell),
a Vietnamese message and the candidate field at fault. The stage service, the import
pipeline and the candidate page raise the same codes, so a message reads the same
wherever it is raised; stage_label and stage_column are how a message names a stage
and which field it marks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.domain.vocabulary import STAGE_DATE_COLUMNS, STAGE_LABELS

ERROR_CODES: dict[str, str] = {
    "stage_order": "Sai thứ tự bước hoặc ngày",
    "future_date": "Ngày ở tương lai",
    "underage": "Chưa đủ 18 tuổi",
    "expired_certificate": "Giấy chứng nhận lớp nhận thức về Đảng hết hạn",
    "readmission_too_soon": "Chưa đủ thời gian để xem xét kết nạp lại",
}
WARNING_CODES: dict[str, str] = {
    "missing_certificate": "Chưa có giấy chứng nhận lớp nhận thức về Đảng",
    "over_age": "Quá 60 tuổi",
    "low_education": "Chưa tốt nghiệp trung học cơ sở",
    "few_introducers": "Thiếu người giới thiệu",
    "stale_dossier": "Hồ sơ quá 12 tháng",
    "readmission_grounds": "Kết nạp lại: cần kiểm tra lý do ra khỏi Đảng",
}


@dataclass(frozen=True)
class RuleIssue:
    code: str
    message: str
    # The candidate field at fault (a stage date column, birth_date, education or
    # introducers), so the import can mark the cell and a form the input.
    field: str | None = None


@dataclass
class Verdict:
    errors: list[RuleIssue] = field(default_factory=list)
    warnings: list[RuleIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> list[str]:
        """Codes of the errors then the warnings (handy in tests and logs)."""
        return [i.code for i in self.errors] + [i.code for i in self.warnings]

    def error(self, code: str, message: str, field: str | None = None) -> None:
        self.errors.append(RuleIssue(code, message, field))

    def warn(self, code: str, message: str, field: str | None = None) -> None:
        self.warnings.append(RuleIssue(code, message, field))


def stage_label(stage: str) -> str:
    return f"“{STAGE_LABELS[stage]}”"


def stage_column(stage: str) -> str:
    return STAGE_DATE_COLUMNS[stage]
