"""`python -m drugtrade.pipeline.extract_batch MANIFEST BATCH...`: extract batches of a fetched
day in a fresh interpreter (one of the extra cores of `articles.extract_all`). It imports no
Airflow, so it runs the same under any executor and under the task supervisor's blocked
metadata-database URL."""

from __future__ import annotations

import sys
from pathlib import Path

from drugtrade.pipeline.articles import extract_batch_file


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m drugtrade.pipeline.extract_batch MANIFEST BATCH...", file=sys.stderr)
        return 2
    manifest = Path(argv[0])
    for batch in argv[1:]:
        extract_batch_file(manifest, int(batch))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
