# The two commands: `make run` runs the whole pipeline end to end on the embedded default
# (SQLite Airflow metadata, a local DuckDB file, the bundled sample sources, no Docker);
# `make test` runs the tests. Each creates the project virtualenv .venv when it is missing.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench docs clean venv stack stack-down

# `make stack EXECUTOR=celery` for Redis and two Celery workers.
EXECUTOR ?= local

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt docker/constraints-image.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -c docker/constraints-image.txt -e '.[dev,stack]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/drugtrade run $(ARGS)

# The production topology as plain processes (PostgreSQL, scheduler, DAG processor, API server,
# triggerer; with EXECUTOR=celery Redis and two workers): docs/operations.md. State under .stack/.
stack: $(STAMP)
	$(BIN)/python -m drugtrade.stack up --executor $(EXECUTOR)

stack-down:
	$(BIN)/python -m drugtrade.stack down

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check drugtrade dags tests scripts

bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py $(ARGS)

docs: $(STAMP)
	$(BIN)/drugtrade docs

clean:
	rm -rf .airflow warehouse/lake warehouse/raw warehouse/build warehouse/serving warehouse/exports \
	       warehouse/quality warehouse/runs warehouse/state dbt_project/target dbt_project/logs .stack
