"""`python -m bench.worker TASK 'JSON params'`: one measured step in a process of its own.

Prints one JSON object (the step's figures plus this process's peak memory) on its last
line of stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any


def _list(params: dict[str, Any]) -> dict[str, Any]:
    from bench import bench_list

    return bench_list.run(params["url"], params["requests"], params.get("only"))


def _import(params: dict[str, Any]) -> dict[str, Any]:
    from bench import bench_import

    return bench_import.run_cli(params["url"], params["file"], params["commit"])


def _import_floor(params: dict[str, Any]) -> dict[str, Any]:
    from bench import bench_import

    return bench_import.run_floor(params["url"], params["file"], params["rows"])


def _load(params: dict[str, Any]) -> dict[str, Any]:
    from pathlib import Path

    from bench import load

    return load.run(
        params["url"],
        params["connections"],
        params["requests"],
        params["seconds"],
        Path(params["log_dir"]),
        params.get("sample", 200),
    )


def _report(params: dict[str, Any]) -> dict[str, Any]:
    from bench import bench_reports

    return bench_reports.run(
        params["url"], params["report"], params.get("rounds", 3), params.get("area")
    )


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "list": _list,
    "import": _import,
    "import_floor": _import_floor,
    "load": _load,
    "report": _report,
}


def main(argv: list[str]) -> None:
    from bench.common import peak_rss_mb

    task, params = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    result = TASKS[task](params)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
