"""The tables of the serving file: their CREATE TABLE from the build's columns and dbt's keys,
their fingerprints (what a publish compares to keep a table as it was), writing them, and
dropping from a copy of the last serving file the tables a publish must write again."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import duckdb

from drugtrade.warehouse.published_state import (
    PublishedState,
    definition_digest,
    stale_closure,
    table_fingerprint,
)
from drugtrade.warehouse.serving_relations import PublishError, Relation
from drugtrade.warehouse.sql_quoting import quote_identifier


def _table_definition(connection: duckdb.DuckDBPyConnection, relation: Relation) -> tuple[str, list[str]]:
    """The CREATE TABLE statement of ``relation`` in the serving file (types and NOT NULL from
    the build, keys from dbt's tests) and its column names."""
    columns = connection.execute(
        "select column_name, data_type from duckdb_columns() where database_name = 'build' "
        "and schema_name = $s and table_name = $t order by column_index",
        {"s": relation.build_schema, "t": relation.build_name},
    ).fetchall()
    if not columns:
        raise PublishError(f"build.{relation.build_schema}.{relation.build_name}: not in the build warehouse")
    definitions = [
        f"{quote_identifier(name)} {data_type}" + (" not null" if name in relation.not_null else "")
        for name, data_type in columns
    ]
    if relation.primary_key:
        definitions.append(f"primary key ({', '.join(quote_identifier(c) for c in relation.primary_key)})")
    definitions += [f"unique ({quote_identifier(c)})" for c in sorted(relation.unique)]
    definitions += [
        f"foreign key ({quote_identifier(column)}) references {quote_identifier(relation.schema)}.{quote_identifier(target)} ({quote_identifier(target_column)})"
        for column, target, target_column in relation.foreign_keys
    ]
    statement = f"create table {relation.qualified} (\n    " + ",\n    ".join(definitions) + "\n)"
    return statement, [name for name, _ in columns]


@dataclass(frozen=True, kw_only=True)
class BuildTable:
    """A table of the build as the serving file would hold it: its CREATE TABLE, comments and
    columns, the digest of those (``definition``) and its fingerprint (with its rows)."""

    statement: str
    comments: list[tuple[str, str | None]]
    columns: list[str]
    definition: str
    fingerprint: str


def describe_build_table(connection: duckdb.DuckDBPyConnection, relation: Relation) -> BuildTable:
    """``relation``'s table in the build: its serving DDL, its comments, its rows."""
    statement, columns = _table_definition(connection, relation)
    comments = connection.execute(
        "select column_name, comment from duckdb_columns() where database_name = 'build' and schema_name = $s "
        "and table_name = $t union all select '', comment from duckdb_tables() where database_name = 'build' "
        "and schema_name = $s and table_name = $t order by 1",
        {"s": relation.build_schema, "t": relation.build_name},
    ).fetchall()
    return BuildTable(
        statement=statement,
        comments=comments,
        columns=columns,
        definition=definition_digest(statement, comments),
        fingerprint=table_fingerprint(
            connection,
            f"build.{quote_identifier(relation.build_schema)}.{quote_identifier(relation.build_name)}",
            [quote_identifier(c) for c in columns],
            statement,
            comments,
        ),
    )


def serving_fingerprint(connection: duckdb.DuckDBPyConnection, relation: Relation, table: BuildTable) -> str:
    """The fingerprint of ``relation``'s table in the serving copy (the current catalog), as
    the build's is computed: equal when their rows are."""
    return table_fingerprint(
        connection,
        relation.qualified,
        [quote_identifier(c) for c in table.columns],
        table.statement,
        table.comments,
    )


def drop_stale(
    connection: duckdb.DuckDBPyConnection,
    relations: list[Relation],
    fingerprints: dict[str, str],
    previous: PublishedState,
    *,
    keep: Collection[str] = (),
    in_place: Collection[str] = (),
    rewrite: Collection[str] = (),
) -> set[str]:
    """In the copy of the last serving file: drop every view, the tables that are gone from the
    build (but those in ``keep``, such as dq_results, which the publish updates in place), and the
    tables whose fingerprint changed with every table whose keys reference one of them (in the old
    file or the new definitions). A changed table in ``in_place`` (to be synced row by row) is
    kept, unless it references a table dropped; a table in ``rewrite`` is dropped and written
    even when unchanged (a sync reaches rows of it that it cannot key). Returns the tables to
    write."""
    held = {
        name: schema
        for schema, name in connection.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'serving'"
        ).fetchall()
    }
    for schema, name in connection.execute(
        "select schema_name, view_name from duckdb_views() where database_name = 'serving' and not internal"
    ).fetchall():
        connection.execute(f"drop view {quote_identifier(schema)}.{quote_identifier(name)}")
    references = table_references(connection, relations)
    wanted = {r.name: r for r in relations if not r.is_view}
    changed = {
        name
        for name, fingerprint in fingerprints.items()
        if (previous.tables.get(name) != fingerprint and name not in in_place)
        or held.get(name) != wanted[name].schema
    }
    changed |= {name for name in held if name not in wanted and name not in keep}  # gone from the build
    changed |= {name for name in rewrite if name in wanted}
    stale = stale_closure(changed, references)
    dropped: set[str] = set()

    def drop(name: str) -> None:
        if name in dropped or name not in held:
            return
        dropped.add(name)
        for table, referenced in references.items():
            if name in referenced and table != name:
                drop(table)
        connection.execute(f"drop table {quote_identifier(held[name])}.{quote_identifier(name)}")

    for name in sorted(stale):
        drop(name)
    return {name for name in stale if name in wanted}


def table_references(connection: duckdb.DuckDBPyConnection, relations: list[Relation]) -> dict[str, set[str]]:
    """The tables each table's foreign keys point at, in the copy of the last serving file or
    in the definitions about to be written."""
    references: dict[str, set[str]] = {}
    for table, referenced in connection.execute(
        "select table_name, referenced_table from duckdb_constraints() where database_name = 'serving' "
        "and constraint_type = 'FOREIGN KEY'"
    ).fetchall():
        references.setdefault(table, set()).add(referenced)
    for relation in relations:
        references.setdefault(relation.name, set()).update(t for _, t, _ in relation.foreign_keys)
    return references


def create_table(connection: duckdb.DuckDBPyConnection, relation: Relation) -> None:
    """Create ``relation``'s table in the serving file with its keys and copy its rows from the build."""
    statement, columns = _table_definition(connection, relation)
    listed = ", ".join(quote_identifier(name) for name in columns)
    connection.execute(statement)
    try:
        connection.execute(
            f"insert into {relation.qualified} ({listed}) "
            f"select {listed} from build.{quote_identifier(relation.build_schema)}.{quote_identifier(relation.build_name)}"
        )
    except duckdb.ConstraintException as error:
        raise PublishError(
            f"{relation.qualified}: the build breaks a published constraint: {error}"
        ) from error
