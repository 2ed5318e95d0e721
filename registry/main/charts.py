"""Server-side SVG charts (pygal), inlined in the page; no JavaScript at all.

pygal always writes a <script> with its config into the SVG; the page's CSP forbids
inline scripts, so an XML filter drops every <script> node before rendering.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygal
from markupsafe import Markup
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#333",
    foreground_strong="#222",
    foreground_subtle="#888",
    colors=("#a4161a", "#6c757d", "#e5a50a", "#2b7a78"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    legend_font_size=12,
    title_font_size=14,
)


def _drop_scripts(root):
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def _config(**options) -> pygal.Config:
    options.setdefault("height", 320)
    config = pygal.Config(
        js=[],
        disable_xml_declaration=True,
        style=STYLE,
        width=720,
        explicit_size=False,
        print_values=True,
        print_zeroes=False,
        no_data_text="Chưa có số liệu",
        legend_at_bottom=True,
        show_y_guides=True,
        margin=12,
        max_scale=8,
        **options,
    )
    return config


def _render(chart) -> Markup:
    chart.add_xml_filter(_drop_scripts)
    return Markup(chart.render(is_unicode=True))


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    *,
    horizontal: bool = False,
) -> Markup:
    """Bars per label, one colour per series."""
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    config = _config(
        title=title,
        show_legend=len(series) > 1,
        x_label_rotation=0 if horizontal or len(labels) <= 6 else 35,
        height=max(320, 28 * len(labels) + 80) if horizontal else 320,
    )
    top = max((v for _name, values in series for v in values if v is not None), default=0)
    if top < 8:
        # Small counts: whole-number ticks, not 0.1 steps.
        config.y_labels = list(range(0, max(top, 1) + 1))
    chart = kind(config)
    # pygal draws a horizontal chart's first label at the bottom; tables read top down.
    order = (lambda items: list(items)[::-1]) if horizontal else list
    chart.x_labels = order(labels)
    for name, values in series:
        chart.add(name, order(values))
    return _render(chart)


def pie_chart(title: str, parts: Sequence[tuple[str, int]]) -> Markup:
    chart = pygal.Pie(_config(title=title, inner_radius=0.45, show_legend=True))
    for name, value in parts:
        chart.add(name, value)
    return _render(chart)
