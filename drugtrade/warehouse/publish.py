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

from drugtrade.errors import DrugtradeError

import json
import logging
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from drugtrade.config import Settings

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


class PublishError(DrugtradeError, RuntimeError):
    """The build cannot be published as it is; the message names the relation and why."""


@dataclass(frozen=True, kw_only=True)
class PublishResult:
    serving_db: Path
    exports_dir: Path
    tables: dict[str, int]  # published name -> rows (names are unique across the schemas)


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
        return f"{_quote(self.schema)}.{_quote(self.name)}"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


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
        connection.execute(f"attach {_literal(build)} as build (read_only)")
        connection.execute(f"attach {_literal(temporary)} as serving (storage_version '{SERVING_STORAGE_VERSION}')")
        # Constraints and views name their relations without a catalog, so they bind to the
        # file they are in whatever a reader attaches it as.
        connection.execute("use serving")
        for schema in SERVING_SCHEMAS:
            connection.execute(f"create schema {_quote(schema)}")
        relations = _relations(connection, manifest)
        for relation in _in_dependency_order([r for r in relations if not r.is_view]):
            _create_table(connection, relation)
            tables[relation.name] = connection.execute(f"select count(*) from {relation.qualified}").fetchone()[0]
        for relation in (r for r in relations if r.is_view):
            _create_view(connection, relation, _dbt_database(manifest))
        _copy_descriptions(connection, relations)
        if quality_results_glob:
            _publish_quality_results(connection, quality_results_glob)
            tables["dq_results"] = connection.execute(
                f"select count(*) from {AUDIT_SCHEMA}.dq_results").fetchone()[0]
        connection.execute("use memory")
        connection.execute("detach serving")
        connection.execute("detach build")
    except BaseException:
        connection.close()
        temporary.unlink(missing_ok=True)
        raise
    connection.close()
    os.replace(temporary, serving)
    exports = _export_parquet(settings)
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
    relations = [Relation(build_schema=schema, build_name=name, schema=schema, name=name, is_view=is_view) for schema, name, is_view in built]
    relations += [Relation(build_schema=schema, build_name=name, schema=AUDIT_SCHEMA, name=published)
                  for published, (schema, name) in AUDIT_RELATIONS.items()]
    _apply_keys(connection, relations, manifest)
    return relations


def _apply_keys(connection: duckdb.DuckDBPyConnection, relations: list[Relation], manifest: dict) -> None:
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
        relation.not_null |= {column for (column,) in connection.execute(
            "select unnest(constraint_column_names) from duckdb_constraints() where database_name = 'build' "
            "and schema_name = $s and table_name = $t and constraint_type = 'NOT NULL'",
            {"s": relation.build_schema, "t": relation.build_name}).fetchall()}
        columns = [c for (c,) in connection.execute(
            "select column_name from duckdb_columns() where database_name = 'build' and schema_name = $s "
            "and table_name = $t order by column_index", {"s": relation.build_schema, "t": relation.build_name}
        ).fetchall()]
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
        published = [(column, by_model[target], target_column) for column, target, target_column in links
                     if target in by_model and by_model[target].schema == by_model[model].schema]
        # One join path per dimension: a link to a natural key (country_iso3 -> iso3) is left
        # out when the table also links to that dimension's primary key (country_key); every
        # key is an index the serving file stores.
        by_primary_key = {referenced.name for _, referenced, target_column in published
                          if (target_column,) == referenced.primary_key}
        for column, referenced, target_column in published:
            if (target_column,) != referenced.primary_key:
                if referenced.name in by_primary_key or target_column not in tested_unique.get(referenced.build_name, ()):
                    continue  # DuckDB keys reference a primary key or a unique column only
                referenced.unique.add(target_column)
            by_model[model].foreign_keys.append((column, referenced.name, target_column))


def _in_dependency_order(relations: list[Relation]) -> list[Relation]:
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


def _create_table(connection: duckdb.DuckDBPyConnection, relation: Relation) -> None:
    columns = connection.execute(
        "select column_name, data_type from duckdb_columns() where database_name = 'build' "
        "and schema_name = $s and table_name = $t order by column_index",
        {"s": relation.build_schema, "t": relation.build_name},
    ).fetchall()
    if not columns:
        raise PublishError(f"build.{relation.build_schema}.{relation.build_name}: not in the build warehouse")
    definitions = [
        f"{_quote(name)} {data_type}" + (" not null" if name in relation.not_null else "")
        for name, data_type in columns
    ]
    if relation.primary_key:
        definitions.append(f"primary key ({', '.join(_quote(c) for c in relation.primary_key)})")
    definitions += [f"unique ({_quote(c)})" for c in sorted(relation.unique)]
    definitions += [
        f"foreign key ({_quote(column)}) references {_quote(relation.schema)}.{_quote(target)} ({_quote(target_column)})"
        for column, target, target_column in relation.foreign_keys
    ]
    listed = ", ".join(_quote(name) for name, _ in columns)
    connection.execute(f"create table {relation.qualified} (\n    " + ",\n    ".join(definitions) + "\n)")
    try:
        connection.execute(
            f"insert into {relation.qualified} ({listed}) "
            f"select {listed} from build.{_quote(relation.build_schema)}.{_quote(relation.build_name)}"
        )
    except duckdb.ConstraintException as error:
        raise PublishError(f"{relation.qualified}: the build breaks a published constraint: {error}") from error


