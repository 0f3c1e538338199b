"""A new statistical release that suddenly delivers far fewer rows stops the run at the raw
stage, names the source, and loses nothing; a source configured to shrink passes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from drugtrade import lake
from drugtrade.config import load_settings
from drugtrade.pipeline.statistics import ingest_statistics
from drugtrade.pipeline.transform import unvalidated_files, validate_raw
from drugtrade.quality import QualityGateError, ReleaseSize, check_release_sizes

REPO = Path(__file__).resolve().parents[2]
AMO = REPO / "sources" / "statistics" / "amo-drug-seizures-fy19-fy22.csv"


def test_the_check_compares_each_release_with_the_one_before() -> None:
    report = check_release_sizes("run", [
        ReleaseSize(unit="halved", rows_read=49, previous_rows_read=100, min_ratio=0.5),
        ReleaseSize(unit="smaller", rows_read=60, previous_rows_read=100, min_ratio=0.5),
        ReleaseSize(unit="allowed", rows_read=1, previous_rows_read=100, min_ratio=0.0),
    ])
    (failed,) = report.failed_critical()
    assert failed.unexpected_count == 1
    assert "halved" in str(failed.unexpected_sample)
    assert "smaller" not in str(failed.unexpected_sample)


def _settings(tmp_path: Path, csv: Path, ratio: float | None):
    registry = tmp_path / "registry.yml"
    extra = "" if ratio is None else f", min_release_ratio: {ratio}"
    registry.write_text(
        "sources:\n"
        f"  - {{id: amo, type: statistics, kind: file, location: '{csv}', family: cbp_air_marine,"
        f" publisher: CBP, dataset: t, url: 'https://www.cbp.gov', licence: l, citation: c, estimator: CBP{extra}}}\n"
    )
    env = {**os.environ, "DRUGTRADE_WAREHOUSE": str(tmp_path / "warehouse"), "DRUGTRADE_REGISTRY": str(registry)}
    env.pop("DRUGTRADE_LAKE", None)
    return load_settings(env)


def test_a_halved_release_stops_the_raw_stage_and_keeps_the_file(tmp_path: Path) -> None:
    csv = tmp_path / "amo.csv"
    lines = AMO.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    csv.write_text("".join(lines), encoding="utf-8")
    settings = _settings(tmp_path, csv, None)
    ingest_statistics(settings)
    assert validate_raw(settings, "loads", "first")["success"]

    csv.write_text("".join(lines[: len(lines) * 2 // 5]), encoding="utf-8")  # 40% of the rows
    ingest_statistics(settings)
    with pytest.raises(QualityGateError) as stopped:
        validate_raw(settings, "loads", "second")
    message = str(stopped.value)
    assert "raw/releases" in message and "amo/" in message and "rows_read" in message
    # Nothing lost: both releases stay in the lake, and the new one stays unchecked, so the next
    # run stops again until someone decides.
    assert len(lake.dataset_files(settings.lake_dir, "loads")) == 2
    assert unvalidated_files(settings, "loads")
    with pytest.raises(QualityGateError):
        validate_raw(settings, "loads", "third")

    accepting = _settings(tmp_path, csv, 0.3)
    assert validate_raw(accepting, "loads", "fourth")["success"]
    assert unvalidated_files(accepting, "loads") == []
