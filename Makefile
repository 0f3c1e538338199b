# The two commands: `make run` runs the whole pipeline end to end on the embedded default
# (SQLite Airflow metadata, a local DuckDB file, the bundled sample sources, no Docker);
# `make test` runs the tests. Each creates the project virtualenv .venv when it is missing.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint bench docs clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/drugtrade run $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The inner loop (<= 60 s): lint, then the tests that need no pipeline run, ingestion run or GX.
check: $(STAMP)
	$(BIN)/ruff check drugtrade dags tests scripts
	$(BIN)/python -m pytest -q -m "not slow and not gx and not integration" -p no:cacheprovider $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check drugtrade dags tests scripts

bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py $(ARGS)

docs: $(STAMP)
	$(BIN)/drugtrade docs

clean:
	rm -rf .airflow warehouse/lake warehouse/raw warehouse/build warehouse/serving warehouse/exports \
	       warehouse/quality warehouse/runs warehouse/state dbt_project/target dbt_project/logs
