"""Validate Arrow tables the way the raw gate does: written as Parquet files, read by GX's SQL
engine through DuckDB views over read_parquet."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from quality_factories import NOW

from drugtrade.quality import QualityPaths, Relation, ResultStore, load_suite, validate_relations
from drugtrade.quality.report import ValidationReport

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "dbt_project" / "seeds"


def paths(tmp_path: Path) -> QualityPaths:
    return QualityPaths(
        context_root=tmp_path / "quality" / "gx",
        docs_dir=tmp_path / "quality" / "docs",
        seeds_dir=SEEDS,
        history=ResultStore(tmp_path / "quality" / "results"),
    )


def views_of(tmp_path: Path, tables: dict[str, list[pa.Table]]) -> Path:
    """One view per dataset over its Parquet files (one file per table given)."""
    database = tmp_path / "views.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as connection:
        for dataset, parts in tables.items():
            files = []
            for index, table in enumerate(parts):
                path = tmp_path / "lake" / dataset / f"part-{index}" / "data.parquet"
                path.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(table, path)
                files.append(str(path))
            connection.execute(
                f'create view "{dataset}" as select * from read_parquet({files!r}, '
                "union_by_name = true, hive_partitioning = false)"
            )
    return database


def validate_raw_tables(
    tmp_path: Path,
    suites_dir: Path,
    tables: dict[str, list[pa.Table]],
    *,
    run_id: str = "test-run",
    reference_time=NOW,
) -> dict[str, ValidationReport]:
    database = views_of(tmp_path, tables)
    relations = [Relation(suite=load_suite(suites_dir, "raw", dataset), table=dataset) for dataset in tables]
    reports = validate_relations(
        "raw", database, relations, run_id=run_id, paths=paths(tmp_path), reference_time=reference_time
    )
    return {report.dataset: report for report in reports}


def outcome(report: ValidationReport, label: str):
    matches = [o for o in report.outcomes if o.expectation == label]
    assert len(matches) == 1, f"{label} not in {[o.expectation for o in report.outcomes]}"
    return matches[0]
