"""Run `flask --app wsgi …` in a child process on the test database (the same file or
PostgreSQL schema the test process uses), optionally under a memory ceiling."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# TEST_PAUSE_AFTER_INSERT: once the import's transaction has written candidates, say so
# on stderr and sleep, so a test can kill the process mid-commit: after the first INSERT
# into candidate (SQLite), or after the first INSERT into import_change, which follows
# the new candidates and their events (PostgreSQL writes those by COPY, which passes no
# statement event).
_LAUNCH = """
import os, resource, sys, time
ceiling = int(sys.argv[1])
if ceiling:
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
pause = float(os.environ.get("TEST_PAUSE_AFTER_INSERT") or 0)
if pause:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    state = {"done": False}

    @event.listens_for(Engine, "after_cursor_execute")
    def _pause(conn, cursor, statement, parameters, context, executemany):
        written = ("INSERT INTO CANDIDATE", "INSERT INTO IMPORT_CHANGE")
        if not state["done"] and statement.lstrip().upper().startswith(written):
            state["done"] = True
            print("WRITING", file=sys.stderr, flush=True)
            time.sleep(pause)
from flask.cli import main
sys.argv = ["flask", "--app", "wsgi", *sys.argv[2:]]
main()
"""


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "RULE_"))}
    env.update(
        DATABASE_URL=database_url,
        REGISTRY_ENV="development",
        DEMO_MODE="1",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def flask_argv(args: list[str], ceiling: int = 0) -> list[str]:
    return [sys.executable, "-c", _LAUNCH, str(ceiling), *args]


def run_flask(
    args: list[str], database_url: str, *, ceiling: int = 0, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        flask_argv(args, ceiling),
        cwd=ROOT,
        env=child_env(database_url, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_flask(args: list[str], database_url: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        flask_argv(args),
        cwd=ROOT,
        env=child_env(database_url, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
