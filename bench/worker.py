"""`python -m bench.worker TASK 'JSON params'`: one measured step in a process of its own.

Prints one JSON object (the step's figures plus this process's peak memory) on its last
line of stdout.

`python -m bench.worker --host`: the same steps, each in a child forked from one process
that has already imported the application (bench.common.WorkerHost sends them): a fresh
interpreter spends about 1.6 s importing it, which was half of a `--quick` run. A job
is one JSON line on stdin, {"task", "params", "out", "log"}; the child writes its result
to `out` and its stdout and stderr to `log`; the host answers {"pid": …} when the child
starts and {"exit": code} when it ends.
"""

from __future__ import annotations

import json
import os
import random
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
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


def _child(job: dict[str, Any]) -> None:
    """Run one job in this forked child, then end the process (never returns)."""
    from bench.common import peak_rss_mb

    code = 1
    try:
        with open(job["log"], "w") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
        random.seed()  # not the host's state, the same in every child
        result = TASKS[job["task"]](job["params"])
        result["peak_rss_mb"] = peak_rss_mb()
        Path(job["out"]).write_text(json.dumps(result, ensure_ascii=False, default=str))
        code = 0
    except BaseException:  # whatever the step raised: its traceback, in its log
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def host() -> None:
    """Import the application once, then fork a child per job read from stdin."""
    from bench.common import bench_app

    bench_app("sqlite://")  # every module create_app imports; no database is opened
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(job)
        print(json.dumps({"pid": pid}), flush=True)
        _pid, status = os.waitpid(pid, 0)
        print(json.dumps({"exit": os.waitstatus_to_exitcode(status)}), flush=True)


def main(argv: list[str]) -> None:
    from bench.common import peak_rss_mb

    if argv == ["--host"]:
        host()
        return
    task, params = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    result = TASKS[task](params)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