def _create_view(connection: duckdb.DuckDBPyConnection, relation: Relation, dbt_database: str) -> None:
    (sql,) = connection.execute(
        "select sql from duckdb_views() where database_name = 'build' and schema_name = $s and view_name = $t",
        {"s": relation.build_schema, "t": relation.build_name},
    ).fetchone()
    # dbt qualifies refs with the build's catalog; in the serving file they are relative to it.
    body = re.sub(rf'(?<![\w."]){re.escape(_quote(dbt_database))}\.|(?<![\w."]){re.escape(dbt_database)}\.', "", sql)
    body = re.sub(r"^\s*create\s+view\s+\S+\s+as\s+", "", body, count=1, flags=re.IGNORECASE).rstrip().rstrip(";")
    referenced = set(re.findall(r'(?<![\w."])"?(staging|intermediate|reference)"?\."?\w', body))
    if referenced:
        raise PublishError(f"{relation.qualified}: reads {sorted(referenced)}, which the serving file does not have")
    connection.execute(f"create view {relation.qualified} as {body}")


def _publish_quality_results(connection: duckdb.DuckDBPyConnection, results_glob: str) -> None:
    from drugtrade.quality.store import RESULTS_COLUMN_DESCRIPTIONS, RESULTS_DESCRIPTION

    table = f"{AUDIT_SCHEMA}.dq_results"
    connection.execute(f"create table {table} as select * from read_parquet({_literal(results_glob)}, union_by_name = true)")
    connection.execute(f"comment on table {table} is {_literal(RESULTS_DESCRIPTION)}")
    present = {row[0] for row in connection.execute(
        "select column_name from duckdb_columns() where database_name = 'serving' and schema_name = $s "
        "and table_name = 'dq_results'", {"s": AUDIT_SCHEMA}
    ).fetchall()}
    for column, description in RESULTS_COLUMN_DESCRIPTIONS.items():
        if column in present:
            connection.execute(f"comment on column {table}.{_quote(column)} is {_literal(description)}")


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
            connection.execute(f"comment on {keyword} {relation.qualified} is {_literal(comment[0])}")
        for column, column_comment in connection.execute(
            "select column_name, comment from duckdb_columns() "
            "where database_name = 'build' and schema_name = $s and table_name = $t and comment is not null",
            {"s": relation.build_schema, "t": relation.build_name},
        ).fetchall():
            connection.execute(
                f"comment on column {relation.qualified}.{_quote(column)} is {_literal(column_comment)}"
            )


def _export_parquet(settings: Settings) -> Path:
    """Write every published table and view as Parquet (named for the relation: names are
    unique across the schemas) into a fresh folder, then swap the folder in.

    ``exports`` is a symbolic link to the current set (``.exports.<id>``): the swap replaces the
    link in one rename, so a reader, or a run killed at that moment, finds the old set or the
    new one, never no folder (two renames, old aside then new in, left a gap between them)."""
    exports = settings.exports_dir
    exports.parent.mkdir(parents=True, exist_ok=True)
    staging = exports.with_name(f".{exports.name}.{uuid.uuid4().hex}")
    staging.mkdir()
    with duckdb.connect(str(settings.serving_db), read_only=True) as connection:
        relations = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest($schemas)) order by 1, 2",
            {"schemas": list(SERVING_SCHEMAS)},
        ).fetchall()
        for schema, name in relations:
            connection.execute(
                f"copy (select * from {_quote(schema)}.{_quote(name)}) to {_literal(staging / (name + '.parquet'))} "
                "(format parquet, compression zstd)"
            )
    link = exports.with_name(f"{staging.name}.link")
    os.symlink(staging.name, link)
    if exports.exists() and not exports.is_symlink():
        # A real folder from before exports were links: moved aside once, the only gap.
        os.replace(exports, exports.with_name(f".{exports.name}.{uuid.uuid4().hex}.old"))
    os.replace(link, exports)
    # Earlier sets, and what a run killed before its swap left behind.
    for stale in exports.parent.glob(f".{exports.name}.*"):
        if stale.name != staging.name:
            if stale.is_symlink() or stale.is_file():
                stale.unlink(missing_ok=True)
            else:
                shutil.rmtree(stale, ignore_errors=True)
    return exports
