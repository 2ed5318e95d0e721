"""The issue's targets, checked against a run's figures: each with its value and verdict."""

from __future__ import annotations

from typing import Any

LIST_P95_MS = 100
LOAD_P95_MS = 300
REPORT_S = 1.0
IMPORT_RATIO = 2.0
IMPORT_MB = 500
FULL_S = 15 * 60  # `make bench` from an empty cache
QUICK_S = 2 * 60  # `make bench BENCH_FLAGS=--quick`
FLOOR_LABELS = {
    "floor": "floor",
    "floor_bare_table": "bare-table floor",
    "floor_copy": "COPY floor",
}


def _target(name: str, value: Any, limit: float, unit: str, at_most: bool = True) -> dict:
    met = value is not None and (value <= limit if at_most else value >= limit)
    return {"target": name, "value": value, "limit": limit, "unit": unit, "met": met}


def _ratio(value: Any, floor: Any) -> float | None:
    if not isinstance(value, int | float) or not isinstance(floor, int | float) or not floor:
        return None
    return round(value / floor, 2)


def _import(backend: str, figures: dict[str, Any]) -> list[dict]:
    """The commit against its floor (the target), and beside it against the bare-table
    and COPY floors (no target of their own: they show what the schema and the way of
    writing cost), each line with the two figures in seconds."""
    commit = figures.get("commit", {}).get("s")
    busy = " (one core busy)" if "busy_core" in figures.get("commit", {}) else ""
    out = []
    for name, label in FLOOR_LABELS.items():
        floor = figures.get(name, {}).get("s")
        if name != "floor" and floor is None:
            continue
        line = _target(f"{backend}: import commit vs {label}{busy}", _ratio(commit, floor),
                       IMPORT_RATIO, "×")  # fmt: skip
        if name != "floor":
            line.update(limit=None, met=None)
        out.append({**line, "figure_s": commit, "floor_s": floor})
    return out


def _duration(results: dict[str, Any]) -> list[dict]:
    """The run's own wall time, for a whole run (every step on both backends)."""
    plan = results.get("plan", {})
    if not plan.get("whole"):
        return []
    quick = plan.get("quick")
    name = "bench --quick duration" if quick else "bench full run duration"
    empty = "from an empty cache" if results.get("empty_cache") else "cache reused"
    line = _target(f"{name} ({empty})", results.get("total_s"),
                   QUICK_S if quick else FULL_S, "s")  # fmt: skip
    return [line]


def evaluate(results: dict[str, Any], largest: int) -> list[dict]:
    """One line per target and backend, in the order the issue lists them."""
    out = []
    for backend, figures in results.get("import", {}).items():
        out += _import(backend, figures)
        commit = figures.get("commit", {})
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
    return out + _duration(results)


def lines(targets: list[dict]) -> list[str]:
    """The targets as the bench prints them at the end, one line each."""
    out = []
    for t in targets:
        if t["met"] is None:
            verdict = "(no target)"
        else:
            verdict = f"(≤ {t['limit']:g}) {'met' if t['met'] else 'MISSED'}"
        text = f"{t['target']}: {t['value']} {t['unit']} {verdict}"
        if "floor_s" in t:
            text += f" — {t['figure_s']} s against {t['floor_s']} s"
        out.append(text)
    return out
