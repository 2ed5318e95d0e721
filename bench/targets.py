"""The issue's targets, checked against a run's figures: each with its value and verdict."""

from __future__ import annotations

from typing import Any

LIST_P95_MS = 100
LOAD_P95_MS = 300
REPORT_S = 1.0
IMPORT_RATIO = 2.0
IMPORT_MB = 500


def _target(name: str, value: Any, limit: float, unit: str, at_most: bool = True) -> dict:
    met = value is not None and (value <= limit if at_most else value >= limit)
    return {"target": name, "value": value, "limit": limit, "unit": unit, "met": met}


def _ratio(value: Any, floor: Any) -> float | None:
    if not isinstance(value, int | float) or not isinstance(floor, int | float) or not floor:
        return None
    return round(value / floor, 2)


def evaluate(results: dict[str, Any], largest: int) -> list[dict]:
    """One line per target and backend, in the order the issue lists them."""
    out = []
    for backend, figures in results.get("import", {}).items():
        floor = figures.get("floor", {}).get("s")
        commit = figures.get("commit", {})
        out.append(_target(f"{backend}: import commit vs floor", _ratio(commit.get("s"), floor),
                           IMPORT_RATIO, "×"))  # fmt: skip
        out.append(_target(f"{backend}: import peak memory", commit.get("peak_rss_mb"),
                           IMPORT_MB, "MB"))  # fmt: skip
    for backend, reports in results.get("reports", {}).items():
        for name, figures in reports.items():
            if not isinstance(figures, dict) or name == "narrative":
                continue  # the Word and PDF build: figures beside the xlsx, no target
            if name == "candidates":
                out.append(_target(f"{backend}: detail list vs write-only floor",
                                   figures.get("export_vs_floor"), IMPORT_RATIO, "×"))  # fmt: skip
            else:
                value = figures.get("export", {}).get("s")
                out.append(_target(f"{backend}: report {name}", value, REPORT_S, "s"))
    for backend, sizes in results.get("list", {}).items():
        for scenario, figures in sizes.get(str(largest), {}).items():
            if isinstance(figures, dict) and "p95_ms" in figures:
                out.append(_target(f"{backend}: {scenario} p95 at {largest:,}",
                                   figures["p95_ms"], LIST_P95_MS, "ms"))  # fmt: skip
    for backend, figures in results.get("load", {}).items():
        out.append(_target(f"{backend}: gunicorn, {figures.get('connections')} connections, p95",
                           figures.get("p95_ms"), LOAD_P95_MS, "ms"))  # fmt: skip
        out.append(_target(f"{backend}: gunicorn errors", figures.get("errors"), 0, "requests"))
    return out
