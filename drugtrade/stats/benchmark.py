"""Measure iter_parse on a generated CBP-shaped CSV: time, batches and peak memory.

    .venv/bin/python -m drugtrade.stats.benchmark --rows 1000000

The file repeats the shape of CBP's nationwide CSV (CRLF line endings, every month of several
fiscal years, the published drug types and field offices) with varied quantities. Peak RSS is
the process's high-water mark (``getrusage``), measured in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

HEADER = "FY,Month (abbv),Component,Region,Land Filter,Area of Responsibility,Drug Type,Count of Event,Sum Qty (lbs)"
MONTHS = ("OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP")
DRUGS = (
    "Cocaine",
    "Ecstasy",
    "Fentanyl",
    "Heroin",
    "Ketamine",
    "Khat (Catha Edulis)",
    "Lsd",
    "Marijuana",
    "Methamphetamine",
    "Other Drugs**",
)
AREAS = (
    ("Office of Field Operations", "Southwest Border", "Land Only", "SAN DIEGO FIELD OFFICE"),
    ("Office of Field Operations", "Coastal/Interior", "Other", "NEW YORK FIELD OFFICE"),
    ("U.S. Border Patrol", "Southwest Border", "Land Only", "TUCSON SECTOR"),
    ("U.S. Border Patrol", "Northern Border", "Other", "BLAINE SECTOR"),
)


def write_cbp_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER + "\r\n")
        for i in range(rows):
            fy = 2019 + (i // 50_000) % 8
            fy_label = f"{fy} (FYTD)" if fy == 2026 else str(fy)
            component, region, land, area = AREAS[i % len(AREAS)]
            handle.write(
                f"{fy_label},{MONTHS[i % 12]},{component},{region},{land},{area},{DRUGS[i % len(DRUGS)]},"
                f"{rng.randint(1, 400)},{rng.uniform(0.0001, 20000):.10g}\r\n"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-rows", type=int, default=100_000)
    args = parser.parse_args(argv)

    from drugtrade.stats import iter_parse

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cbp-benchmark.csv"
        started = time.perf_counter()
        write_cbp_csv(path, args.rows)
        written = time.perf_counter() - started
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        read = observations = quarantined = batches = 0
        for batch in iter_parse(path, source_id="benchmark", batch_rows=args.batch_rows):
            batches += 1
            read += batch.rows_read
            observations += batch.observations.num_rows
            quarantined += batch.quarantine.num_rows
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = path.stat().st_size
    print(f"file: {args.rows:,} rows, {size / 1e6:.1f} MB (written in {written:.1f} s)")
    print(
        f"iter_parse: {elapsed:.1f} s, {args.rows / elapsed:,.0f} rows/s, {batches} batches of {args.batch_rows:,}"
    )
    print(f"rows read {read:,}, observations {observations:,}, quarantined {quarantined:,}")
    print(f"peak RSS: {peak / 1024:.0f} MiB (before parsing: {rss_before / 1024:.0f} MiB)")
    return 0 if read == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
