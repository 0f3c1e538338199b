"""The registry snapshot in the lake is written again only when the registry changed, so the raw
gate (which validates the files written since its last check) does not check it every run."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq

from drugtrade import lake
from drugtrade.config import load_settings
from drugtrade.pipeline.registry_snapshot import SNAPSHOT, snapshot_registry

SOURCE = "  - {id: news, type: article, kind: folder, location: pages, publisher: %s}\n"


def test_an_unchanged_registry_leaves_the_snapshot_file_alone(tmp_path: Path) -> None:
    registry = tmp_path / "registry.yml"
    registry.write_text("sources:\n" + SOURCE % "First Publisher")
    env = {
        **os.environ,
        "DRUGTRADE_WAREHOUSE": str(tmp_path / "warehouse"),
        "DRUGTRADE_REGISTRY": str(registry),
    }
    env.pop("DRUGTRADE_LAKE", None)
    settings = load_settings(env)
    snapshot = lake.partition_dir(settings.lake_dir, "source_registry", SNAPSHOT) / lake.PARTITION_FILE

    assert snapshot_registry(settings) == 1
    written = snapshot.stat().st_mtime_ns, snapshot.stat().st_ino
    assert snapshot_registry(settings) == 1
    assert (snapshot.stat().st_mtime_ns, snapshot.stat().st_ino) == written

    registry.write_text("sources:\n" + SOURCE % "Second Publisher")
    assert snapshot_registry(settings) == 1
    assert snapshot.stat().st_ino != written[1]  # replaced atomically, with the new row
    assert pq.read_table(snapshot).column("publisher").to_pylist() == ["Second Publisher"]
