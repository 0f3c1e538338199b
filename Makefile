# The two commands: `make run` runs the whole pipeline end to end on the embedded default
# (SQLite Airflow metadata, a local DuckDB file, the bundled sample sources, no Docker);
# `make test` runs the tests (all but the real servers of `make test-stack`, which CI runs right
# after it). Each creates the project virtualenv .venv when it is missing.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-stack check lint lint-python lint-sql fix-sql bench docs bi bi-down clean venv fuzz stack stack-down

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

# Every test but those that start real servers (<= 6 min on CI's 2 cores): the warehouse of the
# bundled sources is built once per run and shared (tests/conftest.py); two workers, one per core,
# the tests of one shared build on one worker (--dist loadscope, grouped in tests/conftest.py).
# Durations are printed.
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -m "not stack and not superset" -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

# The tests that start real servers: the production topology (tests/stack: PostgreSQL, scheduler,
# API server, Celery) and Superset driven over HTTP and in chromium. CI runs them after `make test`,
# so every test runs in CI.
test-stack: $(STAMP)
	$(BIN)/python -m pytest -m "stack or superset" $(PYTEST_ARGS)

# The inner loop (<= 60 s): lint, then the unit tests: no pipeline build, no Airflow, no dbt, no GX
# validation, no fuzzing (the `unit` marker, set by tests/conftest.py), on both cores (35-44 s
# against 55-60 s in one process, on a machine where the whole command took 64 s that way).
check: $(STAMP)
	$(MAKE) --no-print-directory lint-python
	$(BIN)/python -m pytest -q -m unit -p no:cacheprovider -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Style checked as CI checks it: ruff (lint and format), mypy strict on the package, sqlfluff on
# the dbt models and singular tests. `make check` runs the Python part only (sqlfluff renders
# every model with dbt: tens of seconds); `make fix-sql` applies sqlfluff's fixes.
lint: lint-python lint-sql

lint-python: $(STAMP)
	$(BIN)/ruff check drugtrade dags tests scripts
	$(BIN)/ruff format --check drugtrade dags tests scripts
	$(BIN)/mypy

# The dbt templater renders each model with the pipeline's profile (dbt_project/profiles.yml)
# against a throwaway warehouse folder, so linting never touches warehouse/ and needs no network.
SQLFLUFF = tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && mkdir -p "$$tmp/build" && cd dbt_project && \
	env DRUGTRADE_WAREHOUSE="$$tmp" DRUGTRADE_LAKE="$$tmp/lake" DRUGTRADE_DBT_TARGET=local \
	DBT_TARGET_PATH="$$tmp/target" DBT_LOG_PATH="$$tmp/logs" DBT_SEND_ANONYMOUS_USAGE_STATS=false DO_NOT_TRACK=1 \
	../$(BIN)/sqlfluff

lint-sql: $(STAMP)
	$(SQLFLUFF) lint models tests

fix-sql: $(STAMP)
	$(SQLFLUFF) fix models tests

# Hostile input at nightly size: hundreds of generated inputs per parser (tests/fuzz); prints
# the inputs tried and how each ended. CI runs the same tests on a small derandomised sample.
fuzz: $(STAMP)
	DRUGTRADE_FUZZ=nightly $(BIN)/python -m pytest tests/fuzz tests/reliability tests/security -p no:cacheprovider -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py $(ARGS)

docs: $(STAMP)
	$(BIN)/drugtrade docs

# Superset on the serving warehouse with the project's dashboards (after `make run`): installs
# Superset into .venv-superset on first use (docker/superset/constraints.txt), then starts it on
# 127.0.0.1:8088 in the background. `make bi-down` stops it.
bi: $(STAMP)
	$(BIN)/drugtrade bi up $(if $(PORT),--port $(PORT))

bi-down: $(STAMP)
	$(BIN)/drugtrade bi down

clean:
	rm -rf .airflow warehouse/lake warehouse/raw warehouse/build warehouse/serving warehouse/exports \
	       warehouse/quality warehouse/runs warehouse/state dbt_project/target dbt_project/logs .superset .stack
