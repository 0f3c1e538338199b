"""Parquet exports of the serving file: one file per published relation, swapped in as a set."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

from drugtrade.config import Settings
from drugtrade.warehouse.sql_quoting import quote_identifier, quote_literal


def export_parquet(settings: Settings, schemas: tuple[str, ...]) -> Path:
    """Write every table and view of ``schemas`` in the serving file as Parquet (named for the relation: names are
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
            {"schemas": list(schemas)},
        ).fetchall()
        for schema, name in relations:
            connection.execute(
                f"copy (select * from {quote_identifier(schema)}.{quote_identifier(name)}) to {quote_literal(staging / (name + '.parquet'))} "
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
