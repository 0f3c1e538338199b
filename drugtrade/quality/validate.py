"""Validate a dataset delivered as batches, chunk by chunk, in bounded memory.

Each chunk (at most ``chunk_rows`` rows) is validated by GX against the suite's row, uniqueness
and schema expectations, and the per-chunk results are folded together:

* row conditions: unexpected counts add up; success is the sum judged as GX would (``mostly``
  against the total of non-null values when the expectation has it, otherwise none unexpected);
* schema and types: the dataset passes when every chunk does;
* uniqueness: GX catches duplicates within a chunk, and a DuckDB key projection over all chunks
  (drugtrade.quality.uniqueness) gives the exact count across them, which is the one reported;
* row count: GX evaluates it once, on a frame with as many (column-less) rows as were validated;
* column min/max: GX evaluates them once, on the per-chunk minima/maxima.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
import pyarrow as pa
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
    ExpectationValidationResult,
    expectationSuiteValidationResultSchema,
)
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from drugtrade.quality.frames import Batch, Chunk, iter_chunks, pandas_to_arrow
from drugtrade.quality.gx_session import GxSession
from drugtrade.quality.parameters import ParameterInputs, ResolvedParameter, resolve_parameters
from drugtrade.quality.report import SAMPLE_SIZE, ExpectationOutcome, ValidationReport
from drugtrade.quality.store import ResultStore
from drugtrade.quality.suites import POSITION_KEY, Kind, LoadedSuite, SuiteExpectation, load_suite
from drugtrade.quality.uniqueness import KeyIndex
from drugtrade.quality.values import jsonable

DEFAULT_CHUNK_ROWS = 100_000
_GX_VALUES_KEPT = 20


def _exception_message(result: ExpectationValidationResult) -> str | None:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "GX raised an exception")
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "GX raised an exception")
    return None


@dataclass
class _Folded:
    """Per-chunk GX results of one expectation, folded together."""

    expectation: SuiteExpectation
    all_succeeded: bool = True
    counted: bool = False
    element_count: int = 0
    missing_count: int = 0
    unexpected_count: int = 0
    observed: Any = None
    details: Any = None
    values: list[Any] = field(default_factory=list)
    sample: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    config: dict[str, Any] | None = None

    def add(self, result: ExpectationValidationResult, frame: pd.DataFrame, key_columns: tuple[str, ...]) -> None:
        if self.config is None:
            self.config = result.expectation_config.to_json_dict()
        error = _exception_message(result)
        if error is not None:
            absent = [c for c in self.expectation.columns if c not in frame.columns]
            if absent:
                error = f"column {absent} is not in the batch"
            self.all_succeeded = False
            if error not in self.errors:
                self.errors.append(error)
            return
        outcome = result.result or {}
        if not result.success and self.all_succeeded:
            # The first failing chunk shows what went wrong; later ones only add counts.
            self.observed = outcome.get("observed_value")
            self.details = outcome.get("details")
        elif self.all_succeeded:
            self.observed = outcome.get("observed_value", self.observed)
        self.all_succeeded = self.all_succeeded and bool(result.success)
        if "unexpected_count" in outcome:
            self.counted = True
            self.unexpected_count += int(outcome.get("unexpected_count") or 0)
            self.element_count += int(outcome.get("element_count") or 0)
            self.missing_count += int(outcome.get("missing_count") or 0)
        room = _GX_VALUES_KEPT - len(self.values)
        self.values.extend(jsonable(v) for v in (outcome.get("partial_unexpected_list") or [])[:room])
        for index in outcome.get("partial_unexpected_index_list") or []:
            if len(self.sample) >= SAMPLE_SIZE:
                break
            self.sample.append(_sample_row(frame, index, key_columns, self.expectation.columns))


def _sample_row(frame: pd.DataFrame, index: Any, key_columns: tuple[str, ...], columns: tuple[str, ...]) -> Any:
    if index not in frame.index:
        return jsonable(index)
    wanted = [c for c in dict.fromkeys((*key_columns, *columns)) if c in frame.columns]
    row = {"row": int(index)}
    row.update({c: jsonable(frame.at[index, c]) for c in wanted})
    return row


def _mostly_success(expectation: SuiteExpectation, unexpected: int, element: int, missing: int) -> bool | None:
    mostly = expectation.kwargs.get("mostly")
    if mostly is None:
        return None
    considered = element - missing
    return considered == 0 or (considered - unexpected) / considered >= float(mostly)


def _parameter_note(expectation: SuiteExpectation, resolved: dict[str, ResolvedParameter]) -> str:
    notes = [
        f"{key}: {resolved[value['$PARAMETER']].description}"
        for key, value in expectation.kwargs.items()
        if isinstance(value, dict) and value.get("$PARAMETER") in resolved
    ]
    return f" ({'; '.join(notes)})" if notes else ""


def _schema_observed(folded: _Folded) -> str | None:
    mismatched = (folded.details or {}).get("mismatched") if isinstance(folded.details, dict) else None
    if mismatched and not folded.all_succeeded:
        parts = [f"{k} {jsonable(v)}" for k, v in mismatched.items() if v]
        return "; ".join(parts)
    return None if folded.observed is None else str(jsonable(folded.observed))


@dataclass
class _Outcome:
    outcome: ExpectationOutcome
    gx_result: dict[str, Any]


def _error_outcome(expectation: SuiteExpectation, errors: list[str], config: dict[str, Any]) -> _Outcome:
    message = "; ".join(errors)
    # An expectation that could not be evaluated proves nothing, so it cannot let a run pass.
    outcome = ExpectationOutcome(
        expectation=expectation.label,
        severity="critical",
        success=False,
        observed_value=f"could not be evaluated (declared {expectation.severity}): {message}",
        unexpected_count=None,
        unexpected_sample=[],
        column=expectation.column,
        why=expectation.why,
    )
    gx_result = {
        "success": False,
        "expectation_config": config,
        "result": {},
        "exception_info": {"raised_exception": True, "exception_message": message, "exception_traceback": message},
    }
    return _Outcome(outcome, gx_result)


def _fold_to_outcome(
    folded: _Folded, resolved: dict[str, ResolvedParameter], duplicates: Any | None = None
) -> _Outcome:
    expectation = folded.expectation
    config = folded.config or _config_dict(expectation)
    if folded.errors:
        return _error_outcome(expectation, folded.errors, config)
    note = _parameter_note(expectation, resolved)
    if expectation.kind is Kind.SCHEMA:
        success = folded.all_succeeded
        observed = _schema_observed(folded)
        unexpected = folded.unexpected_count if folded.counted else None
        sample = folded.sample
        result: dict[str, Any] = {"observed_value": jsonable(folded.observed)}
        if folded.details is not None:
            result["details"] = jsonable(folded.details)
    else:
        unexpected = folded.unexpected_count
        sample = folded.sample
        values = folded.values
        if duplicates is not None:
            if duplicates.missing_columns:
                return _error_outcome(
                    expectation, [f"key columns missing from some chunks: {list(duplicates.missing_columns)}"], config
                )
            unexpected = duplicates.duplicated_rows
            sample = [jsonable(s) for s in duplicates.sample]
            values = sample
        by_mostly = _mostly_success(expectation, unexpected, folded.element_count, folded.missing_count)
        success = (unexpected == 0 and folded.all_succeeded) if by_mostly is None else by_mostly
        considered = folded.element_count - folded.missing_count
        observed = f"{unexpected} unexpected of {considered} non-null values"
        if duplicates is not None:
            observed = f"{duplicates.duplicated_keys} key values occur more than once, on {unexpected} rows"
        result = {
            "element_count": folded.element_count,
            "missing_count": folded.missing_count,
            "unexpected_count": unexpected,
            "unexpected_percent": 100.0 * unexpected / considered if considered else 0.0,
            "unexpected_percent_nonmissing": 100.0 * unexpected / considered if considered else 0.0,
            "partial_unexpected_list": values,
        }
    outcome = ExpectationOutcome(
        expectation=expectation.label,
        severity=expectation.severity,
        success=success,
        observed_value=None if observed is None else observed + note,
        unexpected_count=unexpected,
        unexpected_sample=sample[:SAMPLE_SIZE],
        column=expectation.column,
        why=expectation.why,
    )
    gx_result = {
        "success": success,
        "expectation_config": config,
        "result": result,
        "exception_info": {"raised_exception": False, "exception_message": None, "exception_traceback": None},
    }
    return _Outcome(outcome, gx_result)


def _config_dict(expectation: SuiteExpectation) -> dict[str, Any]:
    config = ExpectationConfiguration(
        type=expectation.type, kwargs=expectation.kwargs, meta=dict(expectation.configuration["meta"])
    )
    return config.to_json_dict()


def _single_outcome(
    expectation: SuiteExpectation, result: ExpectationValidationResult | None, resolved: dict[str, ResolvedParameter]
) -> _Outcome:
    """Outcome of an expectation GX evaluated once, on a frame summarising the whole dataset."""
    if result is None:
        return _error_outcome(expectation, ["GX returned no result"], _config_dict(expectation))
    config = result.expectation_config.to_json_dict()
    config.get("meta", {}).pop(POSITION_KEY, None)
    error = _exception_message(result)
    if error is not None:
        return _error_outcome(expectation, [error], config)
    observed = (result.result or {}).get("observed_value")
    outcome = ExpectationOutcome(
        expectation=expectation.label,
        severity=expectation.severity,
        success=bool(result.success),
        observed_value=f"{jsonable(observed)}{_parameter_note(expectation, resolved)}",
        unexpected_count=None,
        unexpected_sample=[],
        column=expectation.column,
        why=expectation.why,
    )
    gx_result = {
        "success": bool(result.success),
        "expectation_config": config,
        "result": jsonable(result.result or {}),
        "exception_info": {"raised_exception": False, "exception_message": None, "exception_traceback": None},
    }
    return _Outcome(outcome, gx_result)


def _by_position(result: ExpectationSuiteValidationResult) -> dict[int, ExpectationValidationResult]:
    return {int(r.expectation_config.meta[POSITION_KEY]): r for r in result.results}


def _extremes_frame(values: dict[str, list[Any]], dtypes: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(v, dtype=dtypes[c]) for c, v in values.items()})


def _key_table(chunk: Chunk, columns: set[str]) -> pa.Table | None:
    if chunk.arrow is not None:
        return chunk.arrow
    present = [c for c in chunk.frame.columns if c in columns]
    return pandas_to_arrow(chunk.frame[present])


def _no_batch_outcomes() -> list[_Outcome]:
    expectation = SuiteExpectation(
        position=-1,
        type="expect_batches_to_be_delivered",
        kwargs={},
        severity="critical",
        why="without a single batch (even an empty one with the schema) nothing about the dataset can be checked",
        kind=Kind.SCHEMA,
        columns=(),
        configuration={"type": "expect_batches_to_be_delivered", "kwargs": {}, "meta": {}},
    )
    outcome = ExpectationOutcome(
        expectation=expectation.type,
        severity="critical",
        success=False,
        observed_value="no batch was delivered and no schema was given (pass schema= or a RecordBatchReader "
        "for a dataset that may be empty)",
        unexpected_count=None,
        column=None,
        why=expectation.why,
    )
    return [_Outcome(outcome, {})]


def validate_loaded_suite(
    suite: LoadedSuite,
    batches: Iterable[Batch],
    *,
    run_id: str,
    resolved: dict[str, ResolvedParameter],
    context_root: Path | None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    schema: pa.Schema | None = None,
) -> ValidationReport:
    validated_at = datetime.now(UTC)
    if schema is None and isinstance(batches, pa.RecordBatchReader):
        schema = batches.schema
    parameters = {name: p.value for name, p in resolved.items()}
    per_chunk = suite.of_kind(Kind.ROWS, Kind.UNIQUE, Kind.SCHEMA)
    totals = suite.of_kind(Kind.TABLE_TOTAL)
    extremes = suite.of_kind(Kind.EXTREMES)
    session = GxSession(context_root)
    chunk_suite = suite.gx_suite(per_chunk, "chunk") if per_chunk else None
    folded = {e.position: _Folded(e) for e in per_chunk}
    key_columns: set[str] = set()
    maxima: dict[str, list[Any]] = {}
    minima: dict[str, list[Any]] = {}
    dtypes: dict[str, Any] = {}
    rows = 0
    chunks = 0
    with KeyIndex() as keys:
        for expectation in suite.of_kind(Kind.UNIQUE):
            skip_any = expectation.kwargs.get("ignore_row_if") == "any_value_is_missing"
            keys.track(expectation.position, expectation.columns, skip_any_null=skip_any)
            key_columns.update(expectation.columns)

        def validate_chunk(chunk: Chunk) -> None:
            if chunk_suite is not None:
                result = session.validate(chunk.frame, chunk_suite, parameters)
                for position, expectation_result in _by_position(result).items():
                    folded[position].add(expectation_result, chunk.frame, suite.key_columns)
            if key_columns:
                table = _key_table(chunk, key_columns)
                if table is not None:
                    keys.add(table)
            for expectation in extremes:
                column = expectation.kwargs["column"]
                if column not in chunk.frame.columns:
                    continue
                series = chunk.frame[column]
                dtypes[column] = series.dtype
                target = maxima if expectation.type == "expect_column_max_to_be_between" else minima
                values = target.setdefault(column, [])
                if len(series):
                    values.append(series.max() if target is maxima else series.min())

        first_empty: Chunk | None = None
        for chunk in iter_chunks(batches, chunk_rows):
            if len(chunk.frame) == 0:
                first_empty = first_empty or chunk
                continue
            validate_chunk(chunk)
            rows += len(chunk.frame)
            chunks += 1
        if chunks == 0 and first_empty is None and schema is not None:
            # Parquet and DuckDB readers yield no batch at all for an empty dataset.
            first_empty = next(iter_chunks([schema.empty_table()], chunk_rows))
        if chunks == 0 and first_empty is not None:
            # An empty dataset still shows its schema; validating it is what proves the schema.
            validate_chunk(first_empty)
            chunks = 1

        if chunks == 0:
            outcomes = _no_batch_outcomes()
        else:
            once: dict[int, ExpectationValidationResult] = {}
            if totals:
                counted = pd.DataFrame(index=pd.RangeIndex(rows))
                once.update(_by_position(session.validate(counted, suite.gx_suite(totals, "total"), parameters)))
            for chosen, values in (("expect_column_max_to_be_between", maxima), ("expect_column_min_to_be_between", minima)):
                group = [e for e in extremes if e.type == chosen]
                if group:
                    frame = _extremes_frame(values, dtypes)
                    once.update(_by_position(session.validate(frame, suite.gx_suite(group, "extremes"), parameters)))
            outcomes = []
            for expectation in suite.expectations:
                if expectation.kind in (Kind.TABLE_TOTAL, Kind.EXTREMES):
                    outcomes.append(_single_outcome(expectation, once.get(expectation.position), resolved))
                else:
                    duplicates = (
                        keys.duplicates(expectation.position, SAMPLE_SIZE) if expectation.kind is Kind.UNIQUE else None
                    )
                    outcomes.append(_fold_to_outcome(folded[expectation.position], resolved, duplicates))

    success = not any(o.outcome.severity == "critical" and not o.outcome.success for o in outcomes)
    gx_result = None
    if chunks:
        gx_result = _gx_suite_result(suite, outcomes, resolved, run_id, validated_at, rows, chunks, success)
        session.keep(suite.full_gx_suite(), expectationSuiteValidationResultSchema.load(gx_result))
    return ValidationReport(
        run_id=run_id,
        stage=suite.stage,
        dataset=suite.dataset,
        success=success,
        outcomes=[o.outcome for o in outcomes],
        rows_validated=rows,
        validated_at=validated_at,
        chunks=chunks,
        suite_name=suite.name,
        gx_result=gx_result,
    )


def _gx_suite_result(
    suite: LoadedSuite,
    outcomes: list[_Outcome],
    resolved: dict[str, ResolvedParameter],
    run_id: str,
    validated_at: datetime,
    rows: int,
    chunks: int,
    success: bool,
) -> dict[str, Any]:
    results = []
    for outcome in outcomes:
        if not outcome.gx_result:
            continue
        outcome.gx_result["expectation_config"].setdefault("meta", {}).pop(POSITION_KEY, None)
        outcome.gx_result["expectation_config"]["severity"] = outcome.outcome.severity
        results.append(outcome.gx_result)
    succeeded = sum(1 for r in results if r["success"])
    return jsonable(
        {
            "success": success,
            "suite_name": suite.name,
            "results": results,
            "suite_parameters": {name: p.value for name, p in resolved.items()},
            "statistics": {
                "evaluated_expectations": len(results),
                "successful_expectations": succeeded,
                "unsuccessful_expectations": len(results) - succeeded,
                "success_percent": 100.0 * succeeded / len(results) if results else None,
            },
            "meta": {
                "great_expectations_version": gx.__version__,
                "run_id": {"run_name": run_id, "run_time": validated_at.isoformat()},
                "validation_time": validated_at.isoformat(),
                "active_batch_definition": {
                    "datasource_name": "pandas",
                    "data_connector_name": "fluent",
                    "data_asset_name": suite.name,
                    "batch_identifiers": {"chunks": chunks},
                },
                "batch_markers": {"rows_validated": rows, "chunks": chunks},
                "batch_spec": {"data_asset_name": suite.name, "stage": suite.stage, "dataset": suite.dataset},
            },
        }
    )


def validate_batches(
    stage: str,
    dataset: str,
    batches: Iterable[Batch],
    *,
    run_id: str,
    suites_dir: Path,
    history: ResultStore | None = None,
    context_dir: Path | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    reference_time: datetime | None = None,
    seeds_dir: Path | None = None,
    schema: pa.Schema | None = None,
) -> ValidationReport:
    """Validate ``batches`` of ``stage``/``dataset`` against ``<suites_dir>/<stage>/<dataset>.json``.

    ``history`` answers the row count of the previous run (for row-count bounds); the report is
    not stored here: call ``ResultStore.append`` with it. ``context_dir`` is a run folder: the GX
    file context of this call lives in ``<context_dir>/<stage>/<dataset>`` (one folder per call,
    so parallel tasks of one run never share a context); without it the context is ephemeral.
    ``reference_time`` anchors freshness windows (default: now). ``schema`` (taken from
    ``batches`` when it is a RecordBatchReader) lets an empty dataset, for which readers yield no
    batch at all, still be validated: its columns and types are checked on an empty frame.
    """
    suite = load_suite(suites_dir, stage, dataset)
    reference_time = reference_time or datetime.now(UTC)
    if reference_time.tzinfo is None:
        raise ValueError("reference_time must be timezone-aware")
    if seeds_dir is None:
        from drugtrade.config import load_settings

        seeds_dir = load_settings().dbt_project_dir / "seeds"

    previous: Callable[[], int | None] = (
        (lambda: history.previous_row_count(stage, dataset, exclude_run_id=run_id)) if history else (lambda: None)
    )
    resolved = resolve_parameters(suite.parameters, ParameterInputs(reference_time, seeds_dir, previous), suite.name)
    return validate_loaded_suite(
        suite,
        batches,
        run_id=run_id,
        resolved=resolved,
        context_root=None if context_dir is None else Path(context_dir) / stage / dataset,
        chunk_rows=chunk_rows,
        schema=schema,
    )
