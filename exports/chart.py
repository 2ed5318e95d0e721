"""The narrative report's chart as a PNG picture (Word holds a picture; an xlsx chart
would not survive the template)."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

CHART_FONT = "DejaVu Sans"  # shipped with matplotlib: every Vietnamese glyph


def admissions_chart(
    names: Sequence[str], this_period: Sequence[int], year_before: Sequence[int]
) -> bytes:
    """Bars of the people admitted per area, this period beside the same period a year
    earlier."""
    import matplotlib

    matplotlib.use("Agg")  # no screen on a server
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(6.3, 0.45 * max(len(names), 4) + 1.2), dpi=150)
    axes = figure.subplots()
    positions = range(len(names))
    height = 0.4
    axes.barh([p - height / 2 for p in positions], this_period, height, label="Kỳ báo cáo")
    axes.barh([p + height / 2 for p in positions], year_before, height, label="Cùng kỳ năm trước")
    axes.set_yticks(list(positions), [str(n) for n in names], fontname=CHART_FONT, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("Số người được kết nạp", fontname=CHART_FONT)
    axes.legend(prop={"family": CHART_FONT, "size": 8})
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # people come in whole numbers
    figure.tight_layout()
    out = BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
