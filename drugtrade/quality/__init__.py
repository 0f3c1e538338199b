"""Data quality gates: GX expectation suites kept as JSON files, validated by GX's SQL engine
on DuckDB (the build file for staging and marts, views over the lake's Parquet for raw), with
outcomes stored as Parquet (dq_results) and GX's own results and Data Docs in its context."""

# First, before GX is imported: stands in for modules GX imports and no suite uses.
import drugtrade.quality.deferred_imports  # noqa: F401
from drugtrade.quality.docs import build_data_docs
from drugtrade.quality.reconcile import (
    reconciliation_relation,
    reconciliation_suite,
    release_sizes_relation,
    release_sizes_suite,
    validate_summary,
)
from drugtrade.quality.report import ExpectationOutcome, QualityGateError, ValidationReport, gate
from drugtrade.quality.store import ResultStore
from drugtrade.quality.suites import SuiteFileError, load_suite
from drugtrade.quality.validate import QualityPaths, Relation, validate_relations

__all__ = [
    "ExpectationOutcome",
    "QualityGateError",
    "QualityPaths",
    "Relation",
    "ResultStore",
    "SuiteFileError",
    "ValidationReport",
    "build_data_docs",
    "gate",
    "load_suite",
    "reconciliation_relation",
    "reconciliation_suite",
    "release_sizes_relation",
    "release_sizes_suite",
    "validate_relations",
    "validate_summary",
]
