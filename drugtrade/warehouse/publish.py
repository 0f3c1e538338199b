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

This module writes the serving file and swaps it in; the steps live beside it:
``serving_relations`` (what is published, with its keys), ``serving_tables`` (tables, their
fingerprints, the stale ones dropped), ``serving_views`` (the analyst views) and ``exports``
(the Parquet exports).
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import duckdb

from drugtrade.config import Settings
from drugtrade.warehouse.exports import export_fingerprints, export_parquet
from drugtrade.warehouse.published_state import PublishedState, read_state, stale_closure, write_state
from drugtrade.warehouse.quality_results import TABLE as QUALITY_RESULTS_TABLE
from drugtrade.warehouse.quality_results import publish_quality_results
from drugtrade.warehouse.serving_relations import (
    ANALYST_SCHEMA,
    AUDIT_RELATIONS,
    AUDIT_SCHEMA,
    MARTS_SCHEMA,
    SERVING_SCHEMAS,
    SERVING_SEARCH_PATH,
    PublishError,
    Relation,
    dbt_database,
    in_dependency_order,
    read_manifest,
    read_relations,
)
from drugtrade.warehouse.serving_sync import SyncFailed, SyncPlan
from drugtrade.warehouse.serving_sync import apply as apply_sync
from drugtrade.warehouse.serving_sync import plan as plan_sync
from drugtrade.warehouse.serving_tables import (
    BuildTable,
    create_table,
    describe_build_table,
    drop_stale,
    serving_fingerprint,
    table_references,
)
from drugtrade.warehouse.serving_views import create_view
from drugtrade.warehouse.sql_quoting import quote_identifier, quote_literal

# The serving layout is defined with the relations; callers import it from here, the entry point.
__all__ = [
    "ANALYST_SCHEMA",
    "AUDIT_RELATIONS",
    "AUDIT_SCHEMA",
    "MARTS_SCHEMA",
    "SERVING_SCHEMAS",
    "SERVING_SEARCH_PATH",
    "SERVING_STORAGE_VERSION",
    "PublishError",
    "PublishResult",
    "publish",
]

log = logging.getLogger(__name__)

SERVING_STORAGE_VERSION = "v1.5.0"


@dataclass(frozen=True, kw_only=True)
class PublishResult:
    serving_db: Path
    exports_dir: Path
    tables: dict[str, int]  # published name -> rows (names are unique across the schemas)
    rebuilt: tuple[str, ...] = ()  # the tables this publish wrote whole
    synced: tuple[str, ...] = ()  # the tables it brought up to date row by row (serving_sync)

    @property
    def written(self) -> tuple[str, ...]:
        """Every table whose rows this publish changed; the others were kept as they were."""
        return tuple(sorted({*self.rebuilt, *self.synced}))


def publish(
    settings: Settings, quality_results_glob: str | None = None, *, full: bool = False
) -> PublishResult:
    """Write the serving file for the build as it is now and swap it in. The new file starts as
    a copy of the one in place, and only the tables whose content or definition changed since
    the last publish are written: a table whose definition stayed is synced row by row
    (serving_sync), the others are dropped and written again with the tables whose keys
    reference them. Views are always recreated, and dq_results gets the rows of the new result
    files. ``full`` (or a serving file the state does not describe) writes every table. Either
    way readers see the old file or the new one."""
    try:
        return _publish(settings, quality_results_glob, full=full, sync=True)
    except SyncFailed as error:
        log.warning("%s; writing the changed tables whole instead", error)
        return _publish(settings, quality_results_glob, full=full, sync=False)


