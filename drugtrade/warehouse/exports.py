"""Parquet exports of the serving file: one file per published relation, swapped in as a set,
and the fingerprints that let a publish link an unchanged export from the last set instead of
writing it again."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

from drugtrade.config import Settings
from drugtrade.warehouse.published_state import PublishedState, link_or_copy, view_fingerprint
from drugtrade.warehouse.serving_relations import SERVING_SCHEMAS, Manifest, Relation
from drugtrade.warehouse.sql_quoting import quote_identifier, quote_literal


def export_fingerprints(
    relations: list[Relation], fingerprints: dict[str, str], manifest: Manifest
) -> dict[str, str | None]:
    """What each export holds: a table's fingerprint; for a view, its SQL and the fingerprints
    of the relations it reads (from dbt's manifest, through other views); dq_results and
    anything unknown, None (exported every time)."""
    models = {
        key.rsplit(".", 1)[1]: node for key, node in manifest["nodes"].items() if key.startswith("model.")
    }
    published = {r.build_name: r.name for r in relations}
    views = {r.name for r in relations if r.is_view}
    result: dict[str, str | None] = {}

    def of(name: str) -> str | None:
        if name in result:
            return result[name]
        if name not in views:
            result[name] = fingerprints.get(name)
            return result[name]
        result[name] = None  # a cycle proves nothing
        node = models.get(name)
        if node is None or "nodes" not in node.get("depends_on", {}):
            return None
        dependencies = [
            of(published[dependency.rsplit(".", 1)[1]])
            if dependency.startswith("model.") and dependency.rsplit(".", 1)[1] in published
            else None
            for dependency in node["depends_on"]["nodes"]
            if not dependency.startswith("macro.")
        ]
        result[name] = view_fingerprint(node.get("compiled_code") or node.get("raw_code") or "", dependencies)
        return result[name]

    for relation in relations:
        of(relation.name)
    return result


def export_parquet(
    settings: Settings, fingerprints: dict[str, str | None], previous: PublishedState | None
) -> tuple[Path, dict[str, str]]:
    """Write every published table and view as Parquet (named for the relation: names are
    unique across the schemas) into a fresh folder, then swap the folder in. A relation whose
    fingerprint is the one the current set was exported with is linked from that set, not
    written again. Returns the folder and the fingerprints of what it holds.

    ``exports`` is a symbolic link to the current set (``.exports.<id>``): the swap replaces the
    link in one rename, so a reader, or a run killed at that moment, finds the old set or the
    new one, never no folder (two renames, old aside then new in, left a gap between them)."""
    exports = settings.exports_dir
    exports.parent.mkdir(parents=True, exist_ok=True)
    staging = exports.with_name(f".{exports.name}.{uuid.uuid4().hex}")
    staging.mkdir()
    current = exports.resolve() if exports.is_symlink() else None
    reusable = (
        previous.exports
        if previous is not None and current is not None and current.name == previous.exports_set
        else {}
    )
    exported: dict[str, str] = {}
    with duckdb.connect(str(settings.serving_db), read_only=True) as connection:
        relations = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest($schemas)) order by 1, 2",
            {"schemas": list(SERVING_SCHEMAS)},
        ).fetchall()
        for schema, name in relations:
            target = staging / (name + ".parquet")
            fingerprint = fingerprints.get(name)
            if (
                fingerprint is not None
                and current is not None
                and reusable.get(name) == fingerprint
                and (current / target.name).is_file()
            ):
                link_or_copy(current / target.name, target)
            else:
                connection.execute(
                    f"copy (select * from {quote_identifier(schema)}.{quote_identifier(name)}) to {quote_literal(target)} "
                    "(format parquet, compression zstd)"
                )
            if fingerprint is not None:
                exported[name] = fingerprint
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
    return exports, exported
