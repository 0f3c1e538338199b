"""Runs when new article or statistics data lands (Assets: one event per ingest run, so one
transform run per ingest run at most; max_active_runs=1, so events that arrive meanwhile are
consumed together by the next run): raw quality gates, dbt staging,
staging gates, dbt intermediate and marts, mart gates, then publish the serving warehouse.
A failed critical expectation stops the run before publication: readers keep the last good
warehouse."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import TriggerRule, chain, dag, get_current_context, task

from drugtrade.orchestration import (
    DEFAULT_ARGS,
    DUCKDB_WRITER_POOL,
    LAKE_ARTICLES,
    LAKE_STATISTICS,
    SERVING_WAREHOUSE,
    run_day,
)
from drugtrade.pipeline.layers import MART_MODELS, STAGING_MODELS


def _settings_and_run():
    from drugtrade.config import load_settings

    context = get_current_context()
    return load_settings(), context, context["run_id"]


@dag(
    dag_id="transform",
    schedule=(LAKE_ARTICLES | LAKE_STATISTICS),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["drugtrade", "dbt", "quality", "publish"],
    doc_md=__doc__,
)
def transform():
    @task
    def ingest_days() -> list[str]:
        """The article days this run (re)builds (drugtrade.pipeline.ingest_days.days_to_build)."""
        from drugtrade.pipeline.ingest_days import days_to_build

        settings, context, _ = _settings_and_run()
        return days_to_build(settings, context.get("triggering_asset_events"), run_day(context))

    @task(pool=DUCKDB_WRITER_POOL)
    def snapshot_registry() -> int:
        from drugtrade import lake
        from drugtrade.pipeline.registry_snapshot import snapshot_registry as snapshot

        settings, _, _ = _settings_and_run()
        # A dataset nothing has landed in yet (no article before the first statistics run) is
        # read by dbt as an empty relation with the dataset's columns, not a missing file.
        lake.ensure_schema_files(settings.lake_dir)
        return snapshot(settings)

    @task
    def validate_raw() -> dict:
        """GX checkpoint over the lake files written since the last check (one task for all)."""
        from drugtrade.pipeline.transform import validate_raw as validate
        from drugtrade.runs import record_step

        settings, context, run_id = _settings_and_run()
        result = validate(settings, run_id)
        record_step(settings, context, "validate_raw", result)
        return result

    @task(pool=DUCKDB_WRITER_POOL)
    def dbt_staging(days: list[str]) -> dict:
        from drugtrade.pipeline.transform import build_staging, relation_rows
        from drugtrade.runs import record_dbt_step

        settings, context, _ = _settings_and_run()
        nodes = build_staging(settings, days)
        rows = relation_rows(settings, "staging", STAGING_MODELS)
        return record_dbt_step(settings, context, "dbt_staging", nodes, rows=rows)

    @task
    def validate_staging() -> dict:
        """GX checkpoint of the staging models and the raw-to-staging reconciliation."""
        from drugtrade.pipeline.transform import validate_staging as validate
        from drugtrade.runs import record_step

        settings, context, run_id = _settings_and_run()
        result = validate(settings, run_id)
        record_step(settings, context, "validate_staging", result)
        return result

    @task(pool=DUCKDB_WRITER_POOL)
    def dbt_marts(days: list[str]) -> dict:
        from drugtrade.pipeline.transform import build_marts, relation_rows
        from drugtrade.runs import record_dbt_step

        settings, context, _ = _settings_and_run()
        nodes = build_marts(settings, days)
        rows = relation_rows(settings, "marts", MART_MODELS)
        return record_dbt_step(settings, context, "dbt_marts", nodes, rows=rows)

    @task
    def validate_marts() -> dict:
        """GX checkpoint of the marts, read from the build DuckDB file."""
        from drugtrade.pipeline.transform import validate_marts as validate
        from drugtrade.runs import record_step

        settings, context, run_id = _settings_and_run()
        result = validate(settings, run_id)
        record_step(settings, context, "validate_marts", result)
        return result

    @task(pool=DUCKDB_WRITER_POOL, outlets=[SERVING_WAREHOUSE])
    def publish(days: list[str]) -> dict:
        from drugtrade.pipeline.ingest_days import mark_built
        from drugtrade.runs import record_step
        from drugtrade.warehouse.analyst_docs import publish_analyst_docs
        from drugtrade.warehouse.publish import publish as publish_warehouse

        settings, context, _ = _settings_and_run()
        result = publish_warehouse(settings, settings.quality_results_glob)
        mark_built(settings, days)
        summary = {
            "serving_db": str(result.serving_db),
            "tables": result.tables,
            # what this publish changed: tables written whole, tables synced row by row
            "written_whole": list(result.rebuilt),
            "synced": list(result.synced),
            "ingest_days": days,
            "docs": publish_analyst_docs(settings),
        }
        record_step(settings, context, "publish", summary)
        return summary

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def report() -> dict:
        """Always runs: writes the run summary and the quality Data Docs, even after a failure."""
        from drugtrade.runs import finish_run

        settings, context, run_id = _settings_and_run()
        return finish_run(settings, context)

    # One task per quality stage: each is one GX checkpoint, so Airflow's per-task start-up is
    # paid three times, not once per dataset.
    days = ingest_days()
    chain(
        days,
        snapshot_registry(),
        validate_raw(),
        dbt_staging(days),
        validate_staging(),
        dbt_marts(days),
        validate_marts(),
        publish(days),
        report(),
    )


transform()
