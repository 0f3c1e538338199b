"""Daily: fetch every article source in the registry and land articles, statements, mentions
and numeric facts in the lake, partitioned by the run's day. Produces the articles Asset once
per run, after every source has landed.

Fetch (per source, network) -> extract (per batch of pages, CPU: mapped, so Celery workers
share a large day or a backfill) -> land (per source, one at a time: it numbers versions
against the lake) -> announce (the one asset event the transform DAG is scheduled on)."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import TriggerRule, dag, get_current_context, task

from drugtrade.orchestration import ARTICLES_LAKE_POOL, DEFAULT_ARGS, LAKE_ARTICLES, NETWORK_RETRIES, run_day


def _day():
    return datetime.fromisoformat(run_day(get_current_context())).date()


@dag(
    dag_id="ingest_articles",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["drugtrade", "ingest", "articles"],
    doc_md=__doc__,
)
def ingest_articles():
    @task
    def article_sources() -> list[str]:
        from drugtrade.config import load_settings
        from drugtrade.registry import load_registry

        return [source.id for source in load_registry(load_settings().registry_path).articles]

    @task(**NETWORK_RETRIES)
    def fetch(source_id: str) -> list[dict]:
        """Fetch the source's pages, keep the raw copies; returns the batches left to extract."""
        from drugtrade.config import load_settings
        from drugtrade.pipeline.articles import batch_count, fetch_source
        from drugtrade.registry import load_registry

        settings = load_settings()
        source = load_registry(settings.registry_path).get(source_id)
        fetched = fetch_source(source, settings, _day())
        return [{"source_id": source_id, "batch": batch} for batch in range(batch_count(fetched))]

    @task
    def batches(fetched: list[list[dict]]) -> list[dict]:
        return [batch for source_batches in fetched for batch in source_batches]

    @task
    def extract(batch: dict) -> int:
        """One batch of pages, in this task's own process: never a process pool inside a task."""
        from drugtrade.config import load_settings
        from drugtrade.pipeline.articles import extract_batch

        return extract_batch(load_settings(), batch["source_id"], _day(), batch["batch"])

    @task(pool=ARTICLES_LAKE_POOL, trigger_rule=TriggerRule.NONE_FAILED)
    def land(source_id: str) -> dict:
        from drugtrade.config import load_settings
        from drugtrade.pipeline.articles import land_source
        from drugtrade.registry import load_registry
        from drugtrade.runs import record_step

        settings = load_settings()
        source = load_registry(settings.registry_path).get(source_id)
        summary = land_source(source, settings, _day())
        result = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(summary).items()}
        record_step(settings, get_current_context(), f"ingest_articles.{source_id}", result)
        return result

    @task(outlets=[LAKE_ARTICLES])
    def announce(landed: list[dict]) -> dict:
        """One asset event per run, naming the day every source landed: the transform run it
        triggers (whenever it runs, for a backfilled day too) rebuilds that day."""
        from drugtrade.config import load_settings
        from drugtrade.pipeline.ingest_days import mark_landed

        context = get_current_context()
        day = run_day(context)
        mark_landed(load_settings(), day)
        sources = sorted(summary["source_id"] for summary in landed)
        context["outlet_events"][LAKE_ARTICLES].extra = {"ingest_date": day, "source_ids": sources}
        return {"ingest_date": day, "source_ids": sources}

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def report() -> dict:
        """Always runs: the run summary (rows read, loaded and quarantined per source; failures)."""
        from drugtrade.config import load_settings
        from drugtrade.runs import finish_run

        return finish_run(load_settings(), get_current_context(), data_docs=False)

    sources = article_sources()
    fetched = fetch.expand(source_id=sources)
    extracted = extract.expand(batch=batches(fetched))
    landed = land.expand(source_id=sources)
    extracted >> landed
    announce(landed) >> report()


ingest_articles()
