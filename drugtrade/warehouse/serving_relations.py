"""What the serving file publishes, relation by relation, read from the build and dbt's manifest:
the schemas they go to, the keys each table declares (PRIMARY KEY, UNIQUE and FOREIGN KEY from
the dbt tests that passed on the build) and the order the tables are written in."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, cast

import duckdb

from drugtrade.config import Settings
from drugtrade.errors import DrugtradeError
from drugtrade.warehouse.sql_quoting import quote_identifier

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
# dbt's manifest.json as decoded (its schema is dbt's, versioned by dbt, not ours).
Manifest = dict[str, Any]


class PublishError(DrugtradeError, RuntimeError):
    """The build cannot be published as it is; the message names the relation and why."""


@dataclass(kw_only=True)
class Relation:
    """One relation to publish: where it is in the build and where it goes in the serving file."""

    build_schema: str
    build_name: str
    schema: str
    name: str
    is_view: bool = False
    primary_key: tuple[str, ...] = ()
    unique: set[str] = field(default_factory=set)
    not_null: set[str] = field(default_factory=set)
    # (column, referenced relation name, referenced column)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def qualified(self) -> str:
        return f"{quote_identifier(self.schema)}.{quote_identifier(self.name)}"


def read_manifest(settings: Settings) -> Manifest:
    """dbt's manifest of the build: contracts, tests (the keys) and docs of every model."""
    path = settings.dbt_manifest
    if not path.exists():
        raise PublishError(f"no dbt manifest at {path}: run the dbt build before publishing")
    return cast(Manifest, json.loads(path.read_text(encoding="utf-8")))


def dbt_database(manifest: Manifest) -> str:
    """The catalog dbt built the models in (it qualifies the refs of the views it writes)."""
    return cast(
        str, next(node["database"] for node in manifest["nodes"].values() if node["resource_type"] == "model")
    )


def read_relations(
    connection: duckdb.DuckDBPyConnection,
    manifest: Manifest,
    lake_not_null: dict[str, set[str]] | None = None,
) -> list[Relation]:
    """The tables and views of the build's ``marts`` and ``analyst`` schemas (published under the
    same schema) and the audit tables, with the keys dbt tested on them. ``lake_not_null`` names
    the staging columns the raw lake's gate guarantees non-null (GX's rule, not a dbt test)."""
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
    for relation in relations:
        if relation.schema == AUDIT_SCHEMA:
            relation.not_null |= (lake_not_null or {}).get(relation.build_name, set())
    _apply_keys(connection, relations, manifest)
    return relations


def _apply_keys(connection: duckdb.DuckDBPyConnection, relations: list[Relation], manifest: Manifest) -> None:
    """Keys from what dbt tested: the tests passed before publish runs, so the data holds them."""
    by_model = {r.build_name: r for r in relations if not r.is_view}
    unique: dict[str, list[str]] = {}
    combinations: dict[str, list[list[str]]] = {}
    relationships: dict[str, list[tuple[str, str, str]]] = {}
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata")
        attached = (node.get("attached_node") or "").rsplit(".", 1)[-1]
        if node["resource_type"] != "test" or not metadata or attached not in by_model:
            continue
        # A test that only warns, or checks a subset of rows, does not make a key.
        if node["config"].get("where") or str(node["config"].get("severity", "error")).lower() != "error":
            continue
        kwargs = metadata.get("kwargs", {})
        column = node.get("column_name") or kwargs.get("column_name")
        if metadata["name"] == "not_null" and column:
            by_model[attached].not_null.add(column)
        elif metadata["name"] == "unique" and column:
            unique.setdefault(attached, []).append(column)
        elif metadata["name"] == "unique_combination":
            combinations.setdefault(attached, []).append(list(kwargs["combination"]))
        elif metadata["name"] == "relationships" and column:
            target = re.fullmatch(r"""ref\(['"]([^'"]+)['"]\)""", str(kwargs.get("to", "")).strip())
            if target:
                relationships.setdefault(attached, []).append((column, target.group(1), kwargs["field"]))
    for relation in by_model.values():
        relation.not_null |= {
            column
            for (column,) in connection.execute(
                "select unnest(constraint_column_names) from duckdb_constraints() where database_name = 'build' "
                "and schema_name = $s and table_name = $t and constraint_type = 'NOT NULL'",
                {"s": relation.build_schema, "t": relation.build_name},
            ).fetchall()
        }
        columns = [
            c
            for (c,) in connection.execute(
                "select column_name from duckdb_columns() where database_name = 'build' and schema_name = $s "
                "and table_name = $t order by column_index",
                {"s": relation.build_schema, "t": relation.build_name},
            ).fetchall()
        ]
        keys = [c for c in columns if c in unique.get(relation.build_name, []) and c in relation.not_null]
        # The surrogate key named for the table's grain (`*_key`) over a natural one.
        keys.sort(key=lambda c: (not c.endswith("_key"), columns.index(c)))
        if keys:
            relation.primary_key = (keys[0],)
        else:
            for combination in combinations.get(relation.build_name, []):
                if all(c in relation.not_null for c in combination):
                    relation.primary_key = tuple(combination)
                    break
    tested_unique = {model: set(columns) for model, columns in unique.items()}
    for model, links in relationships.items():
        published = [
            (column, by_model[target], target_column)
            for column, target, target_column in links
            if target in by_model and by_model[target].schema == by_model[model].schema
        ]
        # One join path per dimension: a link to a natural key (country_iso3 -> iso3) is left
        # out when the table also links to that dimension's primary key (country_key); every
        # key is an index the serving file stores.
        by_primary_key = {
            referenced.name
            for _, referenced, target_column in published
            if (target_column,) == referenced.primary_key
        }
        for column, referenced, target_column in published:
            if (target_column,) != referenced.primary_key:
                if referenced.name in by_primary_key or target_column not in tested_unique.get(
                    referenced.build_name, ()
                ):
                    continue  # DuckDB keys reference a primary key or a unique column only
                referenced.unique.add(target_column)
            by_model[model].foreign_keys.append((column, referenced.name, target_column))


def in_dependency_order(relations: list[Relation]) -> list[Relation]:
    """Referenced tables before the tables that reference them (rows are checked on insert)."""
    by_name = {r.name: r for r in relations}
    ordered: list[Relation] = []
    visiting: set[str] = set()

    def visit(relation: Relation) -> None:
        if relation in ordered:
            return
        if relation.name in visiting:
            raise PublishError(f"{relation.qualified}: foreign keys form a cycle")
        visiting.add(relation.name)
        for _column, target, _target_column in relation.foreign_keys:
            if target != relation.name:
                visit(by_name[target])
        visiting.discard(relation.name)
        ordered.append(relation)

    for relation in relations:
        visit(relation)
    return ordered
