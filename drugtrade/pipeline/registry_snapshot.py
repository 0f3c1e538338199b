"""Land the source registry in the lake, so the warehouse can describe and cite every source."""

from __future__ import annotations

import pyarrow as pa

from drugtrade import lake
from drugtrade.config import Settings
from drugtrade.registry import load_registry
from drugtrade.schemas import SOURCE_REGISTRY


def snapshot_registry(settings: Settings) -> int:
    registry = load_registry(settings.registry_path)
    rows = [
        {
            "source_id": s.id,
            "source_type": "article",
            "kind": s.kind,
            "family": None,
            "publisher": s.publisher,
            "dataset": s.options.get("dataset"),
            "estimator": None,
            "location": s.location,
            "url": s.options.get("url", s.location if "://" in s.location else None),
            "licence": s.options.get("licence"),
            "citation": s.options.get("citation"),
        }
        for s in registry.articles
    ] + [
        {
            "source_id": s.id,
            "source_type": "statistics",
            "kind": s.kind,
            "family": s.family,
            "publisher": s.publisher,
            "dataset": s.dataset,
            "estimator": s.estimator,
            "location": s.location,
            "url": s.url,
            "licence": s.licence,
            "citation": s.citation,
        }
        for s in registry.statistics
    ]
    table = pa.Table.from_pylist(rows, schema=SOURCE_REGISTRY)
    _, count = lake.write_partition(settings.lake_dir, "source_registry", {"snapshot": "current"}, [table])
    return count
