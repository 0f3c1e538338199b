"""Publish the warehouse for readers: a read-only serving DuckDB file, swapped in atomically,
and Parquet exports.

Readers (analysts, BI tools) open only the serving file, never the build file the pipeline
writes, so they never block it and never see half a run. The new serving file is written
under a temporary name in the same folder and renamed over the old one: a reader that already
had the old file open keeps reading the old file until it reconnects. The serving file is
written in a storage version that DuckDB 1.5 clients open, whatever DuckDB the pipeline runs.

The serving file has three schemas, named as dbt docs name them:

- ``marts``: the star schemas, created from their dbt contracts (column types, NOT NULL) with
  the keys dbt has just tested: PRIMARY KEY from a column (or a combination) tested unique
  and not null, UNIQUE for other unique columns a foreign key points at, FOREIGN KEY from
  every ``relationships`` test. BI tools read the joins from ``duckdb_constraints()``.
- ``analyst``: dbt's analyst views, recreated over ``marts`` (and the analyst tables).
- ``audit``: what the pipeline set aside and loaded (quarantine, articles_rejected, loads) and
  every expectation evaluated (dq_results).
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from drugtrade.config import Settings
from drugtrade.warehouse.exports import export_parquet
from drugtrade.warehouse.serving_relations import (
    PublishError,
    Relation,
    apply_tested_keys,
    in_dependency_order,
)
from drugtrade.warehouse.sql_quoting import quote_identifier, quote_literal

log = logging.getLogger(__name__)

SERVING_STORAGE_VERSION = "v1.5.0"
MARTS_SCHEMA = "marts"
ANALYST_SCHEMA = "analyst"
AUDIT_SCHEMA = "audit"
SERVING_SCHEMAS = (MARTS_SCHEMA, ANALYST_SCHEMA, AUDIT_SCHEMA)
# What readers put on their search path to write `from fct_seizures` (drugtrade query does).
SERVING_SEARCH_PATH = ",".join(SERVING_SCHEMAS)
# Audit tables: what was set aside, and why, and every file load; analysts reconcile the facts
# with them (published name -> build schema and relation).
AUDIT_RELATIONS = {
    "quarantine": ("staging", "stg_quarantine"),
    "articles_rejected": ("staging", "stg_articles_rejected"),
    "loads": ("staging", "stg_loads"),
}


@dataclass(frozen=True, kw_only=True)
class PublishResult:
    serving_db: Path
    exports_dir: Path
    tables: dict[str, int]  # published name -> rows (names are unique across the schemas)


def publish(settings: Settings, quality_results_glob: str | None = None) -> PublishResult:
    build = settings.build_db
    if not build.exists():
        raise FileNotFoundError(f"no build warehouse at {build}: run the transform first")
    serving = settings.serving_db
    serving.parent.mkdir(parents=True, exist_ok=True)
    temporary = serving.with_name(f".{serving.name}.{uuid.uuid4().hex}.tmp")
    tables: dict[str, int] = {}
    manifest = _read_manifest(settings)
    connection = duckdb.connect()
    try:
        connection.execute(f"attach {quote_literal(build)} as build (read_only)")
        connection.execute(
            f"attach {quote_literal(temporary)} as serving (storage_version '{SERVING_STORAGE_VERSION}')"
        )
        # Constraints and views name their relations without a catalog, so they bind to the
        # file they are in whatever a reader attaches it as.
        connection.execute("use serving")
        for schema in SERVING_SCHEMAS:
            connection.execute(f"create schema {quote_identifier(schema)}")
        relations = _relations(connection, manifest)
        for relation in in_dependency_order([r for r in relations if not r.is_view]):
            _create_table(connection, relation)
            tables[relation.name] = connection.execute(
                f"select count(*) from {relation.qualified}"
            ).fetchone()[0]
        for relation in (r for r in relations if r.is_view):
            _create_view(connection, relation, _dbt_database(manifest))
        _copy_descriptions(connection, relations)
        if quality_results_glob:
            _publish_quality_results(connection, quality_results_glob)
            tables["dq_results"] = connection.execute(
                f"select count(*) from {AUDIT_SCHEMA}.dq_results"
            ).fetchone()[0]
        connection.execute("use memory")
        connection.execute("detach serving")
        connection.execute("detach build")
    except BaseException:
        connection.close()
        temporary.unlink(missing_ok=True)
        raise
    connection.close()
    os.replace(temporary, serving)
    exports = export_parquet(settings, SERVING_SCHEMAS)
    log.info("published %d tables to %s", len(tables), serving)
    return PublishResult(serving_db=serving, exports_dir=exports, tables=tables)


def _read_manifest(settings: Settings) -> dict:
    """dbt's manifest of the build: contracts, tests (the keys) and docs of every model."""
    path = settings.warehouse_dir / "build" / "dbt-target" / "manifest.json"
    if not path.exists():
        raise PublishError(f"no dbt manifest at {path}: run the dbt build before publishing")
    return json.loads(path.read_text(encoding="utf-8"))


