"""SIGKILL a run at each write point, then run the day again: the serving warehouse is untouched
by the killed run, no partial file is visible, no lock is left, and the rerun ends with the
same facts as a run never interrupted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from reliability_runs import DAY2, export_rows, run_child, snapshot

pytestmark = pytest.mark.slow

KILL_POINTS = ("raw_copy", "lake_partition", "quality_results", "dbt_build", "publish", "exports")
# Each point costs a killed run and a full rerun (about a minute each on a loaded 2-core machine):
# CI kills at the publish (the swap readers depend on); the nightly run (DRUGTRADE_FUZZ=nightly) at all.
CI_KILL_POINTS = ("publish",)
AFTER_SERVING_SWAP = {"exports"}


def visible_files(warehouse: Path) -> list[Path]:
    return [
        p
        for p in warehouse.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(warehouse).parts)
    ]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_kill_at_write_point_then_rerun(point, days):
    if point not in CI_KILL_POINTS and os.environ.get("DRUGTRADE_FUZZ") != "nightly":
        pytest.skip("nightly kill point (make fuzz): CI time budget")
    assert days["day1"] != days["day2"], "day 2 must change the warehouse for the test to mean anything"
    warehouse = days["tmp"] / f"killed-{point}"
    shutil.copytree(days["after_day1"], warehouse, symlinks=True)
    serving = warehouse / "serving" / "drugtrade.duckdb"
    exports_before = sorted(p.name for p in (warehouse / "exports").iterdir())

    returncode = run_child(warehouse, days["registry"], DAY2, point)
    assert returncode == -9, f"the run was not killed at {point} (exit {returncode})"

    # The serving warehouse is the day-1 one, whole; a kill at the exports comes after the
    # serving swap, so there it is the day-2 one, whole. The exports are the day-1 set, whole.
    assert snapshot(serving) == (days["day2"] if point in AFTER_SERVING_SWAP else days["day1"])
    assert sorted(p.name for p in (warehouse / "exports").iterdir()) == exports_before
    assert export_rows(warehouse) == days["day1_export_rows"]
    # No partial file where a reader looks: every visible Parquet file reads, every DuckDB file opens.
    for path in visible_files(warehouse):
        if path.suffix == ".parquet":
            pq.read_metadata(path)
        elif path.suffix == ".duckdb":
            duckdb.connect(str(path)).close()  # read-write: fails if a lock were left behind

    run_child(warehouse, days["registry"], DAY2)
    assert snapshot(serving) == days["day2"], (
        f"the rerun after a kill at {point} differs from an uninterrupted run"
    )
    assert export_rows(warehouse) == days["day2_export_rows"]
    # What a SIGKILL leaves is the killed write's temporary file: hidden, named *.tmp, so that no
    # reader's glob (*.parquet, the .duckdb file) ever picks it up.
    for leftover in warehouse.rglob("*.tmp"):
        assert leftover.name.startswith("."), f"a temporary file a reader could see: {leftover}"
