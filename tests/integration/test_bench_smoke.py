"""`python -m bench` still runs end to end, at a tiny size (no timing is ever asserted).

Every step runs for real: data generation, the list scenarios through the test client,
the reports, the import CLI and its floors, gunicorn under a small load; then the import
again with --busy. What is checked is that each step produced its figures without
errors, so the scripts cannot rot.
"""

from __future__ import annotations

import json
import os

import pytest

from bench.__main__ import main
from bench.bench_list import EXTRA, SCENARIOS
from bench.bench_reports import REPORTS
from tests.conftest import DEFAULT_PG_URL

SIZE = 600
IMPORT_ROWS = 40


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """One cache of generated databases for the module: the --busy run reuses it."""
    return tmp_path_factory.mktemp("bench-data")


def _args(backend: str, data_dir, tmp_path) -> list[str]:
    args = [
        "--sizes", str(SIZE), "--import-rows", str(IMPORT_ROWS), "--requests", "3",
        "--rounds", "1", "--load-seconds", "5", "--load-requests", "30",
        "--connections", "3", "--backends", backend, "--load-backends", backend,
        "--data-dir", str(data_dir),
        "--out", str(tmp_path / "latest.json"),
    ]  # fmt: skip
    if backend == "postgres":
        url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
        args += ["--pg-url", url, "--pg-schema", f"bench_smoke_{os.getpid()}"]
    return args


def test_bench_runs_every_step(backend, database_url, data_dir, tmp_path, monkeypatch, capsys):
    # database_url: skips (or fails under REQUIRE_POSTGRES) when PostgreSQL is missing.
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    results = main(_args(backend, data_dir, tmp_path))

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
    floors = ["floor", "floor_bare_table"] + (["floor_copy"] if backend == "postgres" else [])
    for name in floors:  # each committed insert of the same rows, after the same read
        assert imported[name]["insert_s"] > 0 and imported[name]["read_s"] >= 0, name
        assert imported["ratios"][f"commit_vs_{name}"] > 0, name
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
    assert f"{backend}: import commit vs bare-table floor" in names
    assert (f"{backend}: import commit vs COPY floor" in names) == (backend == "postgres")
    assert f"{backend}: gunicorn errors" in names
    steps = [t["step"] for t in results["timings"]]
    assert f"{backend} {SIZE:,} database" in steps and f"{backend} import commit" in steps
    assert sum(t["s"] for t in results["timings"]) <= results["total_s"]
    assert results["plan"]["busy"] is False and "busy" not in results


def test_bench_busy_keeps_a_core_busy_beside_the_import(backend, database_url, data_dir, tmp_path):
    """--busy: a second process spins during each measured step, and the JSON says so."""
    results = main([*_args(backend, data_dir, tmp_path), "--only", "import", "--busy"])

    assert results["plan"]["busy"] is True
    assert results["busy"]["steps_s"] > 0 and results["busy"]["cpu_s"] > 0
    imported = results["import"][backend]
    for step in ("floor", "dry_run", "commit"):
        assert 0 < imported[step]["busy_core"] <= 1.05, imported[step]
    assert imported["commit"]["new"] == IMPORT_ROWS
    names = {t["target"] for t in results["targets"]}
    assert f"{backend}: import commit vs floor (one core busy)" in names
