"""The project's custom not-null expectation, expect_columns_to_not_be_null, through GX's own
SQL engine on DuckDB: one aggregate counts each column's nulls (reserved words as column names
included), an empty batch passes, and Data Docs print it as GX prints its own."""

from __future__ import annotations

from pathlib import Path

import duckdb
import great_expectations as gx
import pytest
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from drugtrade.quality.columns_not_null import ExpectColumnsToNotBeNull
from drugtrade.quality.duckdb_gx import install

pytestmark = pytest.mark.gx


def _validate(tmp_path: Path, rows_sql: str, columns: list[str]):
    install()
    tmp_path.mkdir(parents=True, exist_ok=True)
    database = tmp_path / "build.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(f'create table spans as select * from ({rows_sql}) as t("start", "end", label)')
    source = gx.get_context(mode="ephemeral").data_sources.add_sql(
        "build", connection_string=f"duckdb:///{database}", kwargs={"connect_args": {"read_only": True}}
    )
    batch = (
        source.add_table_asset("spans", table_name="spans")
        .add_batch_definition_whole_table("all")
        .get_batch()
    )
    suite = gx.ExpectationSuite(name="spans", expectations=[ExpectColumnsToNotBeNull(column_list=columns)])
    (result,) = batch.validate(suite, result_format="BASIC").results
    assert not result.exception_info.get("raised_exception"), result.exception_info
    return result


def test_each_columns_nulls_are_counted_in_one_aggregate(tmp_path: Path) -> None:
    rows = "values (1, 2, 'a'), (null, 3, 'b'), (null, null, 'c'), (4, 5, 'd')"
    result = _validate(tmp_path, rows, ["start", "end", "label"])
    assert not result.success
    assert result.result["observed_value"] == {"start": 2, "end": 1, "label": 0}
    assert result.result["details"]["mismatched"] == {"start": "2 nulls", "end": "1 null"}
    assert (result.result["unexpected_count"], result.result["element_count"]) == (2, 4)


def test_no_null_and_an_empty_batch_pass(tmp_path: Path) -> None:
    assert _validate(tmp_path, "values (1, 2, 'a')", ["start", "end", "label"]).success
    empty = _validate(tmp_path / "empty", "select 1, 2, 'a' where false", ["start", "label"])
    assert empty.success and empty.result["element_count"] == 0


def test_data_docs_print_the_columns() -> None:
    configuration = ExpectationConfiguration(
        type="expect_columns_to_not_be_null", kwargs={"column_list": ["start", "label"]}
    )
    (rendered,) = ExpectColumnsToNotBeNull._prescriptive_renderer(configuration=configuration)
    assert rendered.string_template["template"] == "Values must never be null in: $column_0, $column_1"
    assert rendered.string_template["params"] == {"column_0": "start", "column_1": "label"}
