"""``drugtrade parse PATH``: parse one statistical file and print what the warehouse would load.

Normalised observations go to stdout as JSON Lines, quarantined rows (with their reason) to
stderr as JSON Lines, then a one-line summary on stderr. Exit status 0 when the file was parsed
(quarantined rows are not an error), 2 when no parser recognises it (the message names the
columns or header rows seen), 1 for a file that cannot be read.

    python -m drugtrade.stats.cli parse ../shared/sources/cbp/nationwide-drugs-fy19-fy22.csv
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from drugtrade.stats import FAMILIES, UnknownFileFamily, iter_parse


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {value!r}")


def _write_rows(rows: list[dict[str, Any]], stream: TextIO) -> None:
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False, default=_json_default))
        stream.write("\n")


def run_parse(path: Path, family: str | None, source_id: str | None, out: TextIO, err: TextIO) -> int:
    loaded = quarantined = read = 0
    try:
        for batch in iter_parse(path, source_id=source_id or path.stem, family=family):
            _write_rows(batch.observations.to_pylist(), out)
            quarantine = batch.quarantine.to_pylist()
            for row in quarantine:
                row["raw"] = json.loads(row["raw"])
            _write_rows(quarantine, err)
            read += batch.rows_read
            loaded += batch.rows_loaded
            quarantined += batch.quarantine.num_rows
    except UnknownFileFamily as error:
        err.write(f"error: {error}\n")
        return 2
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error of the file. Point stdout at devnull so
        # the interpreter's final flush does not raise again.
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (OSError, ValueError) as error:
        err.write(f"error: {path}: {error}\n")
        return 1
    out.flush()
    err.write(
        json.dumps(
            {
                "summary": {
                    "file": str(path),
                    "rows_read": read,
                    "rows_loaded": loaded,
                    "rows_quarantined": quarantined,
                }
            }
        )
        + "\n"
    )
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``parse`` subcommand to a parent command's subparsers."""
    parser = subparsers.add_parser(
        "parse",
        help="parse one statistical file; observations to stdout, quarantine to stderr (JSON Lines)",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("path", type=Path, help="CSV or XLSX file as published")
    parser.add_argument("--family", choices=FAMILIES, help="skip detection and read the file as this family")
    parser.add_argument("--source-id", help="source id recorded on every row (default: the file name stem)")
    parser.set_defaults(
        handler=lambda args: run_parse(args.path, args.family, args.source_id, sys.stdout, sys.stderr)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="drugtrade-stats", description="Statistical file parsers")
    subparsers = parser.add_subparsers(dest="command", required=True)
    register(subparsers)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