def _dbt_database(manifest: dict) -> str:
    return next(node["database"] for node in manifest["nodes"].values() if node["resource_type"] == "model")


def _relations(connection: duckdb.DuckDBPyConnection, manifest: dict) -> list[Relation]:
    built = connection.execute(
        "select schema_name, table_name, false from duckdb_tables() where database_name = 'build' "
        "and schema_name in ($marts, $analyst) "
        "union all select schema_name, view_name, true from duckdb_views() where database_name = 'build' "
        "and schema_name = $analyst order by 1, 2",
        {"marts": MARTS_SCHEMA, "analyst": ANALYST_SCHEMA},
    ).fetchall()
    relations = [
        Relation(build_schema=schema, build_name=name, schema=schema, name=name, is_view=is_view)
        for schema, name, is_view in built
    ]
    relations += [
        Relation(build_schema=schema, build_name=name, schema=AUDIT_SCHEMA, name=published)
        for published, (schema, name) in AUDIT_RELATIONS.items()
    ]
    apply_tested_keys(connection, relations, manifest)
    return relations


def _create_table(connection: duckdb.DuckDBPyConnection, relation: Relation) -> None:
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
    listed = ", ".join(quote_identifier(name) for name, _ in columns)
    connection.execute(f"create table {relation.qualified} (\n    " + ",\n    ".join(definitions) + "\n)")
    try:
        connection.execute(
            f"insert into {relation.qualified} ({listed}) "
            f"select {listed} from build.{quote_identifier(relation.build_schema)}.{quote_identifier(relation.build_name)}"
        )
    except duckdb.ConstraintException as error:
        raise PublishError(
            f"{relation.qualified}: the build breaks a published constraint: {error}"
        ) from error


def _create_view(connection: duckdb.DuckDBPyConnection, relation: Relation, dbt_database: str) -> None:
    (sql,) = connection.execute(
        "select sql from duckdb_views() where database_name = 'build' and schema_name = $s and view_name = $t",
        {"s": relation.build_schema, "t": relation.build_name},
    ).fetchone()
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


def _publish_quality_results(connection: duckdb.DuckDBPyConnection, results_glob: str) -> None:
    from drugtrade.quality.store import RESULTS_COLUMN_DESCRIPTIONS, RESULTS_DESCRIPTION

    table = f"{AUDIT_SCHEMA}.dq_results"
    connection.execute(
        f"create table {table} as select * from read_parquet({quote_literal(results_glob)}, union_by_name = true)"
    )
    connection.execute(f"comment on table {table} is {quote_literal(RESULTS_DESCRIPTION)}")
    present = {
        row[0]
        for row in connection.execute(
            "select column_name from duckdb_columns() where database_name = 'serving' and schema_name = $s "
            "and table_name = 'dq_results'",
            {"s": AUDIT_SCHEMA},
        ).fetchall()
    }
    for column, description in RESULTS_COLUMN_DESCRIPTIONS.items():
        if column in present:
            connection.execute(
                f"comment on column {table}.{quote_identifier(column)} is {quote_literal(description)}"
            )


def _copy_descriptions(connection: duckdb.DuckDBPyConnection, relations: list[Relation]) -> None:
    """Carry dbt's persisted docs (table and column comments) into the serving file."""
    for relation in relations:
        keyword = "view" if relation.is_view else "table"
        comment = connection.execute(
            "select comment from duckdb_tables() where database_name = 'build' and schema_name = $s and table_name = $t "
            "union all select comment from duckdb_views() where database_name = 'build' and schema_name = $s "
            "and view_name = $t",
            {"s": relation.build_schema, "t": relation.build_name},
        ).fetchone()
        if comment and comment[0]:
            connection.execute(f"comment on {keyword} {relation.qualified} is {quote_literal(comment[0])}")
        for column, column_comment in connection.execute(
            "select column_name, comment from duckdb_columns() "
            "where database_name = 'build' and schema_name = $s and table_name = $t and comment is not null",
            {"s": relation.build_schema, "t": relation.build_name},
        ).fetchall():
            connection.execute(
                f"comment on column {relation.qualified}.{quote_identifier(column)} is {quote_literal(column_comment)}"
            )
