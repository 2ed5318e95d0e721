"""`breakdown`: those admitted in the period and those followed at its end, by criterion.

One block per area (the report's own total first), each listing the criteria of the party
statistics tables: gender, age band, ethnicity, religion, education level and group.
"""

from __future__ import annotations

from io import BytesIO

from exports.data import BreakdownReport
from exports.layout import Col, close_sheet, open_sheet, save, workbook
from exports.tables import Line, count, derived, roman, share, write_lines

_PEOPLE = "người"

BREAKDOWN_COLUMNS = (
    Col("STT", width=6),
    Col("Tiêu chí", width=40),
    Col(
        "Kết nạp đảng viên trong kỳ",
        children=(
            count("Số người", "admitted", unit=_PEOPLE),
            derived(
                "Tỷ lệ % so với tổng số",
                lambda f: share(f["admitted"], f["admitted_total"]),
                number="(4)=(3)/tổng số",
                percent=True,
                unit="%",
            ),
        ),
    ),
    Col(
        "Quần chúng đang theo dõi cuối kỳ",
        children=(
            count("Số người", "followed", unit=_PEOPLE),
            derived(
                "Tỷ lệ % so với tổng số",
                lambda f: share(f["followed"], f["followed_total"]),
                number="(6)=(5)/tổng số",
                percent=True,
                unit="%",
            ),
        ),
    ),
)


def breakdown_lines(report: BreakdownReport) -> list[Line]:
    """Each block's line (the report's whole area first, as the total), then its
    criteria: a section line ("1. Giới tính") before the criteria under it."""
    lines: list[Line] = []
    for i, block in enumerate(report.blocks):
        totals = {"admitted_total": block.admitted, "followed_total": block.followed}
        own = {"admitted": block.admitted, "followed": block.followed, **totals}
        lines.append(Line(roman(i) if i else None, block.name, own, "total" if not i else "area"))
        section = 0
        for row in block.rows:
            figures = {"admitted": row.admitted, "followed": row.followed, **totals}
            if row.section:
                section += 1
                lines.append(Line(section, row.label, figures, "row"))
            else:
                lines.append(Line(None, row.label, figures, "unit"))
    return lines


def build_breakdown(report: BreakdownReport) -> BytesIO:
    """The breakdown workbook: the report area's block, then one block per area."""
    if not isinstance(report, BreakdownReport):
        raise TypeError(f"expected BreakdownReport, got {type(report).__name__}")
    with workbook(report.meta) as wb:
        sw = open_sheet(wb, "Phân tích", report.meta, BREAKDOWN_COLUMNS)
        write_lines(sw, BREAKDOWN_COLUMNS, breakdown_lines(report))
        close_sheet(sw, report.meta)
        return save(wb)
