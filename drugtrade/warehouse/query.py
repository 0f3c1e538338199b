"""Read-only queries against the serving warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb

from drugtrade.config import load_settings
from drugtrade.warehouse.publish import SERVING_SEARCH_PATH


class QueryError(RuntimeError):
    pass


def run_query(sql: str, db: Path | None = None) -> tuple[list[str], list[tuple]]:
    path = db or load_settings().serving_db
    if not Path(path).exists():
        raise QueryError(f"no warehouse at {path}: run `make run` first")
    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            # Relations are found by name across the serving schemas: `from fct_seizures`,
            # `from seizures_kg`, `from loads` as well as `from marts.fct_seizures`.
            connection.execute(f"set search_path = '{SERVING_SEARCH_PATH}'")
            cursor = connection.execute(sql)
            if cursor.description is None:
                return [], []
            return [d[0] for d in cursor.description], cursor.fetchall()
    except duckdb.Error as error:
        raise QueryError(str(error)) from error
