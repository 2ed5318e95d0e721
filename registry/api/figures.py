"""Report figures as DESIGN "API" shapes them: `{"report", "period": {"from", "to"},
"rows": [{"area", "unit", "values": {column: number}}], "total": {...}}`.

The rows are the lines the workbook writes (`exports.lines`, over the data of
`workbooks.report_data`, the same function the workbook is built from), laid out as
JSON without building the workbook. An area's subtotal line has `unit` null; the
breakdown's criteria are keys `<criterion> / <label> / admitted|followed` of its area.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exports import Line, lines
from registry.services.reports.workbooks import ReportRequest

# Per line, the breakdown's own totals (what its % columns divide by), not figures.
SHARE_BASES = ("admitted_total", "followed_total")


def _grouped(table: Sequence[Line]) -> list[dict]:
    """A unit's line under its area's subtotal line; the summary's lines are areas."""
    rows, area = [], ""
    for line in table:
        if line.kind != "unit":
            area = line.label
        unit = line.label if line.kind == "unit" else None
        rows.append({"area": area, "unit": unit, "values": dict(line.figures)})
    return rows


def _breakdown(table: Sequence[Line]) -> list[dict]:
    """One row per block (area): its totals, then each criterion's figures by key."""
    rows: list[dict] = []
    section = ""
    for line in table:
        if line.kind in ("area", "total"):
            values = {k: v for k, v in line.figures.items() if k not in SHARE_BASES}
            rows.append({"area": line.label, "unit": None, "values": values})
        elif line.kind == "row":
            section = line.label
        else:
            for measure in ("admitted", "followed"):
                rows[-1]["values"][f"{section} / {line.label} / {measure}"] = line.figures[measure]
    return rows


def figures_json(request: ReportRequest, data: Any) -> dict[str, Any]:
    """The figures of `data` (what `workbooks.report_data` gave for `request`)."""
    table = lines(request.report, data)
    if request.report == "breakdown":
        whole, *rows = _breakdown(table)
        total = whole["values"]
    else:
        *body, last = table
        rows, total = _grouped(body), dict(last.figures)
    return {
        "report": request.report,
        "period": {"date_from": request.period.start, "date_to": request.period.end},
        "rows": rows,
        "total": total,
    }
