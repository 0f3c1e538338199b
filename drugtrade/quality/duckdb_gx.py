"""What GX 1.24's SQL engine needs to run on DuckDB (duckdb-engine 0.17, SQLAlchemy 2.1): three
small patches, installed once per process by ``install()`` before a GX context is made.

1. Buffered results. ``SqlAlchemyExecutionEngine.execute_query`` returns the cursor result
   after its ``with self.get_connection()`` block has closed the connection; duckdb-engine's
   cursor then has no rows left and every metric bundle resolves to an empty list
   ("IndexError: list index out of range" in ``resolve_metric_bundle``, so every expectation
   fails with "Observed: N/A"). Upstream: great-expectations/great_expectations#10738 ("Enable
   Duckdb sqlalchemy data source") and #11579 ("resolve_metric_bundle raises IndexError with
   duckdb-engine (empty results)"). The patch runs the same query and returns a buffered copy
   of the result (``result.freeze()()``) from inside the connection block.

2. Column reflection. duckdb-engine inherits PostgreSQL's ``get_columns``, whose catalogue
   query (pg_collation, pg_attribute.attcollation) DuckDB's pg_catalog shim cannot answer under
   SQLAlchemy 2.1, so GX falls back to a column list without types and every
   ``expect_column_values_to_be_of_type`` raises ``KeyError: 'type'``. The patch answers
   ``get_columns`` from DuckDB's own ``information_schema.columns``.

3. Primary-key reflection. GX reads each table's primary key with the column types (for every
   batch of every suite). PostgreSQL's ``get_pk_constraint`` casts to ``REGCLASS``, a type
   DuckDB does not have: the query fails (GX logs it and carries on without the key) after
   0.4 s for the first table and 5-10 ms for each one after. The patch answers it from
   ``duckdb_constraints()``.

They stay until upstream releases a fix; tests/quality/test_duckdb_gx.py fails if one stops
being needed or stops working (a bad batch must fail through GX's own SQL engine).
"""

from __future__ import annotations

import logging
import re
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

_installed = False

# DuckDB type names (information_schema.columns.data_type) -> SQLAlchemy types, so that a
# suite's ``type_`` ("VARCHAR", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP", "BOOLEAN") resolves to
# the class GX checks with isinstance.
_TYPES: dict[str, Any] = {
    "VARCHAR": sa.VARCHAR,
    "BIGINT": sa.BIGINT,
    "INTEGER": sa.INTEGER,
    "SMALLINT": sa.SMALLINT,
    "TINYINT": sa.SMALLINT,
    "HUGEINT": sa.NUMERIC,
    "DOUBLE": sa.DOUBLE,
    "FLOAT": sa.FLOAT,
    "DATE": sa.DATE,
    "BOOLEAN": sa.BOOLEAN,
    "BLOB": sa.BLOB,
    "TIME": sa.TIME,
    "UUID": sa.UUID,
    "JSON": sa.JSON,
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


def duckdb_type(name: str) -> sa.types.TypeEngine[Any]:
    """The SQLAlchemy type of a DuckDB column type name."""
    name = name.strip().upper()
    if name.endswith("[]"):
        return sa.ARRAY(duckdb_type(name[:-2]))
    if name.startswith("TIMESTAMP"):
        return sa.TIMESTAMP(timezone="WITH TIME ZONE" in name)
    if decimal := _DECIMAL.match(name):
        return sa.DECIMAL(int(decimal.group(1)), int(decimal.group(2)))
    kind = _TYPES.get(name)
    return kind() if kind is not None else sa.types.NullType()


def _get_columns(
    self: Any, connection: Connection, table_name: str, schema: str | None = None, **_: Any
) -> list[dict[str, Any]]:
    rows = connection.execute(
        sa.text(
            "select column_name, data_type, is_nullable = 'YES', column_default "
            "from information_schema.columns "
            "where table_name = :table and table_schema = coalesce(:schema, current_schema()) "
            "order by ordinal_position"
        ),
        {"table": table_name, "schema": schema},
    ).fetchall()
    if not rows:
        raise sa.exc.NoSuchTableError(f"{schema}.{table_name}" if schema else table_name)
    return [
        {"name": name, "type": duckdb_type(cast(str, kind)), "nullable": bool(nullable), "default": default}
        for name, kind, nullable, default in rows
    ]


def _get_pk_constraint(
    self: Any, connection: Connection, table_name: str, schema: str | None = None, **_: Any
) -> dict[str, Any]:
    row = connection.execute(
        sa.text(
            "select constraint_column_names from duckdb_constraints() "
            "where constraint_type = 'PRIMARY KEY' and table_name = :table "
            "and schema_name = coalesce(:schema, current_schema())"
        ),
        {"table": table_name, "schema": schema},
    ).fetchone()
    return {"constrained_columns": list(row[0]) if row else [], "name": None}


def _execute_query(self: Any, query: Any) -> Any:
    with self.get_connection() as connection:
        result = self._execute_query_with_recovery(connection, query)
        # Buffered while the connection is still open (see the module docstring).
        return result.freeze()()


def install() -> None:
    """Patch GX's SQL engine and duckdb-engine's dialect (idempotent)."""
    global _installed
    if _installed:
        return
    import duckdb_engine
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

    # Replacing the two methods is the point of this module (see its docstring).
    SqlAlchemyExecutionEngine.execute_query = _execute_query  # type: ignore[method-assign]
    duckdb_engine.Dialect.get_columns = _get_columns  # type: ignore[method-assign]
    duckdb_engine.Dialect.get_pk_constraint = _get_pk_constraint  # type: ignore[method-assign]
    # GX resolves a DuckDB type name against SQLAlchemy's own types (what the reflection above
    # returns) and says so at WARNING for every type expectation; that is the intended path here.
    logging.getLogger("great_expectations.expectations.type_comparison").setLevel(logging.ERROR)
    _installed = True
