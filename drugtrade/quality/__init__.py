"""Data quality gates: GX expectation suites kept as JSON files, validated by GX's SQL engine
on DuckDB (the build file for staging and marts, views over the lake's Parquet for raw), with
outcomes stored as Parquet (dq_results) and GX's own results and Data Docs in its context.

The names below are imported on first use: importing GX takes one to two seconds, and a
process that only reads the stored results (the finishing task of an ingest DAG, `drugtrade
summary`) imports ``drugtrade.quality.store`` without ever validating."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# First, before anything imports GX: stands in for modules GX imports and no suite uses.
import drugtrade.quality.deferred_imports  # noqa: F401

if TYPE_CHECKING:
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

# Each public name and the module that defines it.
_HOMES = {
    "build_data_docs": "docs",
    "reconciliation_relation": "reconcile",
    "reconciliation_suite": "reconcile",
    "release_sizes_relation": "reconcile",
    "release_sizes_suite": "reconcile",
    "validate_summary": "reconcile",
    "ExpectationOutcome": "report",
    "QualityGateError": "report",
    "ValidationReport": "report",
    "gate": "report",
    "ResultStore": "store",
    "SuiteFileError": "suites",
    "load_suite": "suites",
    "QualityPaths": "validate",
    "Relation": "validate",
    "validate_relations": "validate",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later lookups find it without this function
    return value
