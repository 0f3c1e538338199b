"""Measure validating 1,000,000 raw observation rows read from Parquet in 100,000-row batches.

Run: .venv/bin/python tests/quality/bench_validate_observations.py [rows] [batch_rows]
Prints wall time and peak RSS (not a test: figures depend on the machine). Two faults are planted
(a negative value and a key repeated in another batch) to show they are found at this size.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_factories import NOW, observations  # noqa: E402

from drugtrade import lake  # noqa: E402
from drugtrade.quality import validate_batches  # noqa: E402


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(rows: int = 1_000_000, batch_rows: int = 100_000) -> None:
    repo = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "observations.parquet"
        schema = observations(0).schema
        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
            for first in range(0, rows, batch_rows):
                table = observations(min(batch_rows, rows - first), first=first)
                if first == 0:
                    values = table.column("value").to_pylist()
                    values[3] = -1.0
                    table = table.set_column(table.schema.get_field_index("value"), table.schema.field("value"), [values])
                if first == rows - batch_rows:
                    ids = table.column("observation_id").to_pylist()
                    ids[-1] = f"{5:016x}"  # also in the first batch
                    table = table.set_column(0, table.schema.field(0), [ids])
                writer.write_table(table)
        baseline = psutil.Process().memory_info().rss / 2**20
        started = time.perf_counter()
        report = validate_batches(
            "raw", "observations", lake.iter_batches([path], batch_rows),
            run_id="bench", suites_dir=repo / "expectations", reference_time=NOW,
        )
        elapsed = time.perf_counter() - started
    print(report.summary_text())
    print(f"rows={report.rows_validated} chunks={report.chunks} expectations={len(report.outcomes)}")
    print(f"wall time {elapsed:.1f} s ({report.rows_validated / elapsed:,.0f} rows/s)")
    print(f"peak RSS {_peak_rss_mib():.0f} MiB (RSS when validation started: {baseline:.0f} MiB)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
