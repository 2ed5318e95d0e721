"""`python -m bench` still runs end to end, at a tiny size (no timing is ever asserted).

Every step runs for real: data generation, the list scenarios through the test client,
the reports, the import CLI and its floor, gunicorn under a small load. What is checked
is that each step produced its figures without errors, so the scripts cannot rot.
"""

from __future__ import annotations

import json
import os

from bench.__main__ import main
from bench.bench_list import EXTRA, SCENARIOS
from bench.bench_reports import REPORTS
from tests.conftest import DEFAULT_PG_URL

SIZE = 600
IMPORT_ROWS = 40


def _args(backend: str, tmp_path) -> list[str]:
    args = [
        "--sizes", str(SIZE), "--import-rows", str(IMPORT_ROWS), "--requests", "3",
        "--rounds", "1", "--load-seconds", "5", "--load-requests", "30",
        "--connections", "3", "--backends", backend, "--load-backends", backend,
        "--data-dir", str(tmp_path),
        "--out", str(tmp_path / "latest.json"),
    ]  # fmt: skip
    if backend == "postgres":
        url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
        args += ["--pg-url", url, "--pg-schema", f"bench_smoke_{os.getpid()}"]
    return args


def test_bench_runs_every_step(backend, database_url, tmp_path, monkeypatch, capsys):
    # database_url: skips (or fails under REQUIRE_POSTGRES) when PostgreSQL is missing.
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    results = main(_args(backend, tmp_path))

    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((tmp_path / "latest.json").read_text())
    assert results["databases"][backend][str(SIZE)]["candidates"] == SIZE
    assert results["databases"][backend][str(SIZE)]["events"] > SIZE

    scenarios = results["list"][backend][str(SIZE)]
    for name in SCENARIOS:
        assert scenarios[name]["n"] == (1 if name in EXTRA else 3), name
        assert scenarios[name]["errors"] == 0, name

    imported = results["import"][backend]
    assert imported["floor"]["sheet_rows"] > IMPORT_ROWS
    for step in ("dry_run", "commit"):
        assert imported[step]["rows"] == IMPORT_ROWS, imported[step]
        assert imported[step]["new"] == IMPORT_ROWS
        assert imported[step]["errors"] == 0
        assert imported[step]["exit_code"] == 0

    reports = results["reports"][backend]
    for name in REPORTS:
        assert "error" not in reports[name], reports[name]
        if name == "narrative":  # the Word report beside the xlsx of the same figures
            assert reports[name]["docx"]["s"] >= 0 and reports[name]["docx_bytes"] > 0
            assert reports[name]["xlsx_same_figures"]["s"] >= 0
            continue
        assert reports[name]["export"]["s"] >= 0
    assert reports["candidates"]["rows"] > 0

    load = results["load"][backend]
    assert load["n"] > 0
    assert load["errors"] == 0, load
    assert load["health"] == {"status": 200, "body": {"status": "ok"}}

    names = {t["target"] for t in results["targets"]}
    assert f"{backend}: import commit vs floor" in names
    assert f"{backend}: gunicorn errors" in names
