"""A new statistical release that suddenly delivers far fewer rows stops the run at the raw
stage, names the source, and loses nothing; a source configured to shrink passes."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from drugtrade import lake
from drugtrade.config import load_settings
from drugtrade.pipeline.statistics import ingest_statistics
from drugtrade.pipeline.transform import unvalidated_files, validate_raw
from drugtrade.quality import QualityGateError, QualityPaths, release_sizes_relation, validate_summary

REPO = Path(__file__).resolve().parents[2]
AMO = REPO / "sources" / "statistics" / "amo-drug-seizures-fy19-fy22.csv"

pytestmark = pytest.mark.gx


def test_the_check_compares_each_release_with_the_one_before(tmp_path: Path) -> None:
    database = tmp_path / "releases.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("""create table releases as select * from (values
            ('halved', 49, 100, 50), ('smaller', 60, 100, 50), ('allowed', 1, 100, 0))
            as t(unit, rows_read, previous_rows_read, min_rows)""")
    quality = QualityPaths(context_root=tmp_path / "gx", docs_dir=tmp_path / "docs", seeds_dir=tmp_path)
    report = validate_summary(
        release_sizes_relation("select * from releases"), database, run_id="run", paths=quality
    )
    (failed,) = report.failed_critical()
    assert failed.unexpected_count == 1
    assert failed.unexpected_sample == ["halved"]


def _settings(tmp_path: Path, csv: Path, ratio: float | None):
    registry = tmp_path / "registry.yml"
    extra = "" if ratio is None else f", min_release_ratio: {ratio}"
    registry.write_text(
        "sources:\n"
        f"  - {{id: amo, type: statistics, kind: file, location: '{csv}', family: cbp_air_marine,"
        f" publisher: CBP, dataset: t, url: 'https://www.cbp.gov', licence: l, citation: c, estimator: CBP{extra}}}\n"
    )
    env = {
        **os.environ,
        "DRUGTRADE_WAREHOUSE": str(tmp_path / "warehouse"),
        "DRUGTRADE_REGISTRY": str(registry),
    }
    env.pop("DRUGTRADE_LAKE", None)
    return load_settings(env)


def test_a_halved_release_stops_the_raw_stage_and_keeps_the_file(tmp_path: Path) -> None:
    csv = tmp_path / "amo.csv"
    lines = AMO.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    csv.write_text("".join(lines), encoding="utf-8")
    settings = _settings(tmp_path, csv, None)
    ingest_statistics(settings)
    assert validate_raw(settings, "first", ("loads",))["success"]

    csv.write_text("".join(lines[: len(lines) * 2 // 5]), encoding="utf-8")  # 40% of the rows
    ingest_statistics(settings)
    with pytest.raises(QualityGateError) as stopped:
        validate_raw(settings, "second", ("loads",))
    message = str(stopped.value)
    assert "raw/releases" in message and "amo/" in message and "too_small_release" in message
    # Nothing lost: both releases stay in the lake, and the new one stays unchecked, so the next
    # run stops again until someone decides.
    assert len(lake.dataset_files(settings.lake_dir, "loads")) == 2
    assert unvalidated_files(settings, "loads")
    with pytest.raises(QualityGateError):
        validate_raw(settings, "third", ("loads",))

    accepting = _settings(tmp_path, csv, 0.3)
    assert validate_raw(accepting, "fourth", ("loads",))["success"]
    assert unvalidated_files(accepting, "loads") == []
