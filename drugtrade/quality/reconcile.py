"""Cross-stage checks on computed summaries, validated by GX on DuckDB like any suite (query
assets), so they are stored, gated and rendered in Data Docs like the rest:

* reconciliation: every row read from a source is either in the next stage or in the
  quarantine, per unit counted (a file release);
* release sizes: the newest release of a source reads at least ``min_ratio`` of the rows of the
  release before it.

Each query names the failing unit in a column that must be null, so GX's own sample of
unexpected values lists the units that failed.
"""

from __future__ import annotations

from pathlib import Path

from drugtrade.quality.report import ValidationReport
from drugtrade.quality.suites import LoadedSuite, parse_suite
from drugtrade.quality.validate import QualityPaths, Relation, validate_relations

# Columns: unit, raw_rows, staging_rows, quarantined_rows.
RECONCILIATION_COLUMNS = ("unit", "raw_rows", "staging_rows", "quarantined_rows")
# Columns: unit, rows_read, previous_rows_read, min_rows.
RELEASE_COLUMNS = ("unit", "rows_read", "previous_rows_read", "min_rows")


def reconciliation_suite(dataset: str, from_stage: str = "raw", to_stage: str = "staging") -> LoadedSuite:
    stage = f"{from_stage}_to_{to_stage}"
    document = {
        "name": f"{stage}.{dataset}",
        "meta": {"key_columns": list(RECONCILIATION_COLUMNS)},
        "expectations": [
            {
                "type": "expect_column_values_to_be_null",
                "kwargs": {"column": "unbalanced_unit"},
                "meta": {
                    "severity": "critical",
                    "why": f"every {dataset} row read in {from_stage} is either in {to_stage} or quarantined "
                    "with a reason: nothing is dropped silently",
                },
            },
            {
                "type": "expect_column_values_to_be_unique",
                "kwargs": {"column": "unit"},
                "meta": {"severity": "critical", "why": "a unit counted twice would hide a mismatch"},
            },
        ],
    }
    return parse_suite(
        document, stage=stage, dataset=dataset, origin=Path(f"<reconciliation {stage}.{dataset}>")
    )


def release_sizes_suite() -> LoadedSuite:
    document = {
        "name": "raw.releases",
        "meta": {"key_columns": list(RELEASE_COLUMNS)},
        "expectations": [
            {
                "type": "expect_column_values_to_be_null",
                "kwargs": {"column": "too_small_release"},
                "meta": {
                    "severity": "critical",
                    "why": "a new release with far fewer rows than the one before it (by default less than "
                    "half) is most likely truncated or has changed its layout: the run stops before "
                    "staging; a source whose releases legitimately shrink sets min_release_ratio in "
                    "the registry",
                },
            },
        ],
    }
    return parse_suite(document, stage="raw", dataset="releases", origin=Path("<release sizes>"))


def reconciliation_relation(query: str, dataset: str = "observations") -> Relation:
    """``query`` gives unit, raw_rows, staging_rows, quarantined_rows; a unit that does not
    balance is named in ``unbalanced_unit``, so GX's sample of failures lists the units."""
    return Relation(
        suite=reconciliation_suite(dataset),
        query=(
            "select *, case when raw_rows <> staging_rows + quarantined_rows then unit end as unbalanced_unit "
            f"from ({query.strip()})"
        ),
    )


def release_sizes_relation(query: str) -> Relation:
    """``query`` gives unit, rows_read, previous_rows_read, min_rows (one row per new release
    with a release before it); a release below its minimum is named in ``too_small_release``."""
    return Relation(
        suite=release_sizes_suite(),
        query=(
            f"select *, case when rows_read < min_rows then unit end as too_small_release from ({query.strip()})"
        ),
    )


def validate_summary(
    relation: Relation, database: Path, *, run_id: str, paths: QualityPaths
) -> ValidationReport:
    """Validate the rows a summary relation computes in ``database``."""
    (report,) = validate_relations(relation.suite.stage, database, [relation], run_id=run_id, paths=paths)
    return report
