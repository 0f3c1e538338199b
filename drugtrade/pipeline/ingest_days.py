"""The article days landed in the lake and not yet built into the warehouse.

Asset events alone do not say this reliably: a scheduler that creates one `transform` run for
several events, or ignores events older than its last run (apache/airflow#56050), would leave a
backfilled day unbuilt until some later day touched it. So every landed day also leaves a marker
file; `transform` builds the days its events name plus every marked day, and removes the markers
of the days it published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from drugtrade import lake
from drugtrade.config import Settings


def _folder(settings: Settings) -> Path:
    return settings.state_dir / "unbuilt_days"


def mark_landed(settings: Settings, day: date | str) -> None:
    name = day if isinstance(day, str) else day.isoformat()
    date.fromisoformat(name)  # a marker is a day, nothing else
    lake.atomic_write_bytes(_folder(settings) / name, b"")


def unbuilt_days(settings: Settings) -> list[str]:
    folder = _folder(settings)
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def event_days(triggering_asset_events: Mapping[Any, Iterable[Any]] | None) -> list[str]:
    """The ingest days named by the asset events that triggered a run (one run may consume
    several: a backfill's days, or both ingest DAGs), each once, in order. An event without a
    day (a statistics load, an event made by hand) names none."""
    days = set()
    for events in (triggering_asset_events or {}).values():
        for event in events:
            extra = event.extra or {}
            if extra.get("ingest_date"):
                days.add(extra["ingest_date"])
    return sorted(days)


def days_to_build(
    settings: Settings, triggering_asset_events: Mapping[Any, Iterable[Any]] | None, run_day: str
) -> list[str]:
    """The article days a transform run (re)builds, each once, in order: those named by every
    asset event it consumed, plus every landed day no run has published yet (a backfill's days,
    whatever the scheduler made of their events); when there are none (a manual or `dags test`
    run, a statistics load alone), ``run_day``, the day the run is about."""
    return sorted(set(event_days(triggering_asset_events)) | set(unbuilt_days(settings))) or [run_day]


def mark_built(settings: Settings, days: list[str]) -> None:
    for day in days:
        (_folder(settings) / day).unlink(missing_ok=True)
