"""Time a backfill of `ingest_articles` on the production topology under CeleryExecutor with N
workers, from unpausing the DAG to the end of the last backfilled run.

    .venv/bin/python scripts/stack_backfill.py --workers 1 --days 3
    .venv/bin/python scripts/stack_backfill.py --workers 2 --days 3

Each run starts its own stack (`drugtrade.stack`, state in .stack/backfill-<N>, a fresh
warehouse under it), backfills the days ending today with every day active at once (on a fresh
lake each day extracts its pages: those batches are what the workers share; landing stays
serialised by its pool), prints the wall time, and stops the stack. `transform` stays paused: its cost is the same whatever the number of workers, as its
writers run one at a time. The ports are the stack's (8080, 5432, 6379): nothing else
may run a stack meanwhile.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from drugtrade import stack  # noqa: E402
from drugtrade.airflow_api import AirflowApi  # noqa: E402


def _wait(api: AirflowApi, dag_id: str, count: int, run_type: str | None, timeout: float) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = [r for r in api.runs(dag_id) if run_type is None or r["run_type"] == run_type]
        if len(runs) >= count and all(r["state"] in ("success", "failed") for r in runs):
            return runs
        time.sleep(3)
    raise SystemExit(f"{dag_id}: runs not finished after {timeout:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--days", type=int, default=3)
    args = parser.parse_args()

    import os

    paths = stack.Paths(root=PROJECT_ROOT / ".stack" / f"backfill-{args.workers}")
    if paths.root.exists():
        shutil.rmtree(paths.root)
    paths.root.mkdir(parents=True)
    paths.root.chmod(0o755)
    os.environ["DRUGTRADE_WAREHOUSE"] = str(paths.root / "warehouse")
    os.environ.pop("DRUGTRADE_LAKE", None)
    today = datetime.now(UTC).date()
    days = [(today - timedelta(days=offset)).isoformat() for offset in range(args.days - 1, -1, -1)]
    api = AirflowApi(stack.API_URL, stack.ADMIN_USER, stack.ADMIN_PASSWORD)
    try:
        stack.up("celery", workers=args.workers, paths=paths)
        deadline = time.monotonic() + 180
        while "ingest_articles" not in api.dag_ids():
            if time.monotonic() > deadline:
                raise SystemExit("DAGs not registered after 180 s")
            time.sleep(3)
        # Created while the DAG is paused and ending today, so the scheduler adds no run of its
        # own on unpausing. transform stays paused: this times the ingestion the workers share.
        env = stack.stack_env("celery", paths)
        subprocess.run(
            [
                stack._airflow(),
                "backfill",
                "create",
                "--dag-id",
                "ingest_articles",
                "--from-date",
                days[0],
                "--to-date",
                days[-1],
                "--max-active-runs",
                str(args.days),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        started = time.monotonic()
        api.unpause("ingest_articles")
        backfilled = _wait(api, "ingest_articles", args.days, "backfill", 3600)
        wall = time.monotonic() - started
        states = sorted({r["state"] for r in backfilled})
        extracts = sum(
            1
            for r in backfilled
            for t in api.task_instances("ingest_articles", r["dag_run_id"])
            if t["task_id"] == "extract" and t["state"] == "success"
        )
        print(
            f"backfill of {args.days} days of ingest_articles, CeleryExecutor, {args.workers} worker(s): "
            f"{wall:.0f}s wall from unpause to the last run's end, {extracts} extraction batches, states "
            f"{states}"
        )
        return 0 if states == ["success"] else 1
    finally:
        stack.down(paths)


if __name__ == "__main__":
    sys.exit(main())
