"""The source registry: every article and statistical source is configured in YAML, not coded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from drugtrade.errors import DrugtradeError

ARTICLE_KINDS = {"rss", "atom", "wordpress", "sitemap", "folder"}
STATISTICS_KINDS = {"file", "http"}


class RegistryError(DrugtradeError, ValueError):
    """The registry file is malformed; the message names the source and the field."""


@dataclass(frozen=True, kw_only=True)
class ArticleSource:
    id: str
    kind: str  # rss | atom | wordpress | sitemap | folder
    location: str  # URL, or a folder path (relative paths are relative to the project root)
    publisher: str
    schedule: str = "@daily"
    language: str | None = None
    max_articles: int | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class StatisticsSource:
    id: str
    kind: str  # file | http
    location: str  # URL or path
    family: str  # parser family: cbp_nationwide, cbp_air_marine, unodc_annex, unodc_seizures, production_estimates
    publisher: str
    dataset: str
    url: str  # where the publisher publishes it (citation URL)
    licence: str
    citation: str
    estimator: str | None = None
    schedule: str = "@monthly"
    # A new release with fewer rows than this share of the previous release stops the run
    # (a truncated download or a changed layout); 0 accepts any size.
    min_release_ratio: float = 0.5
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Registry:
    articles: tuple[ArticleSource, ...]
    statistics: tuple[StatisticsSource, ...]
    base_dir: Path

    def resolve(self, location: str) -> str:
        """Absolute path for a relative file location; URLs are returned as they are."""
        if "://" in location:
            return location
        path = Path(location)
        return str(path if path.is_absolute() else (self.base_dir / path).resolve())

    def get(self, source_id: str) -> ArticleSource | StatisticsSource:
        sources: tuple[ArticleSource | StatisticsSource, ...] = (*self.articles, *self.statistics)
        for source in sources:
            if source.id == source_id:
                return source
        raise KeyError(f"no source {source_id!r} in the registry")


def _require(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in (None, ""):
        raise RegistryError(f"{where}: missing required field {key!r}")
    return entry[key]


def load_registry(path: Path, base_dir: Path | None = None) -> Registry:
    """Load and check the registry. Relative locations resolve against ``base_dir``
    (default: the folder above the registry file, the project root)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = data.get("sources")
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: expected a top-level 'sources:' list")
    articles: list[ArticleSource] = []
    statistics: list[StatisticsSource] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        where = f"{path}: source #{position}"
        if not isinstance(entry, dict):
            raise RegistryError(f"{where}: expected a mapping")
        source_id = str(_require(entry, "id", where))
        where = f"{path}: source {source_id!r}"
        if source_id in seen:
            raise RegistryError(f"{where}: duplicate id")
        seen.add(source_id)
        source_type = _require(entry, "type", where)
        kind = _require(entry, "kind", where)
        known = {"id", "type", "kind", "location", "publisher"}
        if source_type == "article":
            if kind not in ARTICLE_KINDS:
                raise RegistryError(f"{where}: kind {kind!r} is not one of {sorted(ARTICLE_KINDS)}")
            known |= {"schedule", "language", "max_articles"}
            articles.append(
                ArticleSource(
                    id=source_id,
                    kind=kind,
                    location=str(_require(entry, "location", where)),
                    publisher=str(_require(entry, "publisher", where)),
                    schedule=entry.get("schedule", "@daily"),
                    language=entry.get("language"),
                    max_articles=entry.get("max_articles"),
                    options={k: v for k, v in entry.items() if k not in known},
                )
            )
        elif source_type == "statistics":
            if kind not in STATISTICS_KINDS:
                raise RegistryError(f"{where}: kind {kind!r} is not one of {sorted(STATISTICS_KINDS)}")
            known |= {
                "family",
                "dataset",
                "url",
                "licence",
                "citation",
                "estimator",
                "schedule",
                "min_release_ratio",
            }
            ratio = entry.get("min_release_ratio", 0.5)
            if not isinstance(ratio, int | float) or isinstance(ratio, bool) or not 0 <= ratio <= 1:
                raise RegistryError(f"{where}: min_release_ratio must be a number from 0 to 1, got {ratio!r}")
            statistics.append(
                StatisticsSource(
                    id=source_id,
                    kind=kind,
                    location=str(_require(entry, "location", where)),
                    family=str(_require(entry, "family", where)),
                    publisher=str(_require(entry, "publisher", where)),
                    dataset=str(_require(entry, "dataset", where)),
                    url=str(_require(entry, "url", where)),
                    licence=str(_require(entry, "licence", where)),
                    citation=str(_require(entry, "citation", where)),
                    estimator=entry.get("estimator"),
                    schedule=entry.get("schedule", "@monthly"),
                    min_release_ratio=float(ratio),
                    options={k: v for k, v in entry.items() if k not in known},
                )
            )
        else:
            raise RegistryError(f"{where}: type {source_type!r} is neither 'article' nor 'statistics'")
    base = base_dir if base_dir is not None else Path(path).resolve().parent.parent
    return Registry(articles=tuple(articles), statistics=tuple(statistics), base_dir=Path(base))