def _publish(
    settings: Settings, quality_results_glob: str | None, *, full: bool, sync: bool
) -> PublishResult:
    build = settings.build_db
    if not build.exists():
        raise FileNotFoundError(f"no build warehouse at {build}: run the transform first")
    serving = settings.serving_db
    serving.parent.mkdir(parents=True, exist_ok=True)
    temporary = serving.with_name(f".{serving.name}.{uuid.uuid4().hex}.tmp")
    tables: dict[str, int] = {}
    manifest = read_manifest(settings)
    previous = None if full else read_state(serving)
    connection = duckdb.connect()
    try:
        connection.execute(f"attach {quote_literal(build)} as build (read_only)")
        relations = read_relations(connection, manifest, _lake_not_null(settings))
        described = {r.name: describe_build_table(connection, r) for r in relations if not r.is_view}
        fingerprints = {name: table.fingerprint for name, table in described.items()}
        if previous is not None:
            shutil.copyfile(serving, temporary)
            connection.execute(f"attach {quote_literal(temporary)} as serving")
        else:
            connection.execute(
                f"attach {quote_literal(temporary)} as serving (storage_version '{SERVING_STORAGE_VERSION}')"
            )
        # Constraints and views name their relations without a catalog, so they bind to the
        # file they are in whatever a reader attaches it as.
        connection.execute("use serving")
        plans: list[SyncPlan] = []
        reached: set[str] = set()
        if previous is None:
            for schema in SERVING_SCHEMAS:
                connection.execute(f"create schema {quote_identifier(schema)}")
            rebuilt = {r.name for r in relations if not r.is_view}
        else:
            if sync:
                plans, reached = _plan_sync(connection, relations, described, previous)
            # dq_results is brought up to date in place when the results are published.
            rebuilt = drop_stale(
                connection,
                relations,
                fingerprints,
                previous,
                keep={QUALITY_RESULTS_TABLE} if quality_results_glob else set(),
                in_place={p.relation.name for p in plans},
                rewrite=reached,
            )
        if rebuilt & {p.relation.name for p in plans}:
            raise SyncFailed(f"planned to sync tables written whole: {sorted(rebuilt)}")
        apply_sync(connection, plans)
        _check_synced(connection, plans, described)
        synced = {p.relation.name for p in plans}
        for relation in in_dependency_order([r for r in relations if not r.is_view]):
            if relation.name in rebuilt:
                create_table(connection, relation)
            # count(*) returns exactly one row.
            tables[relation.name] = cast(
                "tuple[int]", connection.execute(f"select count(*) from {relation.qualified}").fetchone()
            )[0]
        for relation in (r for r in relations if r.is_view):
            create_view(connection, relation, dbt_database(manifest))
        _copy_descriptions(connection, [r for r in relations if r.is_view or r.name in rebuilt])
        quality_files: dict[str, str] = {}
        if quality_results_glob:
            quality_files = publish_quality_results(
                connection, quality_results_glob, (previous.quality_files or None) if previous else None
            )
            tables[QUALITY_RESULTS_TABLE] = cast(
                "tuple[int]",
                connection.execute(f"select count(*) from {AUDIT_SCHEMA}.{QUALITY_RESULTS_TABLE}").fetchone(),
            )[0]
        connection.execute("use memory")
        connection.execute("detach serving")
        connection.execute("detach build")
    except BaseException:
        connection.close()
        temporary.unlink(missing_ok=True)
        raise
    connection.close()
    os.replace(temporary, serving)
    exports, exported = export_parquet(
        settings, export_fingerprints(relations, fingerprints, manifest), previous
    )
    write_state(
        serving,
        PublishedState(
            tables=fingerprints,
            definitions={name: table.definition for name, table in described.items()},
            exports_set=exports.resolve().name,
            exports=exported,
            quality_files=quality_files,
        ),
    )
    log.info(
        "published %d tables to %s (%d written again, %d synced row by row)",
        len(tables),
        serving,
        len(rebuilt),
        len(synced),
    )
    return PublishResult(
        serving_db=serving,
        exports_dir=exports,
        tables=tables,
        rebuilt=tuple(sorted(rebuilt)),
        synced=tuple(sorted(synced)),
    )


def _plan_sync(
    connection: duckdb.DuckDBPyConnection,
    relations: list[Relation],
    described: dict[str, BuildTable],
    previous: PublishedState,
) -> tuple[list[SyncPlan], set[str]]:
    """The changed tables to sync row by row (keyed, defined as at the last publish, held in
    the copy under their schema, with few enough rows to change), with the tables their
    deletions reach, none of them referencing a table written whole; and the tables to write
    whole although unchanged (keyless, reached by a deletion)."""
    held = set(
        connection.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'serving'"
        ).fetchall()
    )
    changed = {n for n, table in described.items() if previous.tables.get(n) != table.fingerprint}
    candidates = {
        r.name
        for r in relations
        if r.name in changed
        and r.primary_key
        and previous.definitions.get(r.name) == described[r.name].definition
        and (r.schema, r.name) in held
    }
    whole = changed - candidates
    references = table_references(connection, relations)
    while True:
        written_whole = stale_closure(whole, references)
        planned = plan_sync(
            connection,
            relations,
            {name: table.columns for name, table in described.items()},
            candidates - written_whole,
            written_whole,
        )
        if not planned.rewrite:
            return planned.plans, whole - changed
        whole |= planned.rewrite


def _check_synced(
    connection: duckdb.DuckDBPyConnection, plans: list[SyncPlan], described: dict[str, BuildTable]
) -> None:
    for sync_plan in plans:
        relation = sync_plan.relation
        if (
            serving_fingerprint(connection, relation, described[relation.name])
            != described[relation.name].fingerprint
        ):
            raise SyncFailed(f"{relation.qualified}: synced row by row, its rows are not the build's")


def _lake_not_null(settings: Settings) -> dict[str, set[str]]:
    from drugtrade.quality.ownership import lake_guaranteed_not_null

    return lake_guaranteed_not_null(settings.dbt_project_dir / "models", settings.expectations_dir)


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
