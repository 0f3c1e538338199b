"""Read-only queries against the serving warehouse, through one hardened connection.

Every reader that is not the pipeline (``drugtrade query``, Superset, an analyst's notebook)
opens the serving file the same way: read-only, with DuckDB's file system access switched off
and the configuration locked. A read-only file alone still lets SQL ``COPY ... TO`` any path,
``EXPORT DATABASE``, ``read_text('/etc/passwd')``, ``glob('/root/*')``, ``ATTACH`` another file
or ``INSTALL``/``LOAD`` an extension; with ``enable_external_access = false`` DuckDB refuses all
of them, and ``lock_configuration = true`` stops a query from switching it back with ``SET``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import duckdb

from drugtrade.config import load_settings
from drugtrade.errors import DrugtradeError
from drugtrade.warehouse.publish import SERVING_SEARCH_PATH

# DuckDB settings of every reader connection. Values are strings so that the same mapping
# serves duckdb.connect(config=...) and the query string of the SQLAlchemy URI.
READ_ONLY_CONFIG: dict[str, str] = {
    "access_mode": "read_only",
    "enable_external_access": "false",
    "allow_community_extensions": "false",
    "allow_unsigned_extensions": "false",
    "autoload_known_extensions": "false",
    "autoinstall_known_extensions": "false",
    # Last: once locked, no statement of the session can change any of the above.
    "lock_configuration": "true",
}

# The query string a BI tool appends to ``duckdb:///<absolute path>``; duckdb-engine passes each
# URL parameter into duckdb.connect(config=...), so the BI connection is as locked as ours.
SERVING_URI_QUERY = urlencode(READ_ONLY_CONFIG)

# Rows fetched at a time: a result is streamed, never held whole (62,553 seizure rows are fine,
# a cross join is not).
FETCH_BATCH = 2048


class QueryError(DrugtradeError, RuntimeError):
    """The warehouse is missing or DuckDB rejected a statement; the message says which."""


def serving_sqlalchemy_uri(db: Path | None = None) -> str:
    """The SQLAlchemy URI (duckdb-engine) of the serving file for BI tools such as Superset:
    ``duckdb:////abs/path/drugtrade.duckdb?access_mode=read_only&enable_external_access=false&...``."""
    path = Path(db or load_settings().serving_db).resolve()
    return f"duckdb:///{quote(str(path))}?{SERVING_URI_QUERY}"


def connect_read_only(db: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the serving file that cannot write, attach, copy out, read other files,
    or install or load extensions. Raises QueryError when there is no serving file."""
    path = Path(db or load_settings().serving_db)
    if not path.is_file():
        raise QueryError(f"no warehouse at {path}: run `make run` first")
    try:
        # search_path is a session setting (not accepted in the connect config), so the lock is
        # applied after it: the session ends up exactly as locked as the BI URI's.
        unlocked: dict[str, str | bool | int | float | list[str]] = {
            key: value for key, value in READ_ONLY_CONFIG.items() if key != "lock_configuration"
        }
        connection = duckdb.connect(str(path), config=unlocked)
        # Relations are found by name across the serving schemas: `from fct_seizures`,
        # `from seizures_kg`, `from loads` as well as `from marts.fct_seizures`. (A file with
        # only some of them, e.g. one given with --db, gets those it has, then main.)
        present = {
            row[0]
            for row in connection.execute(
                "select schema_name from duckdb_schemas() where database_name = current_database()"
            ).fetchall()
        }
        search_path = [schema for schema in SERVING_SEARCH_PATH.split(",") if schema in present] + ["main"]
        connection.execute(f"set search_path = '{','.join(search_path)}'")
        connection.execute("set lock_configuration = true")
        return connection
    except duckdb.Error as error:
        raise QueryError(f"cannot open {path} read-only: {error}") from error


@dataclass(kw_only=True)
class StatementResult:
    """One statement's result: its SQL, column names and DuckDB types, and its rows in batches."""

    sql: str
    columns: list[str]
    types: list[str]
    batches: Iterator[list[tuple[Any, ...]]]


def _batches(connection: duckdb.DuckDBPyConnection, number: int, sql: str) -> Iterator[list[tuple[Any, ...]]]:
    try:
        while rows := connection.fetchmany(FETCH_BATCH):
            yield rows
    except duckdb.Error as error:
        raise QueryError(f"statement {number} ({_abbreviate(sql)}): {error}") from error


def run_statements(sql: str, db: Path | None = None) -> Iterator[StatementResult]:
    """Run every statement of ``sql`` in order on one read-only connection, yielding each result
    before the next statement runs; a failing statement raises QueryError naming it, and the
    statements after it are not run."""
    if not sql.strip():
        raise QueryError("no SQL given")
    path = db or load_settings().serving_db
    with connect_read_only(path) as connection:
        try:
            statements = connection.extract_statements(sql)
        except duckdb.Error as error:
            raise QueryError(str(error)) from error
        for number, statement in enumerate(statements, start=1):
            text = str(statement.query).strip()
            try:
                connection.execute(statement)
            except duckdb.Error as error:
                raise QueryError(f"statement {number} ({_abbreviate(text)}): {error}") from error
            description = connection.description or []
            yield StatementResult(
                sql=text,
                columns=[column[0] for column in description],
                types=[str(column[1]) for column in description],
                batches=_batches(connection, number, text),
            )


def run_query(sql: str, db: Path | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns and all rows of the last statement of ``sql`` (for callers that want one table)."""
    columns: list[str] = []
    rows: list[tuple[Any, ...]] = []
    for result in run_statements(sql, db):
        columns = result.columns
        rows = [row for batch in result.batches for row in batch]
    return columns, rows


def _abbreviate(sql: str, width: int = 60) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


NUMERIC_TYPES: Sequence[str] = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "REAL",
)


def is_numeric_type(duckdb_type: str) -> bool:
    return duckdb_type.upper() in NUMERIC_TYPES or duckdb_type.upper().startswith("DECIMAL")
