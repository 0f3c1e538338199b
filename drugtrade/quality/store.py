"""Validation outcomes as Parquet, one file per (stage, dataset, run), queryable with
``select * from read_parquet('<dir>/**/*.parquet')``.

Layout: ``<dir>/<stage>/<dataset>/<run>.parquet`` (GX's own validation results, which Data Docs
render, stay in the GX context's validation results store). Folder names carry no ``key=value`` so DuckDB does not
add hive-partition columns that would clash with the stored ones. A file is written to a
temporary name and renamed into place, so a reader never sees half of it, and a retried task
replaces its own earlier file instead of adding a second copy. Beside the files of a stage and
dataset, ``latest.json`` names its two newest runs and their row counts, so the volume check's
"rows of the previous run" reads one small file, not the whole history (0.9 s for nine datasets
with 101 runs stored).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import cast

import pyarrow as pa
import pyarrow.parquet as pq

from drugtrade.config import parquet_glob
from drugtrade.lake import atomic_write, atomic_write_bytes
from drugtrade.quality.report import ValidationReport

RESULTS_SCHEMA = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("dataset", pa.string(), nullable=False),
        pa.field("expectation", pa.string(), nullable=False),
        pa.field("column", pa.string()),
        pa.field("severity", pa.string(), nullable=False),
        pa.field("success", pa.bool_(), nullable=False),
        pa.field("observed_value", pa.string()),
        pa.field("unexpected_count", pa.int64()),
        pa.field("unexpected_sample", pa.string(), nullable=False),  # JSON array
        pa.field("validated_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("rows_validated", pa.int64(), nullable=False),
        pa.field("why", pa.string()),
    ]
)
# Descriptions published with dq_results, so analysts see what each column means.
RESULTS_DESCRIPTION = (
    "Every expectation evaluated by the quality gates: one row per run, stage, dataset and "
    "expectation. Critical failures stop the run before publication; warnings are recorded."
)
RESULTS_COLUMN_DESCRIPTIONS = {
    "run_id": "The Airflow run (or pipeline call) that evaluated the expectation.",
    "stage": "raw (Parquet in the lake), raw_to_staging (row reconciliation), staging or marts.",
    "dataset": "The lake dataset or dbt model validated (raw: the lake dataset; else the model).",
    "expectation": "The GX expectation and its columns, e.g. expect_column_values_to_be_between(value).",
    "column": "The column the expectation checks; null for table-level expectations.",
    "severity": "critical (a failure stops the run before publication) or warning (recorded, shown).",
    "success": "True when the expectation held on every row validated.",
    "observed_value": "What GX observed (a count, a min/max, a column list), as text.",
    "unexpected_count": "Rows that broke the expectation; null for table-level expectations.",
    "unexpected_sample": "A JSON array of sample offending values or rows (at most a few).",
    "validated_at": "When the validation ran (UTC).",
    "rows_validated": "Rows in the batch validated (new files for raw, the whole relation otherwise).",
    "why": "Why the expectation exists, from the suite file in expectations/.",
}
LATEST = "latest.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _file_stem(run_id: str) -> str:
    # Airflow run ids hold ':' and '+'; the digest keeps two ids that sanitise alike apart.
    digest = hashlib.sha256(run_id.encode()).hexdigest()[:10]
    return f"{_UNSAFE.sub('_', run_id)[:120]}-{digest}"


def _safe_segment(value: str, what: str) -> str:
    if not value or _UNSAFE.search(value) or value.startswith("."):
        raise ValueError(f"{what} {value!r} cannot be a folder name (letters, digits, . _ - only)")
    return value


def report_table(report: ValidationReport) -> pa.Table:
    rows = [
        {
            "run_id": report.run_id,
            "stage": report.stage,
            "dataset": report.dataset,
            "expectation": outcome.expectation,
            "column": outcome.column,
            "severity": outcome.severity,
            "success": outcome.success,
            "observed_value": outcome.observed_value,
            "unexpected_count": outcome.unexpected_count,
            "unexpected_sample": json.dumps(outcome.unexpected_sample, ensure_ascii=False, default=str),
            "validated_at": report.validated_at,
            "rows_validated": report.rows_validated,
            "why": outcome.why or None,
        }
        for outcome in report.outcomes
    ]
    return pa.Table.from_pylist(rows, schema=RESULTS_SCHEMA)


class ResultStore:
    def __init__(self, path_dir: Path) -> None:
        self.path_dir = Path(path_dir)

    @property
    def glob(self) -> str:
        """The pattern to give DuckDB's read_parquet."""
        return parquet_glob(self.path_dir)

    def _folder(self, stage: str, dataset: str) -> Path:
        return self.path_dir / _safe_segment(stage, "stage") / _safe_segment(dataset, "dataset")

    def append(self, report: ValidationReport) -> Path:
        """Store the report's outcomes; returns the Parquet file."""
        if not report.outcomes:
            raise ValueError(
                f"{report.stage}/{report.dataset} run {report.run_id}: a report without outcomes"
            )
        folder = self._folder(report.stage, report.dataset)
        folder.mkdir(parents=True, exist_ok=True)
        stem = _file_stem(report.run_id)
        parquet_path = folder / f"{stem}.parquet"
        table = report_table(report)
        atomic_write(parquet_path, lambda p: pq.write_table(table, p, compression="zstd"))
        newest = {
            "run_id": report.run_id,
            "validated_at": report.validated_at.isoformat(),
            "rows_validated": report.rows_validated,
        }
        earlier = [run for run in self._latest(folder) or [] if run["run_id"] != report.run_id]
        latest = sorted([newest, *earlier], key=lambda run: str(run["validated_at"]), reverse=True)[:2]
        atomic_write_bytes(folder / LATEST, json.dumps(latest, indent=1).encode())
        return parquet_path

    @staticmethod
    def _latest(folder: Path) -> list[dict[str, object]] | None:
        try:
            runs = json.loads((folder / LATEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return runs if isinstance(runs, list) else None

    def run_glob(self, run_id: str) -> str:
        """The pattern of one run's files (a run's report reads these, not the history)."""
        return str(self.path_dir / "*" / "*" / f"{_file_stem(run_id)}.parquet")

    def previous_row_count(
        self, stage: str, dataset: str, *, exclude_run_id: str | None = None
    ) -> int | None:
        """Rows validated by the latest stored run of this stage and dataset (other than
        ``exclude_run_id``), or None when there is none."""
        folder = self._folder(stage, dataset)
        if not folder.is_dir():
            return None
        # latest.json answers, unless it is missing (a store from before it) or names only the
        # excluded run (the first run since it was written): then the files say.
        for run in self._latest(folder) or []:
            if run["run_id"] != exclude_run_id:
                return int(cast(int, run["rows_validated"]))
        latest: tuple[object, int] | None = None
        for path in folder.glob("*.parquet"):
            table = pq.read_table(path, columns=["run_id", "validated_at", "rows_validated"])
            if table.num_rows == 0 or table.column("run_id")[0].as_py() == exclude_run_id:
                continue
            validated_at = table.column("validated_at")[0].as_py()
            rows = int(table.column("rows_validated")[0].as_py())
            if latest is None or validated_at > latest[0]:
                latest = (validated_at, rows)
        return None if latest is None else latest[1]
