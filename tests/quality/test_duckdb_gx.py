"""The three patches of drugtrade/quality/duckdb_gx.py: without them GX's SQL engine proves
nothing on DuckDB; with them a bad batch really fails, with DuckDB's exact counts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import great_expectations as gx
import pytest

from drugtrade.quality.duckdb_gx import install

BAD_BATCH = """
    create schema marts;
    create table marts.figures as
    select i as figure_id,
           case when i % 10 = 0 then null else i * 0.5 end::double as quantity_kg,
           case when i = 7 then 'lbs' else 'kg' end as unit
    from range(1000) as t(i)
"""

pytestmark = pytest.mark.gx


def _bad_batch(tmp_path: Path) -> Path:
    database = tmp_path / "build.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(BAD_BATCH)
    return database


def _results(database: Path) -> dict[str, object]:
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_sql(
        "build", connection_string=f"duckdb:///{database}", kwargs={"connect_args": {"read_only": True}}
    )
    batch = (
        source.add_table_asset("figures", table_name="figures", schema_name="marts")
        .add_batch_definition_whole_table("all")
        .get_batch()
    )
    suite = gx.ExpectationSuite(
        name="figures",
        expectations=[
            gx.expectations.ExpectColumnValuesToNotBeNull(column="quantity_kg", mostly=0.95),
            gx.expectations.ExpectColumnValuesToBeInSet(column="unit", value_set=["kg"]),
            gx.expectations.ExpectColumnValuesToBeUnique(column="figure_id"),
            gx.expectations.ExpectTableRowCountToBeBetween(min_value=1500),
            gx.expectations.ExpectColumnValuesToBeOfType(column="quantity_kg", type_="DOUBLE"),
        ],
    )
    return {r.expectation_config.type: r for r in batch.validate(suite, result_format="SUMMARY").results}


def test_without_the_patches_gx_evaluates_nothing_on_duckdb(tmp_path: Path) -> None:
    """Run in a fresh interpreter, unpatched: every expectation raises instead of counting. When
    this test fails, upstream has fixed GX or duckdb-engine and the patch can go."""
    database = _bad_batch(tmp_path)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from test_duckdb_gx import _results
        results = _results(Path({str(database)!r}))
        raised = [t for t, r in results.items() if r.exception_info and any(
            (v.get("raised_exception") if isinstance(v, dict) else False)
            for v in [r.exception_info, *r.exception_info.values()])]
        print(len(raised), len(results), any(r.success for r in results.values()))
    """)
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    raised, total, any_success = completed.stdout.split()[-3:]
    assert (raised, total, any_success) == ("5", "5", "False"), completed.stdout


def test_with_the_patches_a_bad_batch_fails_with_duckdbs_counts(tmp_path: Path) -> None:
    install()
    results = _results(_bad_batch(tmp_path))
    for result in results.values():
        assert not any(
            isinstance(v, dict) and v.get("raised_exception") for v in result.exception_info.values()
        )
    not_null = results["expect_column_values_to_not_be_null"]
    assert (not_null.success, not_null.result["unexpected_count"]) == (False, 100)  # 10% null > 5% allowed
    in_set = results["expect_column_values_to_be_in_set"]
    assert (in_set.success, in_set.result["unexpected_count"], in_set.result["partial_unexpected_list"]) == (
        False,
        1,
        ["lbs"],
    )
    unique = results["expect_column_values_to_be_unique"]
    assert (unique.success, unique.result["unexpected_count"]) == (True, 0)
    rows = results["expect_table_row_count_to_be_between"]
    assert (rows.success, rows.result["observed_value"]) == (False, 1000)
    typed = results["expect_column_values_to_be_of_type"]
    assert (typed.success, typed.result["observed_value"]) == (True, "DOUBLE")


PRIMARY_KEY_SCRIPT = """
import sys
import sqlalchemy as sa
if sys.argv[2] == "patched":
    from drugtrade.quality.duckdb_gx import install
    install()
inspector = sa.inspect(sa.create_engine(f"duckdb:///{sys.argv[1]}", connect_args={"read_only": True}))
try:
    print(inspector.get_pk_constraint("facts", schema="marts")["constrained_columns"])
except sa.exc.ProgrammingError as error:
    print(type(error.orig).__name__)
"""


def test_primary_key_reflection_needs_the_patch(tmp_path: Path) -> None:
    """GX reflects each batch's primary key; unpatched, PostgreSQL's catalogue query fails on
    DuckDB (no REGCLASS type); patched, DuckDB's own catalogue answers it."""
    database = tmp_path / "keys.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "create schema marts; create table marts.facts (source_id varchar, row_number bigint, "
            "primary key (source_id, row_number))"
        )
    answers = [
        subprocess.run(
            [sys.executable, "-c", PRIMARY_KEY_SCRIPT, str(database), mode],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout.strip()
        for mode in ("unpatched", "patched")
    ]
    assert answers == ["CatalogException", "['source_id', 'row_number']"]
