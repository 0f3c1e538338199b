"""The project's one custom GX expectation, expect_table_columns_to_have_types, through GX's own
SQL engine on DuckDB: right types pass, a wrong or missing column fails and is named, and Data
Docs print it as GX prints its own."""

from __future__ import annotations

from pathlib import Path

import duckdb
import great_expectations as gx
import pytest
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from drugtrade.quality.column_types import ExpectTableColumnsToHaveTypes
from drugtrade.quality.duckdb_gx import install

pytestmark = pytest.mark.gx


def _validate(tmp_path: Path, column_types: dict[str, str]):
    install()
    database = tmp_path / "build.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "create table figures as select 'a' as label, 1::bigint as figure, now()::timestamp as at, "
            "[1, 2] as parts"
        )
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_sql(
        "build", connection_string=f"duckdb:///{database}", kwargs={"connect_args": {"read_only": True}}
    )
    batch = (
        source.add_table_asset("figures", table_name="figures")
        .add_batch_definition_whole_table("all")
        .get_batch()
    )
    suite = gx.ExpectationSuite(
        name="figures",
        expectations=[ExpectTableColumnsToHaveTypes(column_types=column_types)],
    )
    (result,) = batch.validate(suite, result_format="BASIC").results
    return result


def test_the_declared_types_pass(tmp_path: Path) -> None:
    result = _validate(
        tmp_path, {"label": "VARCHAR", "figure": "BIGINT", "at": "TIMESTAMP", "parts": "ARRAY"}
    )
    assert result.success, result
    assert result.result["observed_value"] == {
        "label": "VARCHAR",
        "figure": "BIGINT",
        "at": "TIMESTAMP",
        "parts": "ARRAY",
    }


def test_a_wrong_type_and_a_missing_column_fail_and_are_named(tmp_path: Path) -> None:
    result = _validate(tmp_path, {"label": "VARCHAR", "figure": "DOUBLE", "day": "DATE"})
    assert not result.success
    assert not result.exception_info.get("raised_exception")
    assert result.result["details"]["mismatched"] == {
        "figure": "BIGINT, expected DOUBLE",
        "day": "missing, expected DATE",
    }


def test_data_docs_print_each_column_with_its_type() -> None:
    configuration = ExpectationConfiguration(
        type="expect_table_columns_to_have_types",
        kwargs={"column_types": {"label": "VARCHAR", "figure": "BIGINT"}},
    )
    (rendered,) = ExpectTableColumnsToHaveTypes._prescriptive_renderer(configuration=configuration)
    template = rendered.string_template
    assert template["template"] == "Columns must have these types: $column_0 $type_0, $column_1 $type_1"
    assert template["params"] == {
        "column_0": "label",
        "type_0": "VARCHAR",
        "column_1": "figure",
        "type_1": "BIGINT",
    }
