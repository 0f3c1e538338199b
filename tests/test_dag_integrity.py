"""The DAG files import cleanly, fast, without heavy libraries, and wire the tasks as designed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from drugtrade.pipeline import transform as transform_steps

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DAGS = PROJECT_ROOT / "dags"


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_expected_dags(dagbag):
    assert set(dagbag.dag_ids) == {"ingest_articles", "ingest_statistics", "transform"}


def test_ingest_dags_produce_assets_and_transform_consumes_them(dagbag):
    articles = dagbag.dags.get("ingest_articles")
    statistics = dagbag.dags.get("ingest_statistics")
    transform = dagbag.dags.get("transform")
    produced = {
        outlet.name for dag in (articles, statistics) for task in dag.tasks for outlet in task.outlets
    }
    assert produced == {"drugtrade_lake_articles", "drugtrade_lake_statistics"}
    consumed = {asset.name for asset in transform.timetable.asset_condition.objects}
    assert consumed == produced
    for ingest in (articles, statistics):
        # One asset event per ingest run, after all its mapped sources, so one transform run follows.
        assert [task.task_id for task in ingest.tasks if task.outlets] == ["announce"]
        assert ingest.get_task("report").upstream_task_ids == {"announce"}
        assert ingest.get_task("report").trigger_rule == "all_done"
    assert statistics.get_task("announce").upstream_task_ids == {"ingest"}
    assert articles.get_task("announce").upstream_task_ids == {"land"}
    assert articles.get_task("land").upstream_task_ids == {"extract", "article_sources"}
    assert articles.get_task("land").pool == "articles_lake_writer"
    assert articles.get_task("land").trigger_rule == "none_failed", "a day without new pages still lands"
    assert articles.timetable.expression == "0 0 * * *"
    assert statistics.timetable.expression == "0 0 1 * *"


def test_transform_order_gates_before_build_and_publish(dagbag):
    """One task per quality stage, in line: a failed gate stops everything after it."""
    dag = dagbag.dags.get("transform")
    order = [
        "ingest_days",
        "snapshot_registry",
        "validate_raw",
        "dbt_staging",
        "validate_staging",
        "dbt_marts",
        "validate_marts",
        "publish",
        "report",
    ]
    assert {task.task_id for task in dag.tasks} == set(order)
    for upstream, downstream in zip(order, order[1:], strict=False):
        # the steps that rebuild days also take them from ingest_days
        expected = {upstream} | (
            {"ingest_days"} if downstream in {"dbt_staging", "dbt_marts", "publish"} else set()
        )
        assert dag.get_task(downstream).upstream_task_ids == expected, downstream
    assert dag.get_task("report").trigger_rule == "all_done"
    for writer in ("dbt_staging", "dbt_marts", "publish", "snapshot_registry"):
        assert dag.get_task(writer).pool == "duckdb_writer"
    assert {"dbt_staging", "dbt_marts", "publish"} <= dag.get_task("ingest_days").downstream_task_ids


def test_every_task_is_retried_after_a_short_delay_and_records_its_failures(dagbag):
    """A killed worker's task fails on heartbeat timeout; one retry runs it again elsewhere."""
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            assert task.retries >= 1, f"{dag.dag_id}.{task.task_id}"
            assert task.retry_delay.total_seconds() <= 120, f"{dag.dag_id}.{task.task_id}"
            assert task.on_failure_callback and task.on_success_callback, f"{dag.dag_id}.{task.task_id}"


def test_pools_the_dags_name_are_the_pools_the_set_ups_create(dagbag):
    from drugtrade.orchestration import POOLS

    named = {task.pool for dag in dagbag.dags.values() for task in dag.tasks} - {"default_pool"}
    assert named == set(POOLS)
    init = (PROJECT_ROOT / "docker" / "airflow-init.sh").read_text()
    for pool, slots in POOLS.items():
        assert f"{pool}={slots}" in init, (
            f"docker/airflow-init.sh does not create {pool} with {slots} slot(s)"
        )


def test_dag_lists_match_the_pipeline():
    """The DAG file keeps its own copy of the dataset lists so parsing imports no heavy code."""
    source = (DAGS / "transform.py").read_text()
    for name in (*transform_steps.STAGING_MODELS, *transform_steps.MART_MODELS):
        assert f'"{name}"' in source, name


def test_every_expectation_suite_is_run_by_a_task():
    """A suite kept in expectations/ but named by no validation task would never run."""
    run = {("raw", name) for name in transform_steps.RAW_DATASETS}
    run |= {("staging", name) for name in transform_steps.STAGING_MODELS}
    run |= {("marts", name) for name in transform_steps.MART_MODELS}
    kept = {(path.parent.name, path.stem) for path in (PROJECT_ROOT / "expectations").glob("*/*.json")}
    assert kept - run == set(), "suites no task runs"
    assert run - kept == set(), "validation tasks without a suite"


def test_parsing_imports_no_heavy_libraries_and_is_fast():
    """Parse each DAG file in a fresh interpreter: no dbt, GX, pandas or DuckDB at import time."""
    script = textwrap.dedent(
        f"""
        import sys, time, runpy
        heavy = ("dbt", "great_expectations", "duckdb", "trafilatura", "pyarrow")
        timings = {{}}
        import airflow.sdk  # the SDK itself is what every DAG file pays for
        for name in ("ingest_articles", "ingest_statistics", "transform"):
            started = time.perf_counter()
            runpy.run_path("{DAGS}/" + name + ".py")
            timings[name] = time.perf_counter() - started
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
        print(repr((timings, loaded)))
        """
    )
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "PYTHONPATH": str(PROJECT_ROOT)}
    started = time.perf_counter()
    output = (
        subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    timings, loaded = eval(output)  # noqa: S307 - our own repr
    assert loaded == [], f"DAG parsing imported heavy modules: {loaded}"
    assert set(timings) == {"ingest_articles", "ingest_statistics", "transform"}
    print(f"DAG parse times (s): {timings}; interpreter total {time.perf_counter() - started:.2f}s")
