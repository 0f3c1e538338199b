"""What the drugtrade DAGs share: the Assets they produce and consume, the pools, default task
arguments and the failure callbacks. Kept free of heavy imports: the DAG processor parses this
often."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import Asset

LAKE_ARTICLES = Asset(
    name="drugtrade_lake_articles", uri="file:///drugtrade/lake/articles", group="drugtrade"
)
LAKE_STATISTICS = Asset(
    name="drugtrade_lake_statistics", uri="file:///drugtrade/lake/statistics", group="drugtrade"
)
SERVING_WAREHOUSE = Asset(
    name="drugtrade_serving_warehouse", uri="file:///drugtrade/serving/drugtrade.duckdb", group="drugtrade"
)

# Every task that writes the DuckDB build file runs in this one-slot pool: DuckDB allows one
# writer per file, and the scheduler enforces a pool whichever worker runs the task.
DUCKDB_WRITER_POOL = "duckdb_writer"
# Landing articles numbers versions against what the lake already holds: two days of one source
# landing at once (a backfill) would both call a changed article "version 2". One slot.
ARTICLES_LAKE_POOL = "articles_lake_writer"
# Every pool the DAGs name, with its size: created by docker/airflow-init.sh and by the embedded
# set-up (a test checks the three agree).
POOLS = {DUCKDB_WRITER_POOL: 1, ARTICLES_LAKE_POOL: 1}


def record_failure(context: Mapping[str, Any]) -> None:
    """Keep why a task failed beside the run's summary, readable without the Airflow UI."""
    from drugtrade.runs import record_task_failure

    record_task_failure(context)


def clear_failure(context: Mapping[str, Any]) -> None:
    """A task that succeeds on a retry or after a clear no longer fails its run's report."""
    from drugtrade.runs import clear_task_failure

    clear_task_failure(context)


def _seconds(name: str, default: str) -> timedelta:
    return timedelta(seconds=float(os.environ.get(name, default)))


# Every task gets one retry after a short delay: a worker killed mid-task (OOM, a node going
# away) fails the try by heartbeat timeout and the retry runs it again on a live worker. Every
# step is idempotent (partitions replaced whole, dbt rebuilds, publish swaps a file), so a retry
# repeats the work without doubling it. The embedded run (`make run`, `airflow dags test`) sets
# DRUGTRADE_TASK_RETRIES=0: a failure there should stop at once with its reason.
DEFAULT_ARGS = {
    "owner": "drugtrade",
    "retries": int(os.environ.get("DRUGTRADE_TASK_RETRIES", "1")),
    "retry_delay": _seconds("DRUGTRADE_RETRY_DELAY_SECONDS", "20"),
    "on_failure_callback": record_failure,
    "on_success_callback": clear_failure,
}

# Network tasks only get more: fetching may meet a flaky server for a while.
# The embedded run sets DRUGTRADE_NETWORK_RETRIES=0: its sources are local files.
NETWORK_RETRIES = {
    "retries": int(os.environ.get("DRUGTRADE_NETWORK_RETRIES", "3")),
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
}


def run_day(context: Mapping[str, Any]) -> str:
    """The day a run is about: its logical date, or for asset-triggered runs (which have
    none in Airflow 3) the moment it was queued to run after."""
    moment: datetime = context.get("logical_date") or context["dag_run"].run_after
    return moment.date().isoformat()
