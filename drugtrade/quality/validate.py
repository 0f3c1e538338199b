"""Validate relations of one stage in a DuckDB file with GX's SQL engine: every suite of the
stage in one checkpoint run, each expectation computed by DuckDB, then GX's results turned into
the reports the pipeline gates on and stores in dq_results.

An expectation GX could not evaluate (a MetricResolutionError, a missing column) proved
nothing, so it is a critical failure whatever its declared severity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
    ExpectationValidationResult,
)
from great_expectations.core.run_identifier import RunIdentifier

from drugtrade.quality.columns_not_null import EXPECTATION_TYPE as COLUMNS_NOT_NULL
from drugtrade.quality.context import (
    add_validation,
    duckdb_datasource,
    open_context,
    stage_checkpoint,
)
from drugtrade.quality.parameters import ParameterInputs, ResolvedParameter, resolve_parameters
from drugtrade.quality.report import SAMPLE_SIZE, ExpectationOutcome, ValidationReport
from drugtrade.quality.store import ResultStore
from drugtrade.quality.suites import LoadedSuite, SuiteExpectation
from drugtrade.quality.values import jsonable

if TYPE_CHECKING:
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

# BASIC holds every figure dq_results keeps (counts, the partial unexpected list, observed values);
# SUMMARY would add a value-count query per column expectation that nothing here reads.
RESULT_FORMAT: dict[str, Any] = {"result_format": "BASIC", "partial_unexpected_count": SAMPLE_SIZE}


@dataclass(frozen=True, kw_only=True)
class Relation:
    """A relation of a DuckDB file to validate with the suite of ``dataset``: a table or view
    (``table`` in ``schema``), or a query for computed summaries (reconciliations)."""

    suite: LoadedSuite
    table: str | None = None
    schema: str | None = None
    query: str | None = None

    @property
    def from_clause(self) -> str:
        if self.query is not None:
            return f"({self.query})"
        return f'"{self.schema}"."{self.table}"' if self.schema else f'"{self.table}"'


@dataclass(frozen=True, kw_only=True)
class QualityPaths:
    context_root: Path  # GX's stores (suites, validation results)
    docs_dir: Path  # the Data Docs site GX renders
    seeds_dir: Path  # value sets named by suites
    history: ResultStore | None = None  # previous row counts for history: parameters


def _exception_message(result: ExpectationValidationResult) -> str | None:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "GX raised an exception")
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "GX raised an exception")
    return None


def _parameter_note(expectation: SuiteExpectation, resolved: dict[str, ResolvedParameter]) -> str:
    notes = [
        f"{key}: {resolved[value['$PARAMETER']].description}"
        for key, value in expectation.kwargs.items()
        if isinstance(value, dict) and value.get("$PARAMETER") in resolved
    ]
    return f" ({'; '.join(notes)})" if notes else ""


def _observed(result: dict[str, Any], expectation: SuiteExpectation) -> str | None:
    if expectation.type == COLUMNS_NOT_NULL:
        nulls = (result.get("details") or {}).get("mismatched") or {}
        if nulls:
            return "; ".join(f"{column}: {count}" for column, count in nulls.items())
        columns = len(result.get("observed_value") or {})
        return f"no null in {columns} columns of {result.get('element_count', 0)} rows"
    if "unexpected_count" in result:
        considered = int(result.get("element_count") or 0) - int(result.get("missing_count") or 0)
        return f"{result['unexpected_count']} unexpected of {considered} non-null values"
    details = result.get("details")
    if isinstance(details, dict) and details.get("mismatched"):
        return "; ".join(f"{k} {jsonable(v)}" for k, v in details["mismatched"].items() if v)
    observed = result.get("observed_value")
    return None if observed is None else str(jsonable(observed))


def outcome_of(
    expectation: SuiteExpectation,
    result: ExpectationValidationResult | None,
    resolved: dict[str, ResolvedParameter],
) -> ExpectationOutcome:
    """One row of dq_results from GX's result of one expectation."""
    error = "GX returned no result" if result is None else _exception_message(result)
    if error is not None or result is None:
        return ExpectationOutcome(
            expectation=expectation.label,
            severity="critical",
            success=False,
            observed_value=f"could not be evaluated (declared {expectation.severity}): {error}",
            unexpected_count=None,
            unexpected_sample=[],
            column=expectation.column,
            why=expectation.why,
        )
    outcome = result.result or {}
    unexpected = outcome.get("unexpected_count")
    if expectation.type == "unexpected_rows_expectation":
        unexpected = outcome.get("observed_value")
    reported = outcome.get("details")
    details = reported if isinstance(reported, dict) else {}
    values = outcome.get("partial_unexpected_list") or details.get("unexpected_rows") or []
    sample = [jsonable(v) for v in values][:SAMPLE_SIZE]
    observed = _observed(outcome, expectation)
    return ExpectationOutcome(
        expectation=expectation.label,
        severity=expectation.severity,
        success=bool(result.success),
        observed_value=None if observed is None else observed + _parameter_note(expectation, resolved),
        unexpected_count=None if unexpected is None else int(unexpected),
        unexpected_sample=sample,
        column=expectation.column,
        why=expectation.why,
    )


