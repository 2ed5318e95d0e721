"""Report figures as DESIGN "API" shapes them: `{"report", "period": {"from", "to"},
"rows": [{"area", "unit", "values": {column: number}}], "total": {...}}`.

The lines are the workbook's own (exports.tables.grouped_lines and the summary and
breakdown builders' figures), so the JSON and the download never disagree. An area's
subtotal line has `unit` null.
"""

from __future__ import annotations

from typing import Any

from exports import summary as summary_sheet
from exports.data import BreakdownReport, Ct33Row, StudentRow, SummaryReport, WorkerRow
from exports.tables import grouped_lines
from registry.services.reports.workbooks import Export, ReportRequest

GROUPED = {"students": StudentRow, "workers": WorkerRow, "ct33": Ct33Row}


def _grouped(data: Any, row_type: type) -> tuple[list[dict], dict]:
    lines = grouped_lines(data, row_type)
    rows, area = [], ""
    for line in lines[:-1]:
        if line.kind == "area":
            area = line.label
        unit = None if line.kind == "area" else line.label
        rows.append({"area": area, "unit": unit, "values": dict(line.figures)})
    return rows, dict(lines[-1].figures)


def _summary(data: SummaryReport) -> tuple[list[dict], dict]:
    rows = [
        {
            "area": row.area,
            "unit": None,
            "values": summary_sheet._figures(row.students, row.workers),
        }
        for row in data.rows
    ]
    return rows, summary_sheet._total(data)


def _breakdown_values(block: Any) -> dict[str, int | None]:
    values: dict[str, int | None] = {"admitted": block.admitted, "followed": block.followed}
    section = ""
    for row in block.rows:
        if row.section:
            section = row.label
            continue
        values[f"{section} / {row.label} / admitted"] = row.admitted
        values[f"{section} / {row.label} / followed"] = row.followed
    return values


def _breakdown(data: BreakdownReport) -> tuple[list[dict], dict]:
    whole, *areas = data.blocks
    rows = [{"area": b.name, "unit": None, "values": _breakdown_values(b)} for b in areas]
    return rows, _breakdown_values(whole)


def figures_json(request: ReportRequest, export: Export) -> dict[str, Any]:
    data = export.source
    if request.report in GROUPED:
        rows, total = _grouped(data, GROUPED[request.report])
    elif request.report == "summary":
        rows, total = _summary(data)
    else:
        rows, total = _breakdown(data)
    return {
        "report": request.report,
        "period": {"date_from": request.period.start, "date_to": request.period.end},
        "rows": rows,
        "total": total,
    }
