"""Monthly, the rhythm at which agencies publish: acquire every statistical source in the
registry, keep the raw file, parse it into observations and quarantine, and land both in the
lake keyed on the file's release (its SHA-256). Produces the statistics Asset once per run,
after every source has landed."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import TriggerRule, dag, get_current_context, task

from drugtrade.orchestration import DEFAULT_ARGS, LAKE_STATISTICS, NETWORK_RETRIES


@dag(
    dag_id="ingest_statistics",
    schedule="@monthly",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["drugtrade", "ingest", "statistics"],
    doc_md=__doc__,
)
def ingest_statistics():
    @task
    def statistics_sources() -> list[str]:
        from drugtrade.config import load_settings
        from drugtrade.registry import load_registry

        return [source.id for source in load_registry(load_settings().registry_path).statistics]

    @task(**NETWORK_RETRIES)
    def ingest(source_id: str) -> dict:
        from drugtrade.config import load_settings
        from drugtrade.pipeline.statistics import ingest_statistics as ingest_files
        from drugtrade.runs import record_step

        settings = load_settings()
        (load,) = ingest_files(settings, source_ids=[source_id])
        record_step(settings, get_current_context(), f"ingest_statistics.{source_id}", load.as_dict())
        return load.as_dict()

    @task(outlets=[LAKE_STATISTICS])
    def announce(loads: list[dict]) -> dict:
        """One asset event per run (not one per source), so one transform run follows."""
        context = get_current_context()
        sources = sorted(str(load.get("source_id")) for load in loads)
        context["outlet_events"][LAKE_STATISTICS].extra = {"source_ids": sources}
        return {"source_ids": sources}

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def report() -> dict:
        """Always runs: the run summary (rows read, loaded and quarantined per source; failures)."""
        from drugtrade.config import load_settings
        from drugtrade.runs import finish_run

        return finish_run(load_settings(), get_current_context(), data_docs=False)

    announce(ingest.expand(source_id=statistics_sources())) >> report()


ingest_statistics()
