"""Read-only queries against the serving warehouse.

Every reader of the serving file (this module's queries, Superset through its SQLAlchemy URI)
opens it with the settings of ``READ_ONLY_CONFIG``: the one place where the read path's DuckDB
configuration lives, so hardening it (e.g. switching external access off) changes every reader.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb

from drugtrade.config import load_settings
from drugtrade.warehouse.publish import SERVING_SEARCH_PATH

# DuckDB settings of every read-only connection to the serving file, as `duckdb.connect(config=)`
# takes them and as a duckdb-engine URI's query string carries them.
READ_ONLY_CONFIG: dict[str, str] = {"access_mode": "read_only"}

# Rows fetched at a time: a result is streamed, never held whole (62,553 seizure rows are fine,
# a cross join is not).
FETCH_BATCH = 2048


class QueryError(RuntimeError):
    """The warehouse is missing or DuckDB rejected a statement; the message says which."""


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    if not Path(path).exists():
        raise QueryError(f"no warehouse at {path}: run `make run` first")
    try:
        connection = duckdb.connect(str(path), config=dict(READ_ONLY_CONFIG))
        # Relations are found by name across the serving schemas: `from fct_seizures`,
        # `from seizures_kg`, `from loads` as well as `from marts.fct_seizures`. (A file with
        # only some of them, e.g. one given with --db, gets those it has, then main.)
        present = {row[0] for row in connection.execute(
            "select schema_name from duckdb_schemas() where database_name = current_database()").fetchall()}
        search_path = [schema for schema in SERVING_SEARCH_PATH.split(",") if schema in present] + ["main"]
        connection.execute(f"set search_path = '{','.join(search_path)}'")
        return connection
    except duckdb.Error as error:
        raise QueryError(f"{path}: {error}") from error


def sqlalchemy_uri(path: Path) -> str:
    """The duckdb-engine URI of the serving file with the read-only settings (for Superset)."""
    return f"duckdb:///{Path(path).resolve()}?{urlencode(READ_ONLY_CONFIG)}"


@dataclass
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


def run_query(sql: str, db: Path | None = None) -> tuple[list[str], list[tuple]]:
    """The columns and all rows of the last statement of ``sql`` (for callers that want one table)."""
    columns: list[str] = []
    rows: list[tuple] = []
    for result in run_statements(sql, db):
        columns = result.columns
        rows = [row for batch in result.batches for row in batch]
    return columns, rows


def _abbreviate(sql: str, width: int = 60) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


NUMERIC_TYPES: Sequence[str] = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
    "UHUGEINT", "FLOAT", "DOUBLE", "REAL",
)


def is_numeric_type(duckdb_type: str) -> bool:
    return duckdb_type.upper() in NUMERIC_TYPES or duckdb_type.upper().startswith("DECIMAL")
