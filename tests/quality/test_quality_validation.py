"""Real GX validations of the raw suites on deliberately broken batches."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from quality_factories import GOOD_RAW, NOW, observations

from drugtrade.quality import (
    QualityGateError,
    ResultStore,
    RowCounts,
    build_data_docs,
    gate,
    reconcile,
    validate_batches,
)
from drugtrade.quality.report import ValidationReport


def _validate(suites_dir: Path, batches, *, dataset: str = "observations", **kwargs) -> ValidationReport:
    kwargs.setdefault("run_id", "test-run")
    kwargs.setdefault("reference_time", NOW)
    return validate_batches("raw", dataset, batches, suites_dir=suites_dir, **kwargs)


def _outcome(report: ValidationReport, label: str):
    matches = [o for o in report.outcomes if o.expectation == label]
    assert len(matches) == 1, f"{label} not in {[o.expectation for o in report.outcomes]}"
    return matches[0]


def _replace(table: pa.Table, column: str, row: int, value) -> pa.Table:
    mask = pc.equal(pa.array(range(table.num_rows)), row)
    new = pc.if_else(mask, pa.scalar(value, table.schema.field(column).type), table.column(column))
    return table.set_column(table.schema.get_field_index(column), table.schema.field(column), new)


@pytest.mark.parametrize("dataset", sorted(GOOD_RAW))
def test_good_batch_passes_every_raw_suite(suites_dir: Path, dataset: str) -> None:
    report = _validate(suites_dir, [GOOD_RAW[dataset]()], dataset=dataset)
    assert report.success, report.summary_text()
    assert not report.failed_warnings(), report.summary_text()
    gate(report)


def test_dropped_column_fails_the_schema_expectation(suites_dir: Path) -> None:
    report = _validate(suites_dir, [observations(20).drop_columns(["value"])])
    schema = _outcome(report, "expect_table_columns_to_match_set")
    assert not schema.success and schema.severity == "critical"
    assert "missing ['value']" in schema.observed_value
    assert not _outcome(report, "expect_column_values_to_be_between(value)").success
    with pytest.raises(QualityGateError) as raised:
        gate(report)
    assert "raw/observations" in str(raised.value)
    assert "expect_table_columns_to_match_set" in str(raised.value)


def test_negative_quantity_fails_the_range_expectation_with_the_row(suites_dir: Path) -> None:
    report = _validate(suites_dir, [_replace(observations(20), "value", 3, -5.0)])
    outcome = _outcome(report, "expect_column_values_to_be_between(value)")
    assert (outcome.success, outcome.severity, outcome.unexpected_count) == (False, "critical", 1)
    assert outcome.unexpected_sample[0]["row"] == 3
    assert outcome.unexpected_sample[0]["value"] == -5.0
    assert outcome.unexpected_sample[0]["observation_id"] == f"{3:016x}"
    assert report.failed_critical() == [outcome]
    with pytest.raises(QualityGateError, match="value"):
        gate(report)


def test_unknown_iso3_code_and_a_wrong_unit_fail_their_value_sets(suites_dir: Path) -> None:
    table = _replace(_replace(observations(20), "country", 7, "XXX"), "unit", 8, "t")
    report = _validate(suites_dir, [table])
    outcome = _outcome(report, "expect_column_values_to_be_in_set(country)")
    assert not outcome.success and outcome.unexpected_count == 1
    assert outcome.unexpected_sample[0]["country"] == "XXX"
    assert "pycountry:alpha_3" in outcome.observed_value
    unit = _outcome(report, 'expect_column_values_to_be_in_set(unit) where measure == "seized_quantity"')
    assert not unit.success and unit.unexpected_sample[0]["row"] == 8
    assert {o.expectation for o in report.failed_critical()} == {outcome.expectation, unit.expectation}


def test_duplicate_key_in_one_chunk_fails_uniqueness(suites_dir: Path) -> None:
    table = _replace(observations(20), "observation_id", 4, f"{11:016x}")
    report = _validate(suites_dir, [table])
    outcome = _outcome(report, "expect_column_values_to_be_unique(observation_id)")
    assert not outcome.success and outcome.unexpected_count == 2
    assert outcome.unexpected_sample == [{"observation_id": f"{11:016x}", "occurrences": 2}]


def test_duplicate_key_in_different_chunks_fails_uniqueness(suites_dir: Path) -> None:
    # Rows 0..9 and 7..16: each chunk of 10 is unique on its own; keys 7, 8, 9 repeat across them.
    report = _validate(suites_dir, [observations(10), observations(10, first=7)], chunk_rows=10)
    assert report.chunks == 2 and report.rows_validated == 20
    outcome = _outcome(report, "expect_column_values_to_be_unique(observation_id)")
    assert not outcome.success
    assert outcome.unexpected_count == 6
    assert [s["observation_id"] for s in outcome.unexpected_sample] == [f"{i:016x}" for i in (7, 8, 9)]
    assert not report.success


def test_chunks_split_inside_one_batch_are_folded(suites_dir: Path) -> None:
    table = _replace(_replace(observations(30), "value", 2, -1.0), "value", 25, -2.0)
    report = _validate(suites_dir, [table], chunk_rows=10)
    assert report.chunks == 3 and report.rows_validated == 30
    outcome = _outcome(report, "expect_column_values_to_be_between(value)")
    assert outcome.unexpected_count == 2
    assert [s["row"] for s in outcome.unexpected_sample] == [2, 25]
    assert _outcome(report, "expect_column_values_to_be_unique(observation_id)").success


def test_halved_rows_against_the_previous_run_is_a_warning(tmp_path: Path, suites_dir: Path) -> None:
    store = ResultStore(tmp_path / "results")
    first = _validate(suites_dir, [observations(20)], run_id="run-1", history=store)
    assert _outcome(first, "expect_table_row_count_to_be_between").success
    store.append(first)
    second = _validate(suites_dir, [observations(9)], run_id="run-2", history=store)
    count = _outcome(second, "expect_table_row_count_to_be_between")
    assert (count.success, count.severity) == (False, "warning")
    assert "previous run had 20 rows" in count.observed_value
    assert second.success and second.failed_warnings() == [count]
    gate(second)  # warnings do not stop the pipeline
    store.append(second)
    assert store.previous_row_count("raw", "observations") == 9
    assert store.previous_row_count("raw", "observations", exclude_run_id="run-2") == 20


def test_stale_retrieval_is_a_warning(suites_dir: Path) -> None:
    report = _validate(suites_dir, [observations(5, retrieved_at=NOW - timedelta(days=200))])
    fresh = _outcome(report, "expect_column_max_to_be_between(retrieved_at)")
    assert (fresh.success, fresh.severity) == (False, "warning")
    assert report.success


def test_empty_table_proves_the_schema_and_no_batch_fails(suites_dir: Path) -> None:
    empty = observations(0)
    report = _validate(suites_dir, [empty])
    assert report.rows_validated == 0 and report.chunks == 1
    assert not report.failed_critical(), report.summary_text()
    nothing = _validate(suites_dir, [])
    assert not nothing.success
    assert nothing.failed_critical()[0].expectation == "expect_batches_to_be_delivered"
    # Readers yield no batch for an empty dataset; their schema is enough to check it.
    reader = pa.RecordBatchReader.from_batches(empty.schema, iter([]))
    from_reader = _validate(suites_dir, reader)
    assert from_reader.chunks == 1 and not from_reader.failed_critical(), from_reader.summary_text()
    wrong = _validate(suites_dir, [], schema=empty.schema.remove(empty.schema.get_field_index("unit")))
    assert "missing ['unit']" in _outcome(wrong, "expect_table_columns_to_match_set").observed_value


def test_pandas_and_record_batches_validate_alike(suites_dir: Path) -> None:
    table = observations(12)
    from_batches = _validate(suites_dir, table.to_batches(max_chunksize=5))
    from_pandas = _validate(suites_dir, [table.to_pandas()])
    assert from_batches.success and from_pandas.success, from_pandas.summary_text()


def test_results_are_stored_atomically_and_readable_with_duckdb(tmp_path: Path, suites_dir: Path) -> None:
    store = ResultStore(tmp_path / "results")
    bad = _validate(suites_dir, [_replace(observations(20), "value", 3, -5.0)], run_id="scheduled__2026-03-01T00:00:00+00:00")
    first = store.append(bad)
    again = store.append(bad)  # a retried task replaces its own file
    assert first == again
    assert not list((tmp_path / "results").rglob("*.tmp"))
    rows = duckdb.sql(
        f"select run_id, stage, dataset, expectation, severity, success, unexpected_count, unexpected_sample, "
        f"rows_validated from read_parquet('{store.glob}') where not success"
    ).fetchall()
    assert len(rows) == 1
    run_id, stage, dataset, expectation, severity, success, unexpected, sample, validated = rows[0]
    assert (run_id, stage, dataset, severity, success, unexpected, validated) == (
        "scheduled__2026-03-01T00:00:00+00:00", "raw", "observations", "critical", False, 1, 20,
    )
    assert expectation == "expect_column_values_to_be_between(value)"
    assert json.loads(sample)[0]["value"] == -5.0
    total = duckdb.sql(f"select count(*) from read_parquet('{store.glob}')").fetchone()
    assert total == (len(bad.outcomes),)


def test_reconciliation_is_recorded_like_an_expectation(tmp_path: Path) -> None:
    good = reconcile("run-r", [RowCounts("cbp/abc", 10, 8, 2), RowCounts("unodc/def", 5, 5, 0)], dataset="observations")
    assert good.success and good.stage == "raw_to_staging" and good.rows_validated == 2
    bad = reconcile("run-r", [RowCounts("cbp/abc", 10, 8, 2), RowCounts("unodc/def", 5, 3, 1)], dataset="observations")
    failed = bad.failed_critical()
    assert len(failed) == 1 and failed[0].unexpected_count == 1
    assert failed[0].unexpected_sample[0]["unit"] == "unodc/def"
    with pytest.raises(QualityGateError, match="unodc/def"):
        gate(bad)
    store = ResultStore(tmp_path / "results")
    store.append(bad)
    assert duckdb.sql(f"select count(*) from read_parquet('{store.glob}') where stage = 'raw_to_staging'").fetchone() == (2,)


def test_data_docs_are_built_from_stored_results(tmp_path: Path, suites_dir: Path) -> None:
    store = ResultStore(tmp_path / "quality" / "results")
    store.append(_validate(suites_dir, [observations(10)], run_id="run-a", context_dir=tmp_path / "runs" / "run-a"))
    store.append(_validate(suites_dir, [observations(10).drop_columns(["unit"])], run_id="run-b"))
    assert (tmp_path / "runs" / "run-a" / "raw" / "observations" / "gx" / "great_expectations.yml").is_file()
    index = build_data_docs(store.path_dir, tmp_path / "quality" / "docs")
    assert index == (tmp_path / "quality" / "docs" / "index.html").resolve() and index.is_file()
    pages = sorted((tmp_path / "quality" / "docs" / "validations").rglob("*.html"))
    assert [p.relative_to(index.parent / "validations").parts[:3] for p in pages] == [
        ("raw", "observations", "run-a"),
        ("raw", "observations", "run-b"),
    ]
    failed_page = pages[1].read_text()
    assert "Failed" in failed_page and "unit" in failed_page
    store.append(reconcile("run-b", [RowCounts("f", 1, 1, 0)], dataset="observations"))
    build_data_docs(store.path_dir, tmp_path / "quality" / "docs")  # incremental: only the new result
    assert list((index.parent / "validations" / "raw_to_staging").rglob("*.html"))