def _report(
    relation: Relation,
    result: ExpectationSuiteValidationResult | None,
    rows: int,
    run_id: str,
    resolved: dict[str, ResolvedParameter],
    validated_at: datetime,
) -> ValidationReport:
    suite = relation.suite
    by_position = (
        {}
        if result is None
        # GX returns every result with the configuration it validated.
        else {
            int(cast("ExpectationConfiguration", r.expectation_config).meta["suite_position"]): r
            for r in result.results
        }
    )
    outcomes = [outcome_of(e, by_position.get(e.position), resolved) for e in suite.expectations]
    return ValidationReport(
        run_id=run_id,
        stage=suite.stage,
        dataset=suite.dataset,
        success=not any(o.severity == "critical" and not o.success for o in outcomes),
        outcomes=outcomes,
        rows_validated=rows,
        validated_at=validated_at,
        suite_name=suite.name,
    )


def _row_counts(datasource: Any, relations: Sequence[Relation]) -> dict[str, int]:
    # Through GX's own engine: DuckDB refuses a second connection to the file with another
    # configuration in the same process.
    with datasource.get_engine().connect() as connection:
        return {
            r.suite.name: int(
                connection.execute(sa.text(f"select count(*) from {r.from_clause}")).scalar_one()
            )
            for r in relations
        }


def validate_relations(
    stage: str,
    database: Path,
    relations: Sequence[Relation],
    *,
    run_id: str,
    paths: QualityPaths,
    reference_time: datetime | None = None,
) -> list[ValidationReport]:
    """Run every relation's suite through one GX checkpoint named ``stage``; one report each
    (store them with ResultStore.append, stop the run with gate)."""
    if not relations:
        return []
    reference_time = reference_time or datetime.now(UTC)
    if reference_time.tzinfo is None:
        raise ValueError("reference_time must be timezone-aware")
    validated_at = datetime.now(UTC)
    context = open_context(paths.context_root, paths.docs_dir)
    datasource = duckdb_datasource(context, stage.replace("_", "-"), database)
    resolved_by_suite: dict[str, dict[str, ResolvedParameter]] = {}
    parameters: dict[str, Any] = {}
    validations = []
    for relation in relations:
        suite = relation.suite
        previous: Callable[[], int | None] = (
            partial(paths.history.previous_row_count, suite.stage, suite.dataset, exclude_run_id=run_id)
            if paths.history
            else (lambda: None)
        )
        resolved = resolve_parameters(
            suite.parameters,
            ParameterInputs(
                reference_time=reference_time, seeds_dir=paths.seeds_dir, previous_row_count=previous
            ),
            suite.name,
        )
        resolved_by_suite[suite.name] = resolved
        parameters.update({suite.parameter_key(name): p.value for name, p in resolved.items()})
        validations.append(
            add_validation(
                context,
                datasource,
                suite.gx_suite(),
                table=relation.table,
                schema=relation.schema,
                query=relation.query,
            )
        )
    checkpoint = stage_checkpoint(context, stage, validations, RESULT_FORMAT)
    try:
        result = checkpoint.run(
            expectation_parameters=parameters, run_id=RunIdentifier(run_name=run_id, run_time=validated_at)
        )
        rows = _row_counts(datasource, relations)
    finally:
        _release(datasource)
    by_suite = {r.suite_name: r for r in result.run_results.values()}
    return [
        _report(
            r,
            by_suite.get(r.suite.name),
            rows[r.suite.name],
            run_id,
            resolved_by_suite[r.suite.name],
            validated_at,
        )
        for r in relations
    ]


def _release(datasource: Any) -> None:
    """Close GX's connections to the DuckDB file: a pooled read-only connection would keep dbt
    (another process) from opening the file for writing, and this process from opening it
    with another configuration."""
    datasource.get_execution_engine().engine.dispose()
    datasource.get_engine().dispose()
