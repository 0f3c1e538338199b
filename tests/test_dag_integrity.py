"""The DAG files import cleanly, fast, without heavy libraries, and wire the tasks as designed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from drugtrade.pipeline import layers as transform_steps

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


def test_the_transform_dag_reports_the_package_models_and_keeps_no_list_of_its_own():
    """The DAG's dbt steps report the rows of the package's model lists, the very objects, and
    the DAG file names no dataset or model itself: a copy could drift, extras included."""
    import ast
    import runpy

    from drugtrade.pipeline import layers

    namespace = runpy.run_path(str(DAGS / "transform.py"))
    assert namespace["STAGING_MODELS"] is layers.STAGING_MODELS
    assert namespace["MART_MODELS"] is layers.MART_MODELS
    models = {path.stem for path in (PROJECT_ROOT / "dbt_project" / "models").rglob("*.sql")}
    names = models | set(layers.RAW_DATASETS)
    literals = {
        node.value
        for node in ast.walk(ast.parse((DAGS / "transform.py").read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert literals & names == set(), "the DAG file names datasets or models of its own"


def test_the_layer_lists_are_the_lake_contract_and_the_dbt_staging_models():
    from drugtrade.pipeline import layers
    from drugtrade.schemas import DATASETS

    assert tuple(DATASETS) == layers.RAW_DATASETS, "the raw gate checks every lake dataset, in order"
    staging = {path.stem for path in (PROJECT_ROOT / "dbt_project" / "models" / "staging").glob("*.sql")}
    assert sorted(layers.STAGING_MODELS) == sorted(staging)
    assert len(set(layers.MART_MODELS)) == len(layers.MART_MODELS), "a mart listed twice"
    marts = {path.stem for path in (PROJECT_ROOT / "dbt_project" / "models" / "marts").glob("*.sql")}
    assert set(layers.MART_MODELS) <= marts, "a listed mart dbt does not build"
    assert set(layers.STATISTICS_INPUTS) <= set(layers.RAW_DATASETS)


def test_every_expectation_suite_is_run_by_a_task():
    """A suite kept in expectations/ but named by no validation task would never run."""
    run = {("raw", name) for name in transform_steps.RAW_DATASETS}
    run |= {("staging", name) for name in transform_steps.STAGING_MODELS}
    run |= {("marts", name) for name in transform_steps.MART_MODELS}
    kept = {(path.parent.name, path.stem) for path in (PROJECT_ROOT / "expectations").glob("*/*.json")}
    assert kept - run == set(), "suites no task runs"
    assert run - kept == set(), "validation tasks without a suite"


# What makes a DAG file slow to parse: the libraries a task needs, loaded at import time.
HEAVY_LIBRARIES = (
    "dbt",
    "great_expectations",
    "duckdb",
    "pyarrow",
    "pandas",
    "numpy",
    "sqlalchemy",
    "trafilatura",
    "lxml",
    "pycountry",
    "openpyxl",
    "yaml",
)
# The only drugtrade modules a DAG file may import at parse time: each imports nothing heavy.
PARSE_TIME_MODULES = {
    "drugtrade",
    "drugtrade.orchestration",
    "drugtrade.pipeline",
    "drugtrade.pipeline.layers",
}


def test_parsing_is_fast_because_dag_files_import_no_heavy_library():
    """Parse each DAG file in a fresh interpreter, after the Airflow SDK every DAG file pays for,
    and record what each one adds to sys.modules: no heavy library, and of drugtrade only the
    light modules the DAGs share. Parse times are printed, not asserted (the machine is shared)."""
    script = textwrap.dedent(
        f"""
        import sys, time, runpy
        import airflow.sdk
        added = {{}}
        for name in ("ingest_articles", "ingest_statistics", "transform"):
            before, started = set(sys.modules), time.perf_counter()
            runpy.run_path("{DAGS}/" + name + ".py")
            added[name] = (sorted(set(sys.modules) - before), time.perf_counter() - started)
        print(repr(added))
        """
    )
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "PYTHONPATH": str(PROJECT_ROOT)}
    output = (
        subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    added = eval(output)  # noqa: S307 - our own repr
    assert set(added) == {"ingest_articles", "ingest_statistics", "transform"}
    for dag_file, (modules, _) in added.items():
        heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY_LIBRARIES)
        assert heavy == [], f"parsing dags/{dag_file}.py imports heavy modules: {heavy}"
        ours = {m for m in modules if m.split(".")[0] == "drugtrade"}
        assert ours <= PARSE_TIME_MODULES, f"dags/{dag_file}.py imports {sorted(ours - PARSE_TIME_MODULES)}"
    assert "drugtrade.pipeline.layers" in added["transform"][0], "the probe saw the DAG's own imports"
    print("DAG parse times (s, wall, shared machine):", {name: round(t, 3) for name, (_, t) in added.items()})
