"""Report builders: plain data in, an xlsx workbook (BytesIO) out; no Flask, no queries.

from exports import build
workbook = build("students", GroupedReport(meta, groups))
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from exports.breakdown import build_breakdown
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
from exports.summary import build_summary

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


__all__ = [
    "BUILDERS",
    "CANDIDATE_HEADERS",
    "REGISTER_FIELDS",
    "AreaGroup",
    "BreakdownBlock",
    "BreakdownReport",
    "BreakdownRow",
    "CandidateList",
    "Ct33Row",
    "GroupFigures",
    "GroupedReport",
    "RegisterBook",
    "RegisterSheet",
    "ReportMeta",
    "StudentRow",
    "SummaryReport",
    "SummaryRow",
    "UnknownReport",
    "WorkerRow",
    "build",
]
