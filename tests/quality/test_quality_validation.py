"""Real GX validations (GX's SQL engine on DuckDB views over Parquet) of the raw suites on
deliberately broken batches, the stored results, the reconciliation and GX's Data Docs."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from quality_factories import GOOD_RAW, NOW, observations
from raw_views import outcome, paths, validate_raw_tables

from drugtrade.quality import (
    QualityGateError,
    ResultStore,
    build_data_docs,
    gate,
    reconciliation_relation,
    validate_summary,
)

pytestmark = pytest.mark.gx


def _replace(table: pa.Table, column: str, row: int, value) -> pa.Table:
    mask = pc.equal(pa.array(range(table.num_rows)), row)
    new = pc.if_else(mask, pa.scalar(value, table.schema.field(column).type), table.column(column))
    return table.set_column(table.schema.get_field_index(column), table.schema.field(column), new)


def test_good_batches_pass_every_raw_suite_in_one_checkpoint(tmp_path: Path, suites_dir: Path) -> None:
    reports = validate_raw_tables(tmp_path, suites_dir, {d: [make()] for d, make in GOOD_RAW.items()})
    assert set(reports) == set(GOOD_RAW)
    for report in reports.values():
        assert report.success, report.summary_text()
        assert not report.failed_warnings(), report.summary_text()
        assert not any((o.observed_value or "").startswith("could not") for o in report.outcomes)
    gate(*reports.values())


def test_a_later_run_of_the_stage_may_validate_fewer_datasets(tmp_path: Path, suites_dir: Path) -> None:
    """A daily run validates only the datasets with new files: the stage's checkpoint of the
    day before, which named the others, must not get in the way."""
    from quality_factories import loads

    validate_raw_tables(
        tmp_path, suites_dir, {"observations": [observations(5)], "loads": [loads()]}, run_id="d1"
    )
    later = validate_raw_tables(tmp_path, suites_dir, {"loads": [loads()]}, run_id="d2")
    assert set(later) == {"loads"} and later["loads"].success, later["loads"].summary_text()


def test_dropped_column_fails_the_schema_expectation(tmp_path: Path, suites_dir: Path) -> None:
    report = validate_raw_tables(
        tmp_path, suites_dir, {"observations": [observations(20).drop_columns(["value"])]}
    )["observations"]
    schema = outcome(report, "expect_table_columns_to_match_set")
    assert not schema.success and schema.severity == "critical"
    assert "missing" in schema.observed_value and "value" in schema.observed_value
    # The expectations on the missing column could not be evaluated: critical failures, not passes.
    value = outcome(report, "expect_column_values_to_be_between(value)")
    assert not value.success and value.severity == "critical" and value.observed_value.startswith("could not")
    with pytest.raises(QualityGateError) as raised:
        gate(report)
    assert "raw/observations" in str(raised.value)
    assert "expect_table_columns_to_match_set" in str(raised.value)


def test_a_wrong_column_type_fails_the_type_expectation(tmp_path: Path, suites_dir: Path) -> None:
    table = observations(5)
    as_text = table.set_column(
        table.schema.get_field_index("value"),
        pa.field("value", pa.string()),
        pc.cast(table.column("value"), pa.string()),
    )
    report = validate_raw_tables(tmp_path, suites_dir, {"observations": [as_text]})["observations"]
    typed = outcome(report, "expect_table_columns_to_have_types")
    # Only the retyped column is named, with what GX found and what the lake schema declares.
    assert not typed.success and typed.severity == "critical"
    assert typed.observed_value == "value VARCHAR, expected DOUBLE"
    assert not report.success


def test_a_null_in_required_columns_fails_and_names_each_column_with_its_count(
    tmp_path: Path, suites_dir: Path
) -> None:
    # A file from a writer that does not enforce the lake schema's non-nullable fields.
    good = observations(20)
    table = good.cast(pa.schema([field.with_nullable(True) for field in good.schema]))
    table = _replace(_replace(_replace(table, "source_id", 3, None), "unit", 5, None), "unit", 6, None)
    report = validate_raw_tables(tmp_path, suites_dir, {"observations": [table]})["observations"]
    (required,) = [o for o in report.outcomes if o.expectation.startswith("expect_columns_to_not_be_null(")]
    assert (required.success, required.severity) == (False, "critical")
    assert required.observed_value == "source_id: 1 null; unit: 2 nulls"
    assert required.unexpected_count == 3  # rows with a null in any of the columns
    assert "source_id" in required.column.split(",") and "unit" in required.column.split(",")
    with pytest.raises(QualityGateError, match="source_id: 1 null"):
        gate(report)


def test_negative_quantity_fails_the_range_expectation_with_the_value(
    tmp_path: Path, suites_dir: Path
) -> None:
    report = validate_raw_tables(
        tmp_path, suites_dir, {"observations": [_replace(observations(20), "value", 3, -5.0)]}
    )["observations"]
    found = outcome(report, "expect_column_values_to_be_between(value)")
    assert (found.success, found.severity, found.unexpected_count) == (False, "critical", 1)
    assert found.unexpected_sample == [-5.0]
    assert report.failed_critical() == [found]
    with pytest.raises(QualityGateError, match="value"):
        gate(report)


def test_unknown_iso3_code_and_a_wrong_unit_fail_their_value_sets(tmp_path: Path, suites_dir: Path) -> None:
    table = _replace(_replace(observations(20), "country", 7, "XXX"), "unit", 8, "t")
    report = validate_raw_tables(tmp_path, suites_dir, {"observations": [table]})["observations"]
    country = outcome(report, "expect_column_values_to_be_in_set(country)")
    assert not country.success and country.unexpected_count == 1 and country.unexpected_sample == ["XXX"]
    assert "pycountry:alpha_3" in country.observed_value
    # Row 8 measures seized_quantity: only the condition for that measure sees it.
    unit = outcome(report, 'expect_column_values_to_be_in_set(unit) where col("measure")=="seized_quantity"')
    assert not unit.success and unit.unexpected_count == 1 and unit.unexpected_sample == ["t"]
    events = outcome(report, 'expect_column_values_to_be_in_set(unit) where col("measure")=="seizure_events"')
    assert events.success and "0 unexpected of 10" in events.observed_value
    assert {o.expectation for o in report.failed_critical()} == {country.expectation, unit.expectation}


def test_a_key_repeated_across_files_fails_uniqueness_exactly(tmp_path: Path, suites_dir: Path) -> None:
    # Rows 0..9 and 7..16 in two Parquet files: each file is unique on its own; keys 7, 8, 9 repeat.
    report = validate_raw_tables(
        tmp_path, suites_dir, {"observations": [observations(10), observations(10, first=7)]}
    )["observations"]
    assert report.rows_validated == 20
    unique = outcome(report, "expect_column_values_to_be_unique(observation_id)")
    assert not unique.success and unique.unexpected_count == 6
    assert sorted(set(unique.unexpected_sample)) == [f"{i:016x}" for i in (7, 8, 9)]
    assert not report.success


def test_a_pattern_is_checked_by_duckdb(tmp_path: Path, suites_dir: Path) -> None:
    table = _replace(observations(6), "file_sha256", 2, "not-a-digest")
    report = validate_raw_tables(tmp_path, suites_dir, {"observations": [table]})["observations"]
    pattern = outcome(report, "unexpected_rows_expectation(file_sha256)")
    assert not pattern.success and pattern.unexpected_count == 1 and pattern.severity == "critical"


def test_halved_rows_against_the_previous_run_is_a_warning(tmp_path: Path, suites_dir: Path) -> None:
    store = ResultStore(tmp_path / "quality" / "results")
    first = validate_raw_tables(tmp_path, suites_dir, {"observations": [observations(20)]}, run_id="run-1")[
        "observations"
    ]
    assert outcome(first, "expect_table_row_count_to_be_between").success
    store.append(first)
    second = validate_raw_tables(tmp_path, suites_dir, {"observations": [observations(9)]}, run_id="run-2")[
        "observations"
    ]
    count = outcome(second, "expect_table_row_count_to_be_between")
    assert (count.success, count.severity) == (False, "warning")
    assert "previous run had 20 rows" in count.observed_value
    assert second.success and second.failed_warnings() == [count]
    gate(second)  # warnings do not stop the pipeline
    store.append(second)
    assert store.previous_row_count("raw", "observations") == 9
    assert store.previous_row_count("raw", "observations", exclude_run_id="run-2") == 20


def test_stale_retrieval_is_a_warning(tmp_path: Path, suites_dir: Path) -> None:
    stale = observations(5, retrieved_at=NOW - timedelta(days=200))
    report = validate_raw_tables(tmp_path, suites_dir, {"observations": [stale]})["observations"]
    fresh = outcome(report, "expect_column_max_to_be_between(retrieved_at)")
    assert (fresh.success, fresh.severity) == (False, "warning")
    assert report.success


def test_an_empty_file_still_proves_the_schema(tmp_path: Path, suites_dir: Path) -> None:
    empty = observations(0)
    report = validate_raw_tables(tmp_path, suites_dir, {"observations": [empty]})["observations"]
    assert report.rows_validated == 0
    assert not report.failed_critical(), report.summary_text()
    wrong = empty.drop_columns(["unit"])
    report = validate_raw_tables(tmp_path, suites_dir, {"observations": [wrong]})["observations"]
    assert not outcome(report, "expect_table_columns_to_match_set").success


def test_results_are_stored_atomically_and_readable_with_duckdb(tmp_path: Path, suites_dir: Path) -> None:
    store = ResultStore(tmp_path / "results")
    run_id = "scheduled__2026-03-01T00:00:00+00:00"
    bad = validate_raw_tables(
        tmp_path, suites_dir, {"observations": [_replace(observations(20), "value", 3, -5.0)]}, run_id=run_id
    )["observations"]
    first = store.append(bad)
    again = store.append(bad)  # a retried task replaces its own file
    assert first == again
    assert not list((tmp_path / "results").rglob("*.tmp"))
    rows = duckdb.sql(
        f"select run_id, stage, dataset, expectation, severity, success, unexpected_count, unexpected_sample, "
        f"rows_validated from read_parquet('{store.glob}') where not success"
    ).fetchall()
    assert len(rows) == 1
    stored_run, stage, dataset, expectation, severity, success, unexpected, sample, validated = rows[0]
    assert (stored_run, stage, dataset, severity, success, unexpected, validated) == (
        run_id,
        "raw",
        "observations",
        "critical",
        False,
        1,
        20,
    )
    assert expectation == "expect_column_values_to_be_between(value)"
    assert json.loads(sample) == [-5.0]
    total = duckdb.sql(f"select count(*) from read_parquet('{store.glob}')").fetchone()
    assert total == (len(bad.outcomes),)


def _counts_database(tmp_path: Path, rows: list[tuple[str, int, int, int]]) -> Path:
    database = tmp_path / "counts.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "create table counts (unit varchar, raw_rows bigint, staging_rows bigint, "
            "quarantined_rows bigint)"
        )
        connection.executemany("insert into counts values (?, ?, ?, ?)", rows)
    return database


def test_reconciliation_is_recorded_like_an_expectation(tmp_path: Path) -> None:
    relation = reconciliation_relation("select * from counts")
    good_db = _counts_database(tmp_path, [("cbp/abc", 10, 8, 2), ("unodc/def", 5, 5, 0)])
    good = validate_summary(relation, good_db, run_id="run-r", paths=paths(tmp_path))
    assert good.success and good.stage == "raw_to_staging" and good.rows_validated == 2
    bad_db = _counts_database(tmp_path, [("cbp/abc", 10, 8, 2), ("unodc/def", 5, 3, 1)])
    bad = validate_summary(relation, bad_db, run_id="run-r", paths=paths(tmp_path))
    (failed,) = bad.failed_critical()
    assert failed.unexpected_count == 1
    assert failed.unexpected_sample == ["unodc/def"]
    with pytest.raises(QualityGateError, match="unodc/def"):
        gate(bad)
    store = ResultStore(tmp_path / "results")
    store.append(bad)
    assert duckdb.sql(
        f"select count(*) from read_parquet('{store.glob}') where stage = 'raw_to_staging'"
    ).fetchone() == (2,)


def test_gx_keeps_its_results_and_renders_data_docs(tmp_path: Path, suites_dir: Path) -> None:
    docs = tmp_path / "quality" / "docs"
    results = tmp_path / "quality" / "results"
    validate_raw_tables(tmp_path, suites_dir, {"observations": [observations(10)]}, run_id="run-a")
    build_data_docs(results, docs)
    validate_raw_tables(
        tmp_path, suites_dir, {"observations": [observations(10).drop_columns(["unit"])]}, run_id="run-b"
    )
    first_page = next((docs / "validations").rglob("*.html"))
    rendered_at = first_page.stat().st_mtime_ns
    build_data_docs(results, docs)  # renders run-b's result, not run-a's again
    assert first_page.stat().st_mtime_ns == rendered_at
    gx_root = tmp_path / "quality" / "gx"
    stored = sorted(p for p in gx_root.rglob("*.json") if "validations" in p.parts)
    assert {p.relative_to(gx_root).parts[-3] for p in stored} == {"run-a", "run-b"}, stored
    pages = sorted((docs / "validations").rglob("*.html"))
    assert {p.relative_to(docs / "validations").parts[2] for p in pages} == {"run-a", "run-b"}
    failed_page = next(p for p in pages if "run-b" in p.parts).read_text()
    assert "Failed" in failed_page and "unit" in failed_page
    (docs / "index.html").unlink()
    index = build_data_docs(results, docs)  # a cleaned site is rebuilt whole
    assert index.is_file() and "raw.observations" in index.read_text()


def test_the_data_docs_index_lists_the_newest_results_only(
    tmp_path: Path, suites_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GX reads every result the index lists on each build: the index is capped, so a day's Data
    Docs do not grow with the history; older results keep their pages."""
    from drugtrade.quality import context

    monkeypatch.setattr(context, "INDEX_RESULTS", 2)
    docs = tmp_path / "quality" / "docs"
    results = tmp_path / "quality" / "results"
    for run_id in ("run-a", "run-b", "run-c"):
        validate_raw_tables(tmp_path, suites_dir, {"observations": [observations(10)]}, run_id=run_id)
        index = build_data_docs(results, docs)
    listed = index.read_text()
    assert "/run-c/" in listed and "/run-b/" in listed and "/run-a/" not in listed
    pages = {p.relative_to(docs / "validations").parts[2] for p in (docs / "validations").rglob("*.html")}
    assert pages == {"run-a", "run-b", "run-c"}


def test_data_docs_render_the_projects_own_expectations_in_a_process_that_validated_nothing(
    tmp_path: Path, suites_dir: Path
) -> None:
    """The report task renders Data Docs in its own process: GX must find the project's custom
    expectations there too, or their rows are missing from the pages (GX logs the error and
    goes on)."""
    import subprocess
    import sys

    results = tmp_path / "quality" / "results"
    docs = tmp_path / "quality" / "docs"
    validate_raw_tables(tmp_path, suites_dir, {"observations": [observations(10)]}, run_id="run-a")
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from drugtrade.quality import build_data_docs; "
            "build_data_docs(Path(sys.argv[1]), Path(sys.argv[2]))",
            str(results),
            str(docs),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "not found" not in completed.stderr, completed.stderr[-3000:]
    (page,) = (docs / "validations").rglob("*.html")
    assert "Values must never be null in" in page.read_text()
