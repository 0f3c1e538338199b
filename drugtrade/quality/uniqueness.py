"""Exact uniqueness across chunks.

GX sees one chunk at a time, so a key repeated in two chunks passes every per-chunk check. The
key columns of every chunk are therefore appended to a DuckDB table (the key projection only, not
the rows), and one GROUP BY at the end counts every row whose key occurs more than once. This is
exact (no hash collisions to argue about) and bounded: DuckDB keeps the keys within its memory
limit and spills to a temporary folder beyond it. 1,000,000 hex keys take a few tens of MB.

Rows are skipped as GX skips them: a single-column key ignores nulls; a compound key ignores rows
whose key columns are all null (or any null with ``ignore_row_if: any_value_is_missing``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa


@dataclass(frozen=True)
class DuplicateSummary:
    duplicated_rows: int  # rows whose key occurs more than once (GX counts all of them)
    duplicated_keys: int
    sample: list[dict[str, Any]]  # up to `limit` keys with their number of occurrences
    missing_columns: tuple[str, ...]  # key columns some chunk did not have (the check is then void)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class KeyIndex:
    """One DuckDB table of key values per uniqueness expectation, for one validation call."""

    def __init__(self, memory_limit: str = "256MB") -> None:
        self._spill = tempfile.TemporaryDirectory(prefix="drugtrade-keys-")
        self._connection = duckdb.connect(
            ":memory:",
            config={"memory_limit": memory_limit, "temp_directory": self._spill.name, "threads": 1},
        )
        self._keys: dict[int, tuple[tuple[str, ...], bool]] = {}
        self._missing: dict[int, set[str]] = {}

    def track(self, position: int, columns: tuple[str, ...], skip_any_null: bool = False) -> None:
        self._keys[position] = (columns, skip_any_null)
        self._missing[position] = set()

    def add(self, chunk: pa.Table) -> None:
        for position, (columns, skip_any_null) in self._keys.items():
            absent = [c for c in columns if c not in chunk.column_names]
            if absent:
                self._missing[position].update(absent)
                continue
            self._connection.register("keys", chunk.select(list(columns)))
            joiner = " or " if skip_any_null else " and "
            skip = joiner.join(f"{_quote(c)} is null" for c in columns)
            table = f"keys_{position}"
            select = f"select {', '.join(_quote(c) for c in columns)} from keys where not ({skip})"
            exists = self._connection.execute(
                "select count(*) from information_schema.tables where table_name = ?", [table]
            ).fetchone()
            if exists and exists[0]:
                self._connection.execute(f"insert into {table} {select}")
            else:
                self._connection.execute(f"create table {table} as {select}")
            self._connection.unregister("keys")

    def duplicates(self, position: int, limit: int) -> DuplicateSummary:
        columns, _ = self._keys[position]
        missing = tuple(sorted(self._missing[position]))
        table = f"keys_{position}"
        exists = self._connection.execute(
            "select count(*) from information_schema.tables where table_name = ?", [table]
        ).fetchone()
        if not exists or not exists[0]:
            return DuplicateSummary(0, 0, [], missing)
        names = ", ".join(_quote(c) for c in columns)
        self._connection.execute(
            f"create or replace temp table dup_{position} as "
            f"select {names}, count(*) as occurrences from {table} group by all having count(*) > 1"
        )
        totals = self._connection.execute(
            f"select coalesce(sum(occurrences), 0), count(*) from dup_{position}"
        ).fetchone()
        assert totals is not None
        cursor = self._connection.execute(
            f"select * from dup_{position} order by occurrences desc, {names} limit {int(limit)}"
        )
        header = [d[0] for d in cursor.description]
        sample = [dict(zip(header, row, strict=True)) for row in cursor.fetchall()]
        return DuplicateSummary(int(totals[0]), int(totals[1]), sample, missing)

    def close(self) -> None:
        self._connection.close()
        self._spill.cleanup()

    def __enter__(self) -> KeyIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
