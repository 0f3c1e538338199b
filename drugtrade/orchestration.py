"""What the drugtrade DAGs share: the Assets they produce and consume, default task arguments
and the failure callback. Kept free of heavy imports: the DAG processor parses this often."""

from __future__ import annotations

import os
from datetime import timedelta

from airflow.sdk import Asset

LAKE_ARTICLES = Asset(name="drugtrade_lake_articles", uri="file:///drugtrade/lake/articles", group="drugtrade")
LAKE_STATISTICS = Asset(name="drugtrade_lake_statistics", uri="file:///drugtrade/lake/statistics", group="drugtrade")
SERVING_WAREHOUSE = Asset(name="drugtrade_serving_warehouse", uri="file:///drugtrade/serving/drugtrade.duckdb",
                          group="drugtrade")

# Every task that writes the DuckDB build file runs in this one-slot pool: DuckDB allows one
# writer per file.
DUCKDB_WRITER_POOL = "duckdb_writer"


def record_failure(context) -> None:
    """Keep why a task failed beside the run's summary, readable without the Airflow UI."""
    from drugtrade.runs import record_task_failure

    record_task_failure(context)


DEFAULT_ARGS = {
    "owner": "drugtrade",
    "retries": 0,
    "on_failure_callback": record_failure,
}

# Network tasks only: fetching may meet a flaky server; parsing and transforming do not
# become right by being tried again.
# The embedded run (`make run`) sets DRUGTRADE_NETWORK_RETRIES=0: its sources are local files,
# and `airflow dags test` would otherwise sit out the retry delays of a real failure.
NETWORK_RETRIES = {"retries": int(os.environ.get("DRUGTRADE_NETWORK_RETRIES", "3")), "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True,
                   "max_retry_delay": timedelta(minutes=30)}


def run_day(context) -> str:
    """The day a run is about: its logical date, or for asset-triggered runs (which have
    none in Airflow 3) the moment it was queued to run after."""
    moment = context.get("logical_date") or context["dag_run"].run_after
    return moment.date().isoformat()
