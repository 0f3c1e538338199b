"""The article days landed in the lake and not yet built into the warehouse.

Asset events alone do not say this reliably: a scheduler that creates one `transform` run for
several events, or ignores events older than its last run (apache/airflow#56050), would leave a
backfilled day unbuilt until some later day touched it. So every landed day also leaves a marker
file; `transform` builds the days its events name plus every marked day, and removes the markers
of the days it published.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

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


def mark_built(settings: Settings, days: list[str]) -> None:
    for day in days:
        (_folder(settings) / day).unlink(missing_ok=True)
