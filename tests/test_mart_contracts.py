"""The marts' not-null rules are their contracts' constraints (expectations/README.md): dbt-duckdb
writes them into the tables it builds, so DuckDB refuses a null as the row is written and no
not_null test runs after the build. Checked on the bundled build file."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from pipeline_runs import BuiltWarehouse

from drugtrade.quality.ownership import dbt_rules

REPO = Path(__file__).resolve().parents[1]


def _declared_not_null() -> set[tuple[str, str]]:
    return {
        (r.relation, r.column or "")
        for r in dbt_rules(REPO / "dbt_project" / "models" / "marts")
        if r.kind == "not_null" and r.stated_as == "constraint"
    }


def test_every_declared_not_null_constraint_is_in_the_built_tables(bundled_warehouse: BuiltWarehouse) -> None:
    declared = _declared_not_null()
    assert len(declared) > 100  # the YAMLs were read
    with duckdb.connect(str(bundled_warehouse.build_db), read_only=True) as connection:
        built = {
            (table, column)
            for table, column in connection.execute(
                "select table_name, unnest(constraint_column_names) from duckdb_constraints() "
                "where schema_name = 'marts' and constraint_type = 'NOT NULL'"
            ).fetchall()
        }
    assert declared - built == set()


@pytest.mark.parametrize(("table", "column"), [("fct_seizures", "seizure_key"), ("fct_statements", "quote")])
def test_a_null_in_a_contracted_column_is_refused(
    bundled_warehouse: BuiltWarehouse, tmp_path: Path, table: str, column: str
) -> None:
    assert (table, column) in _declared_not_null()
    build = tmp_path / "build.duckdb"
    shutil.copyfile(bundled_warehouse.build_db, build)
    with duckdb.connect(str(build)) as connection:
        connection.execute(f"create temp table one_row as select * from marts.{table} limit 1")
        connection.execute(f'update one_row set "{column}" = null')
        with pytest.raises(duckdb.ConstraintException, match=f"NOT NULL constraint failed: {table}.{column}"):
            connection.execute(f"insert into marts.{table} select * from one_row")
