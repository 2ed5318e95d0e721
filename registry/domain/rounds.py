"""Reporting rounds: the states of a submission, and a report's totals read from its
figures (pure).

A reporter's state in a round is that of its latest submission, or "not submitted".
The totals of a report are the sums of its lines' figures, as the builders add them up
for the grand-total row, so the consolidated workbook adds the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

SUBMISSION_STATES: dict[str, str] = {
    "submitted": "Đã nộp, chờ duyệt",
    "returned": "Bị trả lại",
    "approved": "Đã duyệt",
    "superseded": "Đã mở khóa (thay bằng lần nộp sau)",
}
NOT_SUBMITTED = "not_submitted"
REPORTER_STATES: dict[str, str] = {NOT_SUBMITTED: "Chưa nộp", **SUBMISSION_STATES}
# The reporter still has something to do: nothing sent yet, sent back, or unlocked.
TO_DO_STATES = frozenset({NOT_SUBMITTED, "returned", "superseded"})

# A round as listed: every reporter approved, past its deadline, or open.
ROUND_STATES: dict[str, str] = {"approved": "Đã duyệt đủ", "late": "Quá hạn", "open": "Đang mở"}

STEP_ACTIONS: dict[str, str] = {
    "submit": "Nộp báo cáo",
    "return": "Trả lại",
    "approve": "Duyệt",
    "unlock": "Mở khóa số liệu",
}

# The documents a submission carries beside its workbooks: the narrative report as sent
# (rendered by the registry, or the sender's own edited .docx) and its PDF.
DOCUMENT_KINDS: dict[str, str] = {
    "narrative": "Báo cáo bằng văn bản (Word)",
    "pdf": "Báo cáo bằng văn bản (PDF)",
}

ADMISSION_FIELDS: dict[str, str] = {
    "source_at_end": "Trong danh sách nguồn (cuối kỳ)",
    "trained": "Đã học lớp nhận thức trong kỳ",
    "followed_at_end": "Đang theo dõi, bồi dưỡng (cuối kỳ)",
    "proposed": "Chi bộ đề nghị kết nạp",
    "decided": "Có quyết định kết nạp",
    "admitted": "Đã kết nạp",
    "women": "Trong đó: nữ",
    "ethnic_minority": "Trong đó: dân tộc thiểu số",
    "religious": "Trong đó: có tôn giáo",
}
CT33_FIELDS: dict[str, str] = {
    "operating": "Doanh nghiệp đang hoạt động",
    "workers": "Số lao động",
    "with_chi_bo_co_so": "Có chi bộ cơ sở",
    "with_dang_bo_co_so": "Có đảng bộ cơ sở",
    "with_chi_bo_truc_thuoc": "Có chi bộ trực thuộc",
    "members": "Đảng viên làm việc",
    "members_held_here": "Đảng viên sinh hoạt tại doanh nghiệp",
    "owner_members": "Chủ, giám đốc là đảng viên",
    "admitted": "Kết nạp trong kỳ",
    "with_trade_union": "Có công đoàn",
    "trade_union_members": "Đoàn viên công đoàn",
    "with_youth_union": "Có Đoàn thanh niên",
    "youth_union_members": "Đoàn viên thanh niên",
    "members_without_org": "Đảng viên ở doanh nghiệp chưa có tổ chức đảng",
}
_SUMMARY_PARTS = {"students": "Học sinh, sinh viên", "workers": "Công nhân, người lao động"}
_SUMMARY_FIELDS = {
    "source_at_end": "nguồn (cuối kỳ)",
    "trained": "học lớp nhận thức",
    "proposed": "chi bộ đề nghị",
    "admitted": "kết nạp",
}
SUMMARY_FIELDS: dict[str, str] = {
    f"{part}.{name}": f"{part_label}: {label}"
    for part, part_label in _SUMMARY_PARTS.items()
    for name, label in _SUMMARY_FIELDS.items()
}
TOTAL_FIELDS: dict[str, dict[str, str]] = {
    "students": {**ADMISSION_FIELDS, "thpt": "Trong đó: học sinh THPT",
                 "gdnn_gdtx": "Trong đó: học viên GDNN - GDTX", "college": "Trong đó: sinh viên"},
    "workers": {**ADMISSION_FIELDS, "youth_union": "Trong đó: đoàn viên thanh niên",
                "trade_union": "Trong đó: đoàn viên công đoàn"},
    "ct33": CT33_FIELDS,
    "summary": SUMMARY_FIELDS,
}  # fmt: skip


def _lines(figures: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    for group in figures.get("groups") or ():
        yield from group.get("rows") or ()


def report_totals(report: str, figures: Mapping[str, Any]) -> dict[str, int]:
    """The grand totals of a report's figures (as kept with a submission), by field."""
    fields = TOTAL_FIELDS[report]
    totals = dict.fromkeys(fields, 0)
    if report == "summary":
        for row in figures.get("rows") or ():
            for key in fields:
                part, name = key.split(".")
                totals[key] += int((row.get(part) or {}).get(name) or 0)
        return totals
    for line in _lines(figures):
        for key in fields:
            totals[key] += int(line.get(key) or 0)
    return totals


def days_late(deadline: date, sent_on: date, working_days_between) -> int:
    """Working days past the deadline (0 when on time); `working_days_between` is the
    calendar's counter with its holidays bound, so one rule counts everywhere."""
    return max(0, working_days_between(deadline, sent_on))
