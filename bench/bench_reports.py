"""Each report over the whole province for a year, against the bare GROUP BY query.

For the aggregate reports (students, workers, ct33, summary, breakdown) the figures are: the
report's data (registry.services.reports.arrange: its one aggregate statement and the
arranging of the grouped rows), the workbook (exports.build), the whole export as the
`export` CLI makes it (registry.services.reports.workbooks.make_report), and the floor, a bare
GROUP BY over the same rows with no scope, join or label. The detail list (one commune,
every column) is measured against an openpyxl write-only dump of the same rows.
Each report runs in its own worker process, so its peak memory is its own.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from io import BytesIO
from typing import Any

from sqlalchemy import select, text

AGGREGATES = ("students", "workers", "ct33", "summary", "breakdown")
REPORTS = (*AGGREGATES, "candidates", "narrative")
NARRATIVE_FIGURES = ("students", "workers", "ct33", "summary")  # what the narrative draws on
YEAR = 2025
_EVENTS = """
SELECT unit_id, stage, count(*) FROM stage_event
WHERE stage IN ({stages}) AND event_date BETWEEN :start AND :end GROUP BY unit_id, stage"""
_ON_LIST = """
SELECT unit_id, 'on_list', count(*) FROM candidate
WHERE source_date <= :end AND (admitted_date IS NULL OR admitted_date > :end)
  AND (exited_date IS NULL OR exited_date > :end) GROUP BY unit_id"""
_SURVEYS = """
SELECT s.unit_id, 'surveys', sum(s.party_members) FROM enterprise_survey s
WHERE s.survey_date = (SELECT max(l.survey_date) FROM enterprise_survey l
                       WHERE l.unit_id = s.unit_id AND l.survey_date <= :end)
GROUP BY s.unit_id"""
_PROGRESS = "'trained', 'cell_resolution', 'decision', 'admitted'"
FLOORS = {
    "students": _EVENTS.format(stages=_PROGRESS) + " UNION ALL " + _ON_LIST,
    "workers": _EVENTS.format(stages=_PROGRESS) + " UNION ALL " + _ON_LIST,
    "summary": _EVENTS.format(stages=_PROGRESS)
    + " UNION ALL "
    + _ON_LIST
    + " UNION ALL "
    + _EVENTS.format(stages="'admitted'").replace(":start", ":year_before"),
    "ct33": _EVENTS.format(stages="'admitted'") + " UNION ALL " + _SURVEYS,
    # The people of both measures by unit and criterion (no age band, no area mapping).
    "breakdown": """
SELECT e.unit_id, c.gender, c.ethnicity, c.religion, c.education, count(*)
FROM stage_event e JOIN candidate c ON c.id = e.candidate_id
WHERE e.stage = 'admitted' AND e.event_date BETWEEN :start AND :end
GROUP BY e.unit_id, c.gender, c.ethnicity, c.religion, c.education
UNION ALL
SELECT unit_id, gender, ethnicity, religion, education, count(*) FROM candidate
WHERE source_date <= :end AND (admitted_date IS NULL OR admitted_date > :end)
  AND (exited_date IS NULL OR exited_date > :end)
