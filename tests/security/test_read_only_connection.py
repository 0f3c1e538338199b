"""The reader connection (``drugtrade query`` and the BI URI) refuses every way out of the
serving file: writes, other files, copies out, extensions and configuration changes.

Each statement below worked on the plain ``read_only=True`` connection this replaced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlalchemy

from drugtrade.warehouse.query import (
    READ_ONLY_CONFIG,
    QueryError,
    connect_read_only,
    run_query,
    serving_sqlalchemy_uri,
)

# {secret}: a file beside the warehouse standing for airflow.cfg / the build database;
# {out}: a folder a reader must not be able to write into.
REFUSED = {
    "write a table": "create table stolen as select 1 as a",
    "insert": "insert into facts values (99, 'x')",
    "update": "update facts set label = 'y'",
    "drop": "drop table facts",
    "copy to a file": "copy facts to '{out}/facts.csv'",
    "copy a query to a file": "copy (select * from facts) to '{out}/facts.parquet' (format parquet)",
    "export database": "export database '{out}/dump'",
    "read any text file": "select * from read_text('{secret}')",
    "read any csv": "select * from read_csv('{secret}')",
    "read any blob": "select * from read_blob('{secret}')",
    "scan a file by name": "select * from '{secret}'",
    "list folders": "select * from glob('{out}/*')",
    "attach another file": "attach '{out}/other.duckdb' as other",
    "attach the build database": "attach '{secret}' as build (read_only)",
    "install an extension": "install httpfs",
    "load an extension": "load httpfs",
    "load an extension file": "load '{out}/evil.duckdb_extension'",
    "switch file access back on": "set enable_external_access = true",
    "unlock the configuration": "set lock_configuration = false",
    "reset the lock": "reset lock_configuration",
    "allow unsigned extensions": "set allow_unsigned_extensions = true",
    "profiling output to a file": "pragma profiling_output = '{out}/profile.txt'",
    "create a persistent secret": "create persistent secret leak (type s3, key_id 'k', secret 's')",
    "read over the network": "select * from read_csv('http://127.0.0.1:9/x.csv')",
}


@pytest.fixture()
def serving(tmp_path: Path) -> dict[str, Path]:
    db = tmp_path / "serving" / "drugtrade.duckdb"
    db.parent.mkdir()
    with duckdb.connect(str(db)) as connection:
        connection.execute("create table facts as select * from (values (1, 'a'), (2, 'b')) t(id, label)")
    secret = tmp_path / "airflow.cfg"
    secret.write_text("[core]\nfernet_key = not-for-readers\n")
    out = tmp_path / "out"
    out.mkdir()
    return {"db": db, "secret": secret, "out": out}


def _statement(template: str, serving: dict[str, Path]) -> str:
    return template.format(secret=serving["secret"], out=serving["out"])


def _assert_untouched(serving: dict[str, Path]) -> None:
    assert list(serving["out"].iterdir()) == [], "a refused statement left a file behind"
    with duckdb.connect(str(serving["db"]), read_only=True) as connection:
        assert connection.execute("select * from facts order by id").fetchall() == [(1, "a"), (2, "b")]


def test_reads_still_work(serving):
    columns, rows = run_query(
        "select label, count(*) as n from facts group by label order by label", serving["db"]
    )
    assert columns == ["label", "n"] and rows == [("a", 1), ("b", 1)]


@pytest.mark.parametrize("what", sorted(REFUSED))
def test_query_refuses(what, serving):
    with pytest.raises(QueryError):
        run_query(_statement(REFUSED[what], serving), serving["db"])
    _assert_untouched(serving)


def test_configuration_stays_locked_within_one_connection(serving):
    connection = connect_read_only(serving["db"])
    try:
        for what in ("switch file access back on", "unlock the configuration", "reset the lock"):
            with pytest.raises(duckdb.Error):
                connection.execute(_statement(REFUSED[what], serving))
        settings = dict(
            connection.execute(
                "select name, value from duckdb_settings() where name in "
                "('enable_external_access', 'lock_configuration', 'access_mode', 'autoinstall_known_extensions')"
            ).fetchall()
        )
        assert settings == {
            "enable_external_access": "false",
            "lock_configuration": "true",
            "access_mode": "read_only",
            "autoinstall_known_extensions": "false",
        }
        with pytest.raises(duckdb.Error):
            connection.execute(_statement(REFUSED["read any text file"], serving))
    finally:
        connection.close()


def test_missing_serving_file_is_a_clear_error(tmp_path):
    with pytest.raises(QueryError, match="no warehouse at"):
        run_query("select 1", tmp_path / "absent.duckdb")
    assert not (tmp_path / "absent.duckdb").exists()


def test_bi_uri_carries_the_same_locks(serving):
    uri = serving_sqlalchemy_uri(serving["db"])
    assert uri.startswith(f"duckdb:///{serving['db']}?")
    for name, value in READ_ONLY_CONFIG.items():
        assert f"{name}={value}" in uri
    engine = sqlalchemy.create_engine(uri)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("select count(*) from facts").scalar() == 2
        for what in (
            "copy to a file",
            "read any text file",
            "attach another file",
            "switch file access back on",
            "write a table",
            "install an extension",
        ):
            with engine.connect() as connection, pytest.raises(sqlalchemy.exc.DBAPIError):
                connection.exec_driver_sql(_statement(REFUSED[what], serving))
    finally:
        engine.dispose()
    _assert_untouched(serving)


def test_cli_query_refuses_copy_out(serving):
    target = serving["out"] / "facts.csv"
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "drugtrade.cli",
            "query",
            f"copy facts to '{target}'",
            "--db",
            str(serving["db"]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 1, finished.stderr
    assert "disabled by configuration" in finished.stderr
    assert not target.exists()
