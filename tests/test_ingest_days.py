"""Which article days an Asset-triggered transform run rebuilds (drugtrade.pipeline.ingest_days),
on the asset-event objects the Airflow task SDK hands a task in its context."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from airflow.sdk.api.datamodels._generated import AssetReferenceAssetEventDagRun
from airflow.sdk.execution_time.comms import AssetEventDagRunReferenceResult
from airflow.sdk.execution_time.context import TriggeringAssetEventsAccessor

from drugtrade.config import load_settings
from drugtrade.orchestration import LAKE_ARTICLES, LAKE_STATISTICS
from drugtrade.pipeline.ingest_days import days_to_build, event_days, mark_built, mark_landed, unbuilt_days

RUN_DAY = "2026-03-09"


def _event(asset, extra: dict, run_id: str = "scheduled__1") -> AssetEventDagRunReferenceResult:
    return AssetEventDagRunReferenceResult(
        asset=AssetReferenceAssetEventDagRun(name=asset.name, uri=asset.uri, extra={}),
        extra=extra,
        source_task_id="announce",
        source_dag_id="ingest_articles" if asset is LAKE_ARTICLES else "ingest_statistics",
        source_run_id=run_id,
        source_map_index=-1,
        source_aliases=[],
        timestamp=datetime(2026, 3, 9, 1, tzinfo=UTC),
    )


def _events(*events: AssetEventDagRunReferenceResult) -> TriggeringAssetEventsAccessor:
    return TriggeringAssetEventsAccessor.build(events)


@pytest.fixture
def settings(tmp_path):
    return load_settings({"DRUGTRADE_WAREHOUSE": str(tmp_path / "warehouse")})


def test_an_article_event_names_its_day(settings):
    events = _events(_event(LAKE_ARTICLES, {"ingest_date": "2026-03-04", "source_ids": ["insightcrime"]}))
    assert event_days(events) == ["2026-03-04"]
    assert days_to_build(settings, events, RUN_DAY) == ["2026-03-04"]


def test_an_event_without_a_day_names_none_and_the_run_builds_its_own_day(settings):
    statistics_load = _events(_event(LAKE_STATISTICS, {}), _event(LAKE_ARTICLES, {"ingest_date": None}))
    assert event_days(statistics_load) == []
    assert days_to_build(settings, statistics_load, RUN_DAY) == [RUN_DAY]


def test_a_run_without_events_builds_its_own_day(settings):
    """A manual or `dags test` run has no triggering events at all."""
    assert days_to_build(settings, None, RUN_DAY) == [RUN_DAY]
    assert days_to_build(settings, _events(), RUN_DAY) == [RUN_DAY]


def test_a_backfill_consumed_in_one_run_builds_every_day_once_in_order(settings):
    events = _events(
        _event(LAKE_ARTICLES, {"ingest_date": "2026-03-06"}, "backfill__3"),
        _event(LAKE_ARTICLES, {"ingest_date": "2026-03-04"}, "backfill__1"),
        _event(LAKE_ARTICLES, {"ingest_date": "2026-03-05"}, "backfill__2"),
        _event(LAKE_ARTICLES, {"ingest_date": "2026-03-04"}, "backfill__1_retry"),  # the same day again
        _event(LAKE_STATISTICS, {}),  # both ingest DAGs announced before the run started
    )
    assert event_days(events) == ["2026-03-04", "2026-03-05", "2026-03-06"]
    assert days_to_build(settings, events, RUN_DAY) == ["2026-03-04", "2026-03-05", "2026-03-06"]


def test_landed_days_no_run_published_are_built_even_without_their_events(settings):
    """The scheduler may drop a backfill's older events (apache/airflow#56050): the markers of
    landed days still bring them in, merged with the event days, each once."""
    for day in ("2026-03-02", "2026-03-04"):
        mark_landed(settings, day)
    assert days_to_build(settings, None, RUN_DAY) == ["2026-03-02", "2026-03-04"]
    events = _events(_event(LAKE_ARTICLES, {"ingest_date": "2026-03-04"}))
    mark_landed(settings, datetime(2026, 3, 3).date())
    assert days_to_build(settings, events, RUN_DAY) == ["2026-03-02", "2026-03-03", "2026-03-04"]


def test_published_days_are_not_built_again(settings):
    for day in ("2026-03-02", "2026-03-03"):
        mark_landed(settings, day)
    mark_built(settings, ["2026-03-02", "2026-03-03", "2026-03-09"])  # a day never marked is no error
    assert unbuilt_days(settings) == []
    assert days_to_build(settings, None, RUN_DAY) == [RUN_DAY]


def test_a_marker_is_a_day_and_nothing_else(settings):
    with pytest.raises(ValueError):
        mark_landed(settings, "../2026-03-02")
    assert unbuilt_days(settings) == []
