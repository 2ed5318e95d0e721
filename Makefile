# The two commands: `make run` (demo on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
PYTEST := $(BIN)/python -m pytest -n auto

.PHONY: run test test-sqlite test-postgres bench lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	mkdir -p instance
	$(FLASK) init-db
	$(FLASK) seed-demo
	@echo "Mở http://127.0.0.1:5000 và đăng nhập bằng một tài khoản ở trên."
	@# The background-job worker (queue in instance/jobs.db) runs beside the dev server
	@# and stops with it.
	$(FLASK) jobs-worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

# The whole suite on SQLite (unit, integration, browser), then the database tests again
# on PostgreSQL. Without PostgreSQL or Chromium those tests skip and say why, unless
# REQUIRE_POSTGRES / REQUIRE_BROWSER are set (CI sets both), where they fail.
test: $(VENV)/.dev-installed
	$(PYTEST)
	$(PYTEST) --backend=postgres tests/integration tests/security

# Benchmarks (README "Hiệu năng / Performance"): one JSON on stdout and in
# bench/results/latest.json. `make bench BENCH_FLAGS=--quick` for a small run.
BENCH_FLAGS ?=
bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench $(BENCH_FLAGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
