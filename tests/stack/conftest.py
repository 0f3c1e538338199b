"""Fixtures of the stack tests: an embedded run to compare with, and the production topology
(`drugtrade.stack`, what `make stack` starts) on its own state folder and warehouse, stopped at
the end whatever happens."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from drugtrade import stack
from drugtrade.airflow_api import AirflowApi

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FACT_TABLES = ("fct_statements", "fct_seizures", "fct_production", "fct_article_facts")
# Columns that say when or in which run a row was loaded, not what it says.
RUN_COLUMNS = {"retrieved_at", "ingest_date"}
# The day the stack's first ingest runs are about: today, the logical date the scheduler would
# give the latest run of both DAGs (ingest_statistics is monthly: its run is the month's first
# day). Triggering those runs before unpausing keeps the scheduler from adding its own.
TODAY = datetime.now(UTC).date()
STACK_DAY = TODAY.isoformat()
MONTH_START = TODAY.replace(day=1).isoformat()


def _port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def fact_fingerprints(serving_db: Path) -> dict[str, tuple[int, int]]:
    """Per fact table: rows, and a hash over every row's content (keys and load times aside)."""
    found = {}
    with duckdb.connect(str(serving_db), read_only=True) as connection:
        for table in FACT_TABLES:
            columns = [
                row[0]
                for row in connection.execute(f"describe marts.{table}").fetchall()
                if row[0] not in RUN_COLUMNS and not row[0].endswith("_key")
            ]
            rows, digest = connection.execute(
                f"select count(*), coalesce(sum(hash({', '.join(columns)}))::hugeint, 0) from marts.{table}"
            ).fetchone()
            found[table] = (rows, int(digest))
    return found


@pytest.fixture(scope="module")
def stack_state() -> Iterator[stack.Paths]:
    """The test stack's own state folder, inside the repository's git-ignored .stack/ (not a
    pytest temporary folder: PostgreSQL runs as the postgres user and must reach its data)."""
    if stack.pg_bin() is None and os.geteuid() != 0:
        pytest.skip(
            "PostgreSQL is not installed and this is not root: the stack cannot be started "
            "(apt-get install -y postgresql redis-server)"
        )
    busy = [port for port in (stack.API_PORT, stack.POSTGRES_PORT, stack.REDIS_PORT) if _port_in_use(port)]
    if busy:
        pytest.skip(
            f"ports {busy} are in use (a running `make stack`? `make stack-down` stops it): "
            "the stack test needs the ports the stack uses"
        )
    paths = stack.Paths(root=PROJECT_ROOT / ".stack" / "test")
    if paths.root.exists():
        shutil.rmtree(paths.root)
    paths.root.mkdir(parents=True)
    paths.root.chmod(0o755)
    yield paths
    stack.down(paths)


@pytest.fixture(scope="module")
def stack_warehouse(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("stack") / "warehouse"


@pytest.fixture(scope="module")
def stack_environment(stack_warehouse, monkeypatch_module) -> None:
    monkeypatch_module.setenv("DRUGTRADE_WAREHOUSE", str(stack_warehouse))
    monkeypatch_module.delenv("DRUGTRADE_LAKE", raising=False)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def api() -> AirflowApi:
    return AirflowApi(stack.API_URL, stack.ADMIN_USER, stack.ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def embedded_facts(tmp_path_factory) -> dict:
    """What `make run` publishes for the day the stack test runs: the embedded pipeline on its
    own warehouse and Airflow home."""
    root = tmp_path_factory.mktemp("embedded")
    env = {**os.environ, "DRUGTRADE_AIRFLOW_HOME": str(root / "airflow")}
    env.pop("DRUGTRADE_LAKE", None)
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("drugtrade")),
            "run",
            "--date",
            STACK_DAY,
            "--warehouse",
            str(root / "warehouse"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return fact_fingerprints(root / "warehouse" / "serving" / "drugtrade.duckdb")
