"""dbt's analyst views, recreated in the serving file over the tables published there."""

from __future__ import annotations

import re
from typing import cast

import duckdb

from drugtrade.warehouse.serving_relations import PublishError, Relation
from drugtrade.warehouse.sql_quoting import quote_identifier


def create_view(connection: duckdb.DuckDBPyConnection, relation: Relation, dbt_database: str) -> None:
    """Recreate ``relation``'s view from the SQL dbt wrote in the build, its refs made relative
    to the serving file; a view that reads a schema the serving file does not have is refused."""
    # The view was just listed from duckdb_views(), so its row is there.
    (sql,) = cast(
        "tuple[str]",
        connection.execute(
            "select sql from duckdb_views() where database_name = 'build' and schema_name = $s and view_name = $t",
            {"s": relation.build_schema, "t": relation.build_name},
        ).fetchone(),
    )
    # dbt qualifies refs with the build's catalog; in the serving file they are relative to it.
    body = re.sub(
        rf'(?<![\w."]){re.escape(quote_identifier(dbt_database))}\.|(?<![\w."]){re.escape(dbt_database)}\.',
        "",
        sql,
    )
    body = (
        re.sub(r"^\s*create\s+view\s+\S+\s+as\s+", "", body, count=1, flags=re.IGNORECASE)
        .rstrip()
        .rstrip(";")
    )
    referenced = set(re.findall(r'(?<![\w."])"?(staging|intermediate|reference)"?\."?\w', body))
    if referenced:
        raise PublishError(
            f"{relation.qualified}: reads {sorted(referenced)}, which the serving file does not have"
        )
    connection.execute(f"create view {relation.qualified} as {body}")
