"""Cross-stage checks on computed summaries, validated by GX on DuckDB like any suite (query
assets), so they are stored, gated and rendered in Data Docs like the rest:

* reconciliation: every row read from a source is either in the next stage or in the
  quarantine, per unit counted (a file release);
* release sizes: the newest release of a source reads at least ``min_ratio`` of the rows of the
  release before it.
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
                "type": "unexpected_rows_expectation",
                "kwargs": {"unexpected_rows_query":
                           "select * from {batch} where raw_rows <> staging_rows + quarantined_rows",
                           "description": "raw rows = staged rows + quarantined rows, per unit"},
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
    return parse_suite(document, stage=stage, dataset=dataset, origin=Path(f"<reconciliation {stage}.{dataset}>"))


def release_sizes_suite() -> LoadedSuite:
    document = {
        "name": "raw.releases",
        "meta": {"key_columns": list(RELEASE_COLUMNS)},
        "expectations": [
            {
                "type": "expect_column_pair_values_a_to_be_greater_than_b",
                "kwargs": {"column_A": "rows_read", "column_B": "min_rows", "or_equal": True},
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


def validate_summary(suite: LoadedSuite, database: Path, query: str, *, run_id: str,
                     paths: QualityPaths) -> ValidationReport:
    """Validate the rows ``query`` computes in ``database`` against ``suite``."""
    (report,) = validate_relations(suite.stage, database, [Relation(suite=suite, query=query)],
                                   run_id=run_id, paths=paths)
    return report
