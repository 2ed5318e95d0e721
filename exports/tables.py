"""Figure tables: lines of counts, area subtotals, the grand total and derived percentages.

Subtotals and totals are written as values: they are sums of the lines the SQL layer
gave, and percentages are computed from those sums, never averaged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from io import BytesIO
from operator import itemgetter
from typing import Any

from exports.data import GroupedReport
from exports.layout import (
    COUNT_FORMAT,
    PERCENT_FORMAT,
    Col,
    Look,
    SheetWriter,
    close_sheet,
    leaves,
    open_sheet,
    save,
    workbook,
)

Figures = dict[str, int | None]
TOTAL_LABEL = "TỔNG CỘNG"


def count(
    label: str,
    key: str,
    *,
    width: float = 10,
    number: str | None = None,
    unit: str | None = None,
) -> Col:
    """A leaf column showing one field of the line's figures."""
    return Col(label, width=width, number=number, value=itemgetter(key), unit=unit)


def derived(
    label: str,
    func: Callable[[Mapping[str, Any]], Any],
    *,
    number: str,
    percent: bool = False,
    unit: str | None = None,
) -> Col:
    """A leaf column computed from the line's figures (from the sums on total lines); wide
    enough for its column number ("(10)=(9)/(3)") on one line."""
    return Col(label, width=12, number=number, value=func, percent=percent, unit=unit)


def share(part: int | None, whole: int | None) -> float | None:
    """part / whole, or None (a blank cell) when there is nothing to divide by."""
    if not whole or part is None:
        return None
    return part / whole


def change(now: int | None, before: int | None) -> float | None:
    """Relative change from `before` to `now`, or None when `before` is nothing."""
    if not before or now is None:
        return None
    return (now - before) / before


def roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out, n = out + letters, n - value
    return out


@dataclass(frozen=True)
class Line:
    """One table line: an area subtotal, a unit (or kind) line, or the grand total."""

    stt: str | int | None
    label: str
    figures: Mapping[str, Any]
    kind: str = "unit"  # "area" and "total" (bold), "unit" (indented) or "row"


def figure_fields(row_type: type) -> dict[str, bool]:
    """Figure field names of a row dataclass, each with whether None (not set) is allowed."""
    return {f.name: f.default is None for f in fields(row_type) if f.name != "name"}


def figures_of(row: object, names: Sequence[str]) -> Figures:
    return {name: getattr(row, name) for name in names}


def add_up(items: Sequence[Mapping[str, Any]], spec: Mapping[str, bool]) -> Figures:
    """Sum each field; a field that may be unset stays None when no item sets it."""
    total: Figures = {}
    for name, nullable in spec.items():
        values = [item[name] for item in items if item[name] is not None]
        total[name] = sum(values) if values or not nullable else None
    return total


def grouped_lines(report: GroupedReport, row_type: type) -> list[Line]:
    """Area subtotal line (carrying the area's name) before its lines; the total last."""
    spec = figure_fields(row_type)
    lines: list[Line] = []
    subtotals: list[Figures] = []
    for i, group in enumerate(report.groups, 1):
        for row in group.rows:
            if not isinstance(row, row_type):
                raise TypeError(f"expected {row_type.__name__} lines, got {type(row).__name__}")
        own = [figures_of(row, list(spec)) for row in group.rows]
        subtotal = add_up(own, spec)
        if group.target is not None and "target" in subtotal:
            subtotal["target"] = group.target
        subtotals.append(subtotal)
        lines.append(Line(roman(i), group.name, subtotal, "area"))
        pairs = zip(group.rows, own, strict=True)
        lines += [Line(j, row.name, figures) for j, (row, figures) in enumerate(pairs, 1)]
    total = add_up(subtotals, spec)
    if report.target is not None and "target" in total:
        total["target"] = report.target
    lines.append(Line(None, TOTAL_LABEL, total, "total"))
    return lines


def _looks(kind: str) -> tuple[Look, Look, Look, Look]:
    """Looks of the STT, label, count and percent cells of a line of this kind."""
    bold = kind in ("area", "total")
    return (
        Look(bold=bold, border=True),
        Look(bold=bold, border=True, horizontal="left", indent=1 if kind == "unit" else 0),
        Look(bold=bold, border=True, number_format=COUNT_FORMAT),
        Look(bold=bold, border=True, number_format=PERCENT_FORMAT),
    )


def write_lines(sw: SheetWriter, cols: Sequence[Col], lines: Sequence[Line]) -> None:
    """Write the lines, each as tall as its label needs; the first two leaf columns are
    STT and the label."""
    value_cols = leaves(cols)[2:]
    for line in lines:
        stt_look, label_look, count_look, pct_look = _looks(line.kind)
        items: list[tuple[object, Look]] = [(line.stt, stt_look), (line.label, label_look)]
        for col in value_cols:
            value = col.value(line.figures) if col.value else None
            items.append((value, pct_look if col.percent else count_look))
        sw.line(items)


def build_grouped(
    report: GroupedReport, *, row_type: type, cols: Sequence[Col], sheet: str
) -> BytesIO:
    """The whole workbook of a report whose lines are grouped by area."""
    if not isinstance(report, GroupedReport):
        raise TypeError(f"expected GroupedReport, got {type(report).__name__}")
    lines = grouped_lines(report, row_type)
    with workbook(report.meta) as wb:
        sw = open_sheet(wb, sheet, report.meta, cols)
        write_lines(sw, cols, lines)
        close_sheet(sw, report.meta)
        return save(wb)
