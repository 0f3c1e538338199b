"""Data quality gates: GX expectation suites kept as JSON files, validated chunk by chunk on
pandas batches, with outcomes stored as Parquet and rendered as GX Data Docs."""

from drugtrade.quality.docs import build_data_docs
from drugtrade.quality.reconcile import ReleaseSize, RowCounts, check_release_sizes, reconcile
from drugtrade.quality.report import ExpectationOutcome, QualityGateError, ValidationReport, gate
from drugtrade.quality.store import ResultStore
from drugtrade.quality.suites import SuiteFileError, load_suite
from drugtrade.quality.validate import validate_batches

__all__ = [
    "ExpectationOutcome",
    "QualityGateError",
    "ReleaseSize",
    "ResultStore",
    "RowCounts",
    "SuiteFileError",
    "ValidationReport",
    "build_data_docs",
    "check_release_sizes",
    "gate",
    "load_suite",
    "reconcile",
    "validate_batches",
]
