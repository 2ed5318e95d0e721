"""Report builders: plain data in, an xlsx workbook (BytesIO) out; no Flask, no queries.

from exports import build
workbook = build("students", GroupedReport(meta, groups))
lines("students", GroupedReport(meta, groups))  # the table the workbook writes, unwritten
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from io import BytesIO
from typing import Any

from exports.breakdown import breakdown_lines, build_breakdown
from exports.candidates import build_candidates
from exports.ct33 import build_ct33
from exports.data import (
    CANDIDATE_HEADERS,
    REGISTER_FIELDS,
    AreaGroup,
    BreakdownBlock,
    BreakdownReport,
    BreakdownRow,
    CandidateList,
    Ct33Row,
    GroupedReport,
    GroupFigures,
    RegisterBook,
    RegisterSheet,
    ReportMeta,
    StudentRow,
    SummaryReport,
    SummaryRow,
    WorkerRow,
)
from exports.progress import build_students, build_workers
from exports.register import build_register
from exports.rounds import build_round
from exports.summary import build_summary, summary_lines
from exports.tables import Line, grouped_lines

BUILDERS: dict[str, Callable[[Any], BytesIO]] = {
    "students": build_students,
    "workers": build_workers,
    "ct33": build_ct33,
    "summary": build_summary,
    "candidates": build_candidates,
    "breakdown": build_breakdown,
    "register": build_register,
    "round": build_round,
}

# The figure table each report's workbook writes, line by line (subtotals and the grand
# total included): what the workbook shows, for a reader that wants the numbers only.
LINES: dict[str, Callable[[Any], list[Line]]] = {
    "students": partial(grouped_lines, row_type=StudentRow),
    "workers": partial(grouped_lines, row_type=WorkerRow),
    "ct33": partial(grouped_lines, row_type=Ct33Row),
    "summary": summary_lines,
    "breakdown": breakdown_lines,
}


class UnknownReport(LookupError):
    """No builder has that name."""


def build(report_name: str, data: Any) -> BytesIO:
    """Build the named report from its plain data; the stream is rewound to the start."""
    try:
        builder = BUILDERS[report_name]
    except KeyError:
        known = ", ".join(BUILDERS)
        raise UnknownReport(f"Không có báo cáo {report_name!r} (có: {known})") from None
    return builder(data)


def lines(report_name: str, data: Any) -> list[Line]:
    """The lines of the named report's figure table, as its workbook writes them."""
    try:
        made = LINES[report_name]
    except KeyError:
        raise UnknownReport(f"Báo cáo {report_name!r} không có bảng số liệu") from None
    return made(data)


__all__ = [
    "BUILDERS",
    "CANDIDATE_HEADERS",
    "LINES",
    "REGISTER_FIELDS",
    "AreaGroup",
    "BreakdownBlock",
    "BreakdownReport",
    "BreakdownRow",
    "CandidateList",
    "Ct33Row",
    "GroupFigures",
    "GroupedReport",
    "Line",
    "RegisterBook",
    "RegisterSheet",
    "ReportMeta",
    "StudentRow",
    "SummaryReport",
    "SummaryRow",
    "UnknownReport",
    "WorkerRow",
    "build",
    "lines",
]
