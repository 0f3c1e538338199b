"""A canonical digest of every published table of the serving file, to prove a refactor changed no fact.

For each base table in schema ``marts`` of ``serving/drugtrade.duckdb``: the rows ordered by all
columns, written by DuckDB as CSV with a header, then sha256 of those bytes, with the row count.
Columns whose values are stamped by the run itself rather than computed from the sources are left
out (``RUN_STAMPED_COLUMNS``); every other column, provenance included, is digested.

    python scripts/facts_digest.py warehouse/serving/drugtrade.duckdb            # print the digest
    python scripts/facts_digest.py warehouse/serving/drugtrade.duckdb --write    # update the snapshot
    python scripts/facts_digest.py warehouse/serving/drugtrade.duckdb --check    # compare, exit 1 if not

The snapshot (tests/snapshots/facts_digest.json) is compared by
tests/test_end_to_end.py::test_published_facts_are_identical_to_the_snapshot.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = PROJECT_ROOT / "tests" / "snapshots" / "facts_digest.json"
SCHEMA = "marts"
# Columns that differ between two runs over the same inputs, with why. Anything else that differs
# is a changed fact.
RUN_STAMPED_COLUMNS: dict[str, str] = {
    # When the run read the file or page: the bundled sources are local files, read anew by every
    # run, so this is the wall-clock time of the run, not a property of the source.
    "retrieved_at": "time the run read the source file or page",
    "first_retrieved_at": "earliest retrieved_at of an article's versions (run time)",
    "last_retrieved_at": "latest retrieved_at of an article's versions (run time)",
}
REGENERATE = (
    "if the change is intended, rebuild the bundled warehouse (make run ARGS='--date 2026-11-27') and run "
    "`python scripts/facts_digest.py warehouse/serving/drugtrade.duckdb --write`, then commit "
    "tests/snapshots/facts_digest.json with the reason in the message"
)


def facts_digest(serving: Path) -> dict[str, dict[str, object]]:
    """{table: {"rows": n, "sha256": hex, "excluded": [columns]}} for every base table in ``marts``."""
    digest: dict[str, dict[str, object]] = {}
    with duckdb.connect(str(serving), read_only=True) as connection, tempfile.TemporaryDirectory() as scratch:
        connection.execute("set enable_progress_bar = false")
        tables = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
                [SCHEMA],
            ).fetchall()
        ]
        for table in tables:
            columns = [
                name
                for (name,) in connection.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [SCHEMA, table],
                ).fetchall()
            ]
            excluded = [column for column in columns if column in RUN_STAMPED_COLUMNS]
            kept = ", ".join(f'"{column}"' for column in columns if column not in excluded)
            target = Path(scratch) / f"{table}.csv"
            connection.execute(
                f'copy (select {kept} from {SCHEMA}."{table}" order by all) '
                f"to '{target}' (format csv, header true)"
            )
            rows = connection.execute(f'select count(*) from {SCHEMA}."{table}"').fetchone()
            digest[table] = {
                "rows": rows[0] if rows else 0,
                "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
                "excluded": excluded,
            }
    return digest


def differences(expected: dict[str, dict[str, object]], actual: dict[str, dict[str, object]]) -> list[str]:
    """One line per table that is missing, new, or whose rows differ."""
    lines = []
    for table in sorted(expected.keys() | actual.keys()):
        if table not in actual:
            lines.append(f"{SCHEMA}.{table}: in the snapshot, not published any more")
        elif table not in expected:
            lines.append(f"{SCHEMA}.{table}: published, not in the snapshot")
        elif expected[table] != actual[table]:
            before, after = expected[table], actual[table]
            lines.append(
                f"{SCHEMA}.{table}: rows {before['rows']} -> {after['rows']}, "
                f"sha256 {str(before['sha256'])[:12]} -> {str(after['sha256'])[:12]}"
                + (
                    f", excluded {before['excluded']} -> {after['excluded']}"
                    if before["excluded"] != after["excluded"]
                    else ""
                )
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "serving", type=Path, help="the serving file, e.g. warehouse/serving/drugtrade.duckdb"
    )
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the digest to the snapshot")
    action.add_argument("--check", action="store_true", help="compare with the snapshot; exit 1 if different")
    args = parser.parse_args(argv)
    digest = facts_digest(args.serving)
    if args.write:
        args.snapshot.parent.mkdir(parents=True, exist_ok=True)
        args.snapshot.write_text(json.dumps(digest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {args.snapshot}: {len(digest)} tables")
        return 0
    if args.check:
        lines = differences(json.loads(args.snapshot.read_text(encoding="utf-8")), digest)
        for line in lines:
            print(line)
        print("facts identical" if not lines else REGENERATE)
        return 1 if lines else 0
    print(json.dumps(digest, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
