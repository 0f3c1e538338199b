"""What the serving file and the Parquet exports hold, relation by relation, so that a daily
publish rewrites only the relations whose content changed (a day of new articles leaves the
million-row seizure facts, their keys and their exports as they were).

A relation's fingerprint is a digest of its definition (the DDL with its keys, its comments)
and of its rows (count and an order-independent sum of row hashes, computed by DuckDB). The
fingerprints of the last publish are kept in a state file beside the serving file, with the
identity (inode, size, modification time) of the serving file they describe: a serving file
replaced by anything else (a run killed between the swap and the state write, a copy put in by
hand) no longer matches, and the next publish is a full one.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import duckdb

from drugtrade import lake


@dataclass(frozen=True, kw_only=True)
class PublishedState:
    """The fingerprints of the relations in the serving file (``tables``: tables; views are
    recreated by every publish), the digests of those tables' definitions alone
    (``definitions``: a table whose definition stayed can be synced row by row), in the exports
    set ``exports_set`` (``exports``), and the quality result files dq_results holds
    (``quality_files``: path -> identity)."""

    tables: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    exports_set: str | None = None
    exports: dict[str, str] = field(default_factory=dict)
    quality_files: dict[str, str] = field(default_factory=dict)


def state_path(serving_db: Path) -> Path:
    return serving_db.with_name(f".{serving_db.name}.published.json")


def _identity(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


def read_state(serving_db: Path) -> PublishedState | None:
    """The state of the last publish, or None when there is none or it describes another
    serving file than the one in place."""
    path = state_path(serving_db)
    if not serving_db.is_file() or not path.is_file():
        return None
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if recorded.get("serving") != _identity(serving_db):
        return None
    return PublishedState(
        tables=dict(recorded.get("tables", {})),
        definitions=dict(recorded.get("definitions", {})),
        exports_set=recorded.get("exports_set"),
        exports=dict(recorded.get("exports", {})),
        quality_files=dict(recorded.get("quality_files", {})),
    )


def write_state(serving_db: Path, state: PublishedState) -> None:
    record = {
        "serving": _identity(serving_db),
        "tables": state.tables,
        "definitions": state.definitions,
        "exports_set": state.exports_set,
        "exports": state.exports,
        "quality_files": state.quality_files,
    }
    lake.atomic_write_bytes(state_path(serving_db), json.dumps(record, indent=1, sort_keys=True).encode())


def _digest(parts: Iterable[object]) -> str:
    return hashlib.sha256(json.dumps(list(parts), default=str).encode()).hexdigest()


def table_fingerprint(
    connection: duckdb.DuckDBPyConnection, source: str, columns: list[str], definition: str, comments: object
) -> str:
    """``source`` (a qualified relation) as it would be published with ``definition``."""
    listed = ", ".join(columns)
    # An aggregate without group by returns exactly one row.
    rows, row_hashes = cast(
        "tuple[int, int | None]",
        connection.execute(f"select count(*), sum(hash({listed})) from {source}").fetchone(),
    )
    return _digest([definition, comments, rows, row_hashes])


def definition_digest(definition: str, comments: object) -> str:
    """What a table's fingerprint holds besides its rows."""
    return _digest([definition, comments])


def view_fingerprint(body: str, dependencies: Iterable[str | None]) -> str | None:
    """A view's rows change only with its SQL or a relation it reads: None (always export)
    when a relation it reads has no fingerprint."""
    dependencies = list(dependencies)
    if any(d is None for d in dependencies):
        return None
    return _digest([body, *sorted(d for d in dependencies if d is not None)])


def link_or_copy(source: Path, target: Path) -> None:
    """An unchanged export goes into the new set as a hard link to the same file (no bytes
    copied); on a file system without links, as a copy."""
    try:
        os.link(source, target)
    except OSError:
        import shutil

        shutil.copyfile(source, target)


def stale_closure(changed: set[str], references: Mapping[str, set[str]]) -> set[str]:
    """``changed`` plus every table that references one of them (foreign keys, transitively):
    DuckDB drops a referenced table only after the tables whose keys point at it."""
    stale = set(changed)
    grew = True
    while grew:
        grew = False
        for table, referenced in references.items():
            if table not in stale and referenced & stale:
                stale.add(table)
                grew = True
    return stale
