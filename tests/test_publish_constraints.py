"""Publication's constraints, on a small build warehouse: keys come from what dbt tested (the
manifest's unique / not_null / relationships / unique_combination tests), a build that breaks
one stops the publish with the relation named, and analyst views bind to the serving file
whatever it is opened as. The full pipeline's serving file is checked in test_end_to_end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from drugtrade.config import load_settings
from drugtrade.warehouse.publish import PublishError, publish


def _test(model: str, name: str, column: str | None = None, **kwargs) -> dict:
    return {
        "resource_type": "test",
        "attached_node": f"model.drugtrade.{model}",
        "column_name": column,
        "test_metadata": {"name": name, "kwargs": kwargs},
        "config": {"severity": "ERROR", "where": None},
    }


MANIFEST = {
    "nodes": {
        "model.drugtrade.dim_place": {"resource_type": "model", "database": "drugtrade"},
        "t1": _test("dim_place", "unique", "place_key"),
        "t2": _test("dim_place", "not_null", "place_key"),
        "t3": _test("dim_place", "unique", "iso3"),
        "t4": _test("fct_count", "unique_combination", combination=["place_key", "year"]),
        "t5": _test("fct_count", "not_null", "year"),
        "t6": _test("fct_count", "relationships", "place_key", to="ref('dim_place')", field="place_key"),
        # a second path to the same dimension, by its natural key: left out (one join path)
        "t7": _test("fct_count", "relationships", "iso3", to="ref('dim_place')", field="iso3"),
        # the only path from fct_named to dim_place is by its natural key: kept, and made UNIQUE
        "t9": _test("fct_named", "relationships", "iso3", to="ref('dim_place')", field="iso3"),
        # a test that only warns makes no key
        "t8": {**_test("fct_count", "unique", "note"), "config": {"severity": "warn", "where": None}},
    }
}


@pytest.fixture()
def settings(tmp_path):
    settings = load_settings({"DRUGTRADE_WAREHOUSE": str(tmp_path / "warehouse")})
    settings.dbt_target_dir.mkdir(parents=True)
    settings.dbt_manifest.write_text(json.dumps(MANIFEST))
    with duckdb.connect(str(settings.build_db)) as build:
        build.execute("""
            create schema marts; create schema analyst; create schema staging;
            create table marts.dim_place (place_key varchar not null, iso3 varchar, name varchar);
            insert into marts.dim_place values ('k1', 'COL', 'Colombia'), ('k2', 'PER', 'Peru');
            create table marts.fct_count (place_key varchar not null, iso3 varchar, year integer, hectares double,
                                          note varchar);
            insert into marts.fct_count values ('k1', 'COL', 2016, 146000, 'a'), ('k2', 'PER', 2016, 43900, 'a');
            create table marts.fct_named (iso3 varchar, year integer);
            insert into marts.fct_named values ('COL', 2016);
            create view analyst.hectares_ha as
                select p.name, f.year, f.hectares as cultivation_ha
                from drugtrade.marts.fct_count f join drugtrade.marts.dim_place p using (place_key);
            comment on view analyst.hectares_ha is 'Hectares by place and year.';
            create table staging.stg_quarantine (source_id varchar);
            create table staging.stg_articles_rejected (url varchar);
            create table staging.stg_loads (source_id varchar, file_sha256 varchar);
        """)
    return settings


def _keys(path: Path) -> set[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return {
            (table, kind, tuple(columns), referenced)
            for table, kind, columns, referenced in connection.execute(
                "select table_name, constraint_type, constraint_column_names, referenced_table "
                "from duckdb_constraints() where schema_name = 'marts'"
            ).fetchall()
        }


def test_keys_come_from_the_tests_dbt_ran(settings, tmp_path):
    result = publish(settings)
    assert result.tables == {
        "dim_place": 2,
        "fct_count": 2,
        "fct_named": 1,
        "quarantine": 0,
        "articles_rejected": 0,
        "loads": 0,
    }
    assert _keys(result.serving_db) == {
        ("dim_place", "PRIMARY KEY", ("place_key",), None),
        ("dim_place", "NOT NULL", ("place_key",), None),
        ("dim_place", "UNIQUE", ("iso3",), None),
        ("fct_count", "PRIMARY KEY", ("place_key", "year"), None),
        ("fct_count", "NOT NULL", ("place_key",), None),
        ("fct_count", "NOT NULL", ("year",), None),
        ("fct_count", "FOREIGN KEY", ("place_key",), "dim_place"),
        ("fct_named", "FOREIGN KEY", ("iso3",), "dim_place"),
    }
    # The analyst view reads the file it is in, under any name and on any machine.
    copy = tmp_path / "elsewhere" / "copy.duckdb"
    copy.parent.mkdir()
    shutil.copy(result.serving_db, copy)
    with duckdb.connect(str(copy), read_only=True) as connection:
        rows = connection.execute(
            "select name, cultivation_ha from analyst.hectares_ha order by 1"
        ).fetchall()
        comment = connection.execute(
            "select comment from duckdb_views() where view_name = 'hectares_ha'"
        ).fetchone()
    assert rows == [("Colombia", 146000.0), ("Peru", 43900.0)]
    assert comment == ("Hectares by place and year.",)


def test_a_build_that_breaks_a_key_publishes_nothing(settings, caplog):
    first = publish(settings)
    before = first.serving_db.stat().st_mtime_ns
    with duckdb.connect(str(settings.build_db)) as build:
        build.execute("insert into marts.fct_count values ('k9', 'BOL', 2016, 23100, 'a')")  # no place k9
    with pytest.raises(PublishError, match=r'"marts"\."fct_count".*constraint'):
        publish(settings)
    # The row-by-row sync was refused first, then the table written whole.
    assert "writing the changed tables whole instead" in caplog.text
    assert first.serving_db.stat().st_mtime_ns == before, "readers keep the last good serving file"
    assert not list(first.serving_db.parent.glob(".*.tmp")), "the half-written file is removed"


def _published(path: Path, exports: Path) -> dict[str, object]:
    """What readers of the serving file and the exports see: rows, keys, comments, views."""
    with duckdb.connect(str(path), read_only=True) as connection:
        state: dict[str, object] = {
            f"{schema}.{name}": connection.execute(
                f'select * from "{schema}"."{name}" order by all'
            ).fetchall()
            for schema, name in connection.execute(
                "select table_schema, table_name from information_schema.tables order by all"
            ).fetchall()
        }
        state["keys"] = connection.execute(
            "select table_name, constraint_type, constraint_text from duckdb_constraints() order by all"
        ).fetchall()
        state["docs"] = connection.execute(
            "select table_name, comment from duckdb_tables() union all "
            "select view_name, sql || coalesce(comment, '') from duckdb_views() where not internal order by all"
        ).fetchall()
        for export in sorted(exports.glob("*.parquet")):
            state[export.name] = connection.execute(f"select * from '{export}' order by all").fetchall()
    return state


def test_a_publish_writes_again_only_what_changed(settings):
    first = publish(settings)
    assert set(first.rebuilt) == set(first.tables)
    assert publish(settings).rebuilt == ()
    # A new fact row: that table only; the dimension and the other fact stay as they were.
    with duckdb.connect(str(settings.build_db)) as build:
        build.execute("insert into marts.fct_count values ('k2', 'PER', 2017, 40300, 'b')")
    kept_export = (settings.exports_dir / "dim_place.parquet").stat().st_ino
    second = publish(settings)
    assert (second.rebuilt, second.synced) == ((), ("fct_count",))  # its new row inserted
    assert second.tables["fct_count"] == 3
    assert (settings.exports_dir / "dim_place.parquet").stat().st_ino == kept_export, (
        "linked, not written again"
    )
    # A changed dimension row: deleted and inserted again, with the rows whose keys point at
    # it (fct_named points at Colombia only); nothing written whole.
    with duckdb.connect(str(settings.build_db)) as build:
        build.execute("update marts.dim_place set name = 'Perú' where place_key = 'k2'")
    third = publish(settings)
    assert (third.rebuilt, third.synced) == ((), ("dim_place", "fct_count"))
    incremental = _published(settings.serving_db, settings.exports_dir)
    assert ("Perú", 2017, 40300.0) in incremental["analyst.hectares_ha"]
    full = publish(settings, full=True)
    assert set(full.rebuilt) == set(full.tables)
    assert _published(settings.serving_db, settings.exports_dir) == incremental


def test_a_serving_file_the_state_does_not_describe_is_written_whole(settings):
    publish(settings)
    # Put in place by something else than publish (a restored copy): nothing in it is trusted.
    with duckdb.connect(str(settings.serving_db)) as serving:
        serving.execute("delete from marts.fct_named")
    result = publish(settings)
    assert set(result.rebuilt) == set(result.tables)
    assert result.tables["fct_named"] == 1


def test_a_sync_deletes_updates_and_inserts_rows_across_their_keys(settings):
    first = publish(settings)
    with duckdb.connect(str(settings.build_db)) as build:
        build.execute("""
            delete from marts.fct_named where iso3 = 'COL';
            delete from marts.fct_count where place_key = 'k1';
            delete from marts.dim_place where place_key = 'k1';
            insert into marts.dim_place values ('k3', 'BOL', 'Bolivia');
            insert into marts.fct_count values ('k3', 'BOL', 2016, 23100, 'c');
            update marts.fct_count set hectares = 44000 where place_key = 'k2';
        """)
    result = publish(settings)
    # fct_named has no key to match rows on: written whole.
    assert (result.rebuilt, result.synced) == (("fct_named",), ("dim_place", "fct_count"))
    assert result.tables == {**first.tables, "dim_place": 2, "fct_count": 2, "fct_named": 0}
    synced = _published(settings.serving_db, settings.exports_dir)
    assert ("Bolivia", 2016, 23100.0) in synced["analyst.hectares_ha"]
    assert ("Colombia", 2016, 146000.0) not in synced["analyst.hectares_ha"]
    keys = _keys(settings.serving_db)
    assert publish(settings, full=True).rebuilt
    assert _published(settings.serving_db, settings.exports_dir) == synced
    assert _keys(settings.serving_db) == keys, "the synced tables keep their keys"


def test_a_sync_swaps_a_unique_column_and_writes_a_keyless_table_it_reaches_whole(settings):
    publish(settings)
    # Two rows swap the values of a UNIQUE column that a foreign key of fct_named points at.
    with duckdb.connect(str(settings.build_db)) as build:
        build.execute("""
            update marts.dim_place set iso3 = case iso3 when 'COL' then 'PER' else 'COL' end;
            update marts.fct_count set iso3 = case iso3 when 'COL' then 'PER' else 'COL' end;
        """)
    result = publish(settings)
    # fct_named's row points at a deleted dimension row and has no key: written whole.
    assert (result.rebuilt, result.synced) == (("fct_named",), ("dim_place", "fct_count"))
    synced = _published(settings.serving_db, settings.exports_dir)
    publish(settings, full=True)
    assert _published(settings.serving_db, settings.exports_dir) == synced
