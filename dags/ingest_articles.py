"""Daily: fetch every article source in the registry and land articles, statements, mentions
and numeric facts in the lake, partitioned by the run's day. Produces the articles Asset."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import TriggerRule, dag, get_current_context, task

from drugtrade.orchestration import DEFAULT_ARGS, LAKE_ARTICLES, NETWORK_RETRIES, run_day


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

    @task(outlets=[LAKE_ARTICLES], **NETWORK_RETRIES)
    def ingest(source_id: str) -> dict:
        from drugtrade.config import load_settings
        from drugtrade.pipeline.articles import ingest_articles as ingest_day
        from drugtrade.runs import record_step

        context = get_current_context()
        day = run_day(context)
        settings = load_settings()
        (summary,) = ingest_day(settings, datetime.fromisoformat(day).date(), source_ids=[source_id])
        result = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(summary).items()}
        record_step(settings, context, f"ingest_articles.{source_id}", result)
        # The asset event says which day's partitions changed, so the transform run it triggers
        # (whenever it runs, for a backfilled day too) rebuilds exactly those days.
        context["outlet_events"][LAKE_ARTICLES].extra = {"ingest_date": day, "source_id": source_id}
        return result

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def report() -> dict:
        """Always runs: the run summary (rows read, loaded and quarantined per source; failures)."""
        from drugtrade.config import load_settings
        from drugtrade.runs import finish_run

        return finish_run(load_settings(), get_current_context(), data_docs=False)

    ingest.expand(source_id=article_sources()) >> report()


ingest_articles()