GROUP BY unit_id, gender, ethnicity, religion, education""",
}


def timed(
    func: Callable[[], Any], rounds: int, budget_s: float = 4.0
) -> tuple[dict[str, float], Any]:
    """Median and best wall time of up to `rounds` runs (fewer once `budget_s` is spent:
    a slow figure needs no third run to be read), and the last result."""
    times, result = [], None
    while len(times) < max(1, rounds) and (not times or sum(times) < budget_s):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return {
        "s": round(statistics.median(times), 3),
        "best_s": round(min(times), 3),
        "runs": len(times),
    }, result


def _context(session, area_code: str | None):
    from registry.domain.periods import whole_year
    from registry.models import Area, User
    from registry.services.reports.headings import root_area

    user = session.scalar(select(User).where(User.username == "tinh"))
    if area_code:
        area = session.scalar(select(Area).where(Area.code == area_code))
    else:
        area = root_area(session)
    return user, area, whole_year(YEAR)


def aggregate(session, report: str, rounds: int) -> dict[str, Any]:
    """Data, workbook, whole export and floor of one aggregate report."""
    from exports import build
    from registry.services.reports import arrange as report_builders
    from registry.services.reports.headings import report_meta
    from registry.services.reports.workbooks import ReportRequest, make_report

    user, area, period = _context(session, None)
    request = ReportRequest(report, period, area)
    meta = report_meta(session, user, request.title, period, area, date(YEAR + 1, 1, 5))
    builder = report_builders.BUILDERS[report]
    query, data = timed(lambda: builder(session, user, request, meta), rounds)
    workbook, stream = timed(lambda: build(report, data), rounds)
    whole, _export = timed(lambda: make_report(session, user, request), rounds)
    params = {
        "start": period.start,
        "end": period.end,
        "year_before": date(YEAR - 1, 1, 1),
    }
    floor, rows = timed(lambda: session.execute(text(FLOORS[report]), params).all(), rounds)
    return {
        "query": query,
        "workbook": workbook,
        "export": whole,
        "floor_group_by": {**floor, "rows": len(rows)},
        "query_vs_floor": round(query["s"] / floor["s"], 2) if floor["s"] else None,
        "workbook_bytes": len(stream.getvalue()),
    }


def detail_list(session, area_code: str | None, rounds: int) -> dict[str, Any]:
    """The detail list of one area (make_report) against openpyxl write-only of its rows."""
    from openpyxl import Workbook

    from registry.services.reports.detail_list import RowCounter, filters_for, stream_rows
    from registry.services.reports.workbooks import ReportRequest, make_report

    user, area, period = _context(session, area_code)
    request = ReportRequest("candidates", period, area)
    filters = filters_for(request, area.parent_id is None)
    query, rows = timed(
        lambda: list(stream_rows(session, user, filters, RowCounter(), period)), rounds
    )

    def bare() -> BytesIO:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        for row in rows:
            ws.append(row)
        out = BytesIO()
        wb.save(out)
        return out

    floor, _ = timed(bare, rounds)
    whole, export = timed(lambda: make_report(session, user, request), rounds)
    return {
        "area": area.name,
        "rows": len(rows),
        "query": query,
        "export": whole,
        "floor_write_only": floor,
        "export_vs_floor": round(whole["s"] / floor["s"], 2) if floor["s"] else None,
        "workbook_bytes": len(export.data()),
    }


def documents(session, rounds: int) -> dict[str, Any]:
    """The yearly province report as Word (the narrative: students, workers, Chỉ thị 33
    and summary figures) and as PDF, beside the xlsx build of the same figures (the four
    aggregate exports it draws on)."""
    from registry.services.reports import pdf
    from registry.services.reports.workbooks import ReportRequest, make_report, printed

    user, area, period = _context(session, None)
    request = ReportRequest("narrative", period, area)
    docx, export = timed(lambda: make_report(session, user, request), rounds)

    def xlsx_of_the_same_figures() -> None:
        for report in NARRATIVE_FIGURES:
            make_report(session, user, ReportRequest(report, period, area))

    xlsx, _ = timed(xlsx_of_the_same_figures, rounds)
    result: dict[str, Any] = {
        "docx": docx,
        "xlsx_same_figures": xlsx,
        "docx_bytes": len(export.data()),
        "docx_vs_xlsx": round(docx["s"] / xlsx["s"], 2) if xlsx["s"] else None,
    }
    if pdf.available():
        result["pdf"], printed_export = timed(lambda: printed(export), 1)
        result["pdf_bytes"] = len(printed_export.data())
    else:
        result["pdf"] = {"skipped": pdf.MISSING}
    return result


def run(url: str, report: str, rounds: int, area_code: str | None = None) -> dict[str, Any]:
    from bench.common import bench_app
    from registry.extensions import db

    app = bench_app(url)
    with app.app_context():
        if report == "candidates":
            result = detail_list(db.session, area_code, rounds)
        elif report == "narrative":
            result = documents(db.session, rounds)
        else:
            result = aggregate(db.session, report, rounds)
        db.session.rollback()
    return result
