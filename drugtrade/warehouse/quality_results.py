"""dq_results in the serving file: every expectation every quality gate evaluated, read from the
gates' result files (drugtrade.quality.store, one Parquet file per stage, dataset and run).

The history only grows, so a publish does not read it all again: the new serving file starts as
a copy of the last one, and only the result files that are new or rewritten since the last
publish (a retried task rewrites its own file) replace the rows of their run, stage and
dataset. The files a publish read are recorded in the publish state by identity (inode, size,
modification time). The whole table is read again when there is no earlier table or state, a
recorded file went away, or a new file has a column the table lacks. With 3,131 result files
(101 runs of the bundled sample) reading them all took 4.9 s.
"""

from __future__ import annotations

import glob
import os
from typing import cast

import duckdb

from drugtrade.warehouse.serving_relations import AUDIT_SCHEMA
from drugtrade.warehouse.sql_quoting import quote_identifier, quote_literal

TABLE = "dq_results"


def result_files(results_glob: str) -> dict[str, str]:
    """{path: identity} of every result file the pattern matches."""
    files = {}
    for path in sorted(glob.glob(results_glob, recursive=True)):
        stat = os.stat(path)
        files[path] = f"{stat.st_ino}-{stat.st_size}-{stat.st_mtime_ns}"
    return files


def _held(connection: duckdb.DuckDBPyConnection) -> bool:
    # count(*) returns exactly one row.
    found = cast(
        "tuple[int]",
        connection.execute(
            "select count(*) from duckdb_tables() where database_name = 'serving' and schema_name = $s "
            "and table_name = $t",
            {"s": AUDIT_SCHEMA, "t": TABLE},
        ).fetchone(),
    )
    return found[0] > 0


def publish_quality_results(
    connection: duckdb.DuckDBPyConnection,
    results_glob: str,
    previous: dict[str, str] | None,
) -> dict[str, str]:
    """Bring ``audit.dq_results`` of the serving file (the connection's ``serving`` catalog, a
    copy of the last one) up to the result files of ``results_glob``; ``previous`` is what the
    last publish read (None: read everything). Returns what this publish read."""
    from drugtrade.quality.store import RESULTS_COLUMN_DESCRIPTIONS, RESULTS_DESCRIPTION

    table = f"{quote_identifier(AUDIT_SCHEMA)}.{TABLE}"
    files = result_files(results_glob)
    if previous is not None and _held(connection) and previous.keys() <= files.keys():
        changed = [path for path, identity in files.items() if previous.get(path) != identity]
        if not changed:
            return files
        listed = "[" + ", ".join(quote_literal(path) for path in changed) + "]"
        try:
            connection.execute(
                f"delete from {table} where (run_id, stage, dataset) in "
                f"(select distinct run_id, stage, dataset from read_parquet({listed}, union_by_name = true))"
            )
            connection.execute(
                f"insert into {table} by name select * from read_parquet({listed}, union_by_name = true)"
            )
            return files
        except duckdb.BinderException:
            pass  # a column the table lacks: read the whole history again below
    connection.execute(f"drop table if exists {table}")
    connection.execute(
        f"create table {table} as select * from read_parquet({quote_literal(results_glob)}, union_by_name = true)"
    )
    connection.execute(f"comment on table {table} is {quote_literal(RESULTS_DESCRIPTION)}")
    present = {
        row[0]
        for row in connection.execute(
            "select column_name from duckdb_columns() where database_name = 'serving' and schema_name = $s "
            "and table_name = $t",
            {"s": AUDIT_SCHEMA, "t": TABLE},
        ).fetchall()
    }
    for column, description in RESULTS_COLUMN_DESCRIPTIONS.items():
        if column in present:
            connection.execute(
                f"comment on column {table}.{quote_identifier(column)} is {quote_literal(description)}"
            )
    return files
