"""The not-null rules of the marts and of the contracted intermediate tables are their contracts'
constraints (expectations/README.md): dbt-duckdb writes them into the tables it builds, so DuckDB
refuses a null as the row is written and no not_null test runs after the build. Checked on the
bundled build file."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from pipeline_runs import BuiltWarehouse

from drugtrade.quality.ownership import dbt_rules

REPO = Path(__file__).resolve().parents[1]


def _declared_not_null(folder: str = "marts") -> set[tuple[str, str]]:
    return {
        (r.relation, r.column or "")
        for r in dbt_rules(REPO / "dbt_project" / "models" / folder)
        if r.kind == "not_null" and r.stated_as == "constraint"
    }


@pytest.mark.parametrize(("folder", "at_least"), [("marts", 100), ("intermediate", 45)])
def test_every_declared_not_null_constraint_is_in_the_built_tables(
    bundled_warehouse: BuiltWarehouse, folder: str, at_least: int
) -> None:
    declared = _declared_not_null(folder)
    assert len(declared) > at_least  # the YAMLs were read
    with duckdb.connect(str(bundled_warehouse.build_db), read_only=True) as connection:
        built = {
            (table, column)
            for table, column in connection.execute(
                "select table_name, unnest(constraint_column_names) from duckdb_constraints() "
                "where schema_name = $schema and constraint_type = 'NOT NULL'",
                {"schema": folder},
            ).fetchall()
        }
    assert declared - built == set()


@pytest.mark.parametrize(
    ("schema", "table", "column"),
    [
        ("marts", "fct_seizures", "seizure_key"),
        ("marts", "fct_statements", "quote"),
        ("intermediate", "int_seizures", "country_iso3"),
        ("intermediate", "int_observations_current", "observation_id"),
        ("intermediate", "int_production", "estimator"),
    ],
)
def test_a_null_in_a_contracted_column_is_refused(
    bundled_warehouse: BuiltWarehouse, tmp_path: Path, schema: str, table: str, column: str
) -> None:
    assert (table, column) in _declared_not_null(schema)
    build = tmp_path / "build.duckdb"
    shutil.copyfile(bundled_warehouse.build_db, build)
    with duckdb.connect(str(build)) as connection:
        connection.execute(f"create temp table one_row as select * from {schema}.{table} limit 1")
        connection.execute(f'update one_row set "{column}" = null')
        with pytest.raises(duckdb.ConstraintException, match=f"NOT NULL constraint failed: {table}.{column}"):
            connection.execute(f"insert into {schema}.{table} select * from one_row")
