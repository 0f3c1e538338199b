"""Read-only queries against the serving warehouse, through one hardened connection.

Every reader that is not the pipeline (``drugtrade query``, Superset, an analyst's notebook)
opens the serving file the same way: read-only, with DuckDB's file system access switched off
and the configuration locked. A read-only file alone still lets SQL ``COPY ... TO`` any path,
``EXPORT DATABASE``, ``read_text('/etc/passwd')``, ``glob('/root/*')``, ``ATTACH`` another file
or ``INSTALL``/``LOAD`` an extension; with ``enable_external_access = false`` DuckDB refuses all
of them, and ``lock_configuration = true`` stops a query from switching it back with ``SET``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

import duckdb

from drugtrade.config import load_settings
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


class QueryError(RuntimeError):
    pass


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
        unlocked = {key: value for key, value in READ_ONLY_CONFIG.items() if key != "lock_configuration"}
        connection = duckdb.connect(str(path), config=unlocked)
        # Relations are found by name across the serving schemas: `from fct_seizures`,
        # `from seizures_kg`, `from loads` as well as `from marts.fct_seizures`.
        connection.execute(f"set search_path = '{SERVING_SEARCH_PATH}'")
        connection.execute("set lock_configuration = true")
        return connection
    except duckdb.Error as error:
        raise QueryError(f"cannot open {path} read-only: {error}") from error


def run_query(sql: str, db: Path | None = None) -> tuple[list[str], list[tuple]]:
    connection = connect_read_only(db)
    try:
        cursor = connection.execute(sql)
        if cursor.description is None:
            return [], []
        return [d[0] for d in cursor.description], cursor.fetchall()
    except duckdb.Error as error:
        raise QueryError(str(error)) from error
    finally:
        connection.close()
