"""Land the source registry in the lake, so the warehouse can describe and cite every source."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from drugtrade import lake
from drugtrade.config import Settings
from drugtrade.registry import load_registry
from drugtrade.schemas import SOURCE_REGISTRY

SNAPSHOT = {"snapshot": "current"}


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
    current = lake.partition_dir(settings.lake_dir, "source_registry", SNAPSHOT) / lake.PARTITION_FILE
    if current.is_file() and pq.read_table(current, schema=SOURCE_REGISTRY).equals(table):
        # The registry did not change: the file stays as it is, so the raw gate, which checks
        # what was written since its last check, does not validate it again every run.
        return int(table.num_rows)
    _, count = lake.write_partition(settings.lake_dir, "source_registry", SNAPSHOT, [table])
    return count
