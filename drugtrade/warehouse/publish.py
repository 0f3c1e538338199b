"""Publish the marts for readers: a read-only serving DuckDB file, swapped in atomically, and
Parquet exports.

Readers (analysts, BI tools) open only the serving file, never the build file the pipeline
writes, so they never block it and never see half a run. The new serving file is written
under a temporary name in the same folder and renamed over the old one: a reader that already
had the old file open keeps reading the old file until it reconnects. The serving file is
written in a storage version that DuckDB 1.5 clients open, whatever DuckDB the pipeline runs.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from drugtrade.config import Settings

log = logging.getLogger(__name__)

SERVING_STORAGE_VERSION = "v1.5.0"
PUBLISHED_SCHEMAS = ("marts",)
# Audit tables beside the marts: what was set aside, and why, and every file load; analysts
# reconcile the facts with them (published name -> build schema and relation).
AUDIT_RELATIONS = {
    "quarantine": ("staging", "stg_quarantine"),
    "articles_rejected": ("staging", "stg_articles_rejected"),
    "loads": ("staging", "stg_loads"),
}


@dataclass(frozen=True)
class PublishResult:
    serving_db: Path
    exports_dir: Path
    tables: dict[str, int]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def publish(settings: Settings, quality_results_glob: str | None = None) -> PublishResult:
    build = settings.build_db
    if not build.exists():
        raise FileNotFoundError(f"no build warehouse at {build}: run the transform first")
    serving = settings.serving_db
    serving.parent.mkdir(parents=True, exist_ok=True)
    temporary = serving.with_name(f".{serving.name}.{uuid.uuid4().hex}.tmp")
    tables: dict[str, int] = {}
    connection = duckdb.connect()
    try:
        connection.execute(f"attach {_literal(build)} as build (read_only)")
        connection.execute(f"attach {_literal(temporary)} as serving (storage_version '{SERVING_STORAGE_VERSION}')")
        relations = connection.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_catalog = 'build' and table_schema in (select unnest($schemas)) "
            "order by table_schema, table_name",
            {"schemas": list(PUBLISHED_SCHEMAS)},
        ).fetchall()
        published = [(schema, name, name) for schema, name, _kind in relations]
        published += [(schema, relation, name) for name, (schema, relation) in AUDIT_RELATIONS.items()]
        for schema, relation, name in published:
            # Into the serving file's main schema: analysts write `from fct_seizures`.
            connection.execute(
                f"create table serving.main.{_quote(name)} as select * from build.{_quote(schema)}.{_quote(relation)}"
            )
            tables[name] = connection.execute(f"select count(*) from serving.main.{_quote(name)}").fetchone()[0]
        _copy_descriptions(connection, published)
        if quality_results_glob:
            _publish_quality_results(connection, quality_results_glob)
            tables["dq_results"] = connection.execute("select count(*) from serving.main.dq_results").fetchone()[0]
        connection.execute("detach serving")
        connection.execute("detach build")
    except BaseException:
        connection.close()
        temporary.unlink(missing_ok=True)
        raise
    connection.close()
    os.replace(temporary, serving)
    exports = _export_parquet(settings, list(tables))
    log.info("published %d tables to %s", len(tables), serving)
    return PublishResult(serving_db=serving, exports_dir=exports, tables=tables)


def _publish_quality_results(connection: duckdb.DuckDBPyConnection, results_glob: str) -> None:
    from drugtrade.quality.store import RESULTS_COLUMN_DESCRIPTIONS, RESULTS_DESCRIPTION

    connection.execute(
        "create table serving.main.dq_results as "
        f"select * from read_parquet({_literal(results_glob)}, union_by_name = true)"
    )
    connection.execute(f"comment on table serving.main.dq_results is {_literal(RESULTS_DESCRIPTION)}")
    present = {row[0] for row in connection.execute(
        "select column_name from duckdb_columns() where database_name = 'serving' and table_name = 'dq_results'"
    ).fetchall()}
    for column, description in RESULTS_COLUMN_DESCRIPTIONS.items():
        if column in present:
            connection.execute(f"comment on column serving.main.dq_results.{_quote(column)} is {_literal(description)}")


def _copy_descriptions(connection: duckdb.DuckDBPyConnection, relations: list[tuple[str, str, str]]) -> None:
    """Carry dbt's persisted docs (table and column comments) into the serving file."""
    for schema, relation, name in relations:
        comment = connection.execute(
            "select comment from duckdb_tables() where database_name = 'build' and schema_name = $s and table_name = $t "
            "union all select comment from duckdb_views() where database_name = 'build' and schema_name = $s "
            "and view_name = $t",
            {"s": schema, "t": relation},
        ).fetchone()
        if comment and comment[0]:
            connection.execute(f"comment on table serving.main.{_quote(name)} is {_literal(comment[0])}")
        for column, column_comment in connection.execute(
            "select column_name, comment from duckdb_columns() "
            "where database_name = 'build' and schema_name = $s and table_name = $t and comment is not null",
            {"s": schema, "t": relation},
        ).fetchall():
            connection.execute(
                f"comment on column serving.main.{_quote(name)}.{_quote(column)} is {_literal(column_comment)}"
            )


def _export_parquet(settings: Settings, tables: list[str]) -> Path:
    """Write every published table as Parquet into a fresh folder, then swap the folder in.

    ``exports`` is a symbolic link to the current set (``.exports.<id>``): the swap replaces the
    link in one rename, so a reader, or a run killed at that moment, finds the old set or the
    new one, never no folder (two renames, old aside then new in, left a gap between them)."""
    exports = settings.exports_dir
    exports.parent.mkdir(parents=True, exist_ok=True)
    staging = exports.with_name(f".{exports.name}.{uuid.uuid4().hex}")
    staging.mkdir()
    with duckdb.connect(str(settings.serving_db), read_only=True) as connection:
        for name in tables:
            connection.execute(
                f"copy (select * from {_quote(name)}) to {_literal(staging / (name + '.parquet'))} "
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


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"
