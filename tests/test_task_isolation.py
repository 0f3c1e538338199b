"""Extraction runs inside an Airflow task process as the production executors run it: after the
task supervisor has blocked the metadata database (AIRFLOW__DATABASE__SQL_ALCHEMY_CONN =
airflow-db-not-allowed:///, set after Airflow is imported, as the supervisor's fork does), and
in a daemonic process (a Celery prefork worker's pool process). A multiprocessing pool there
re-imports Airflow in each child and dies, or is refused outright; `airflow dags test` (the
embedded run) never blocks the database, so only these conditions show it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BLOCKED_DATABASE = "airflow-db-not-allowed:///"

TASK_PROCESS = textwrap.dedent(
    """
    import json, multiprocessing, os, sys
    from datetime import date

    # What the task process has loaded before it runs the task: the SDK's task runner.
    import airflow.sdk.execution_time.task_runner  # noqa: F401

    def run_task(day, queue):
        # The supervisor blocks the database for the task it forked.
        os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = "%(blocked)s"
        from drugtrade.config import load_settings
        from drugtrade.pipeline.articles import ingest_articles

        (summary,) = ingest_articles(load_settings(), date.fromisoformat(day), workers=2)
        queue.put({"new_articles": summary.new_articles, "rejected": summary.rejected,
                   "statements": summary.statements})

    if __name__ == "__main__":
        daemonic = sys.argv[2] == "daemonic"
        if daemonic:  # a Celery prefork pool process is daemonic
            queue = multiprocessing.get_context("fork").Queue()
            worker = multiprocessing.get_context("fork").Process(target=run_task, args=(sys.argv[1], queue),
                                                                 daemon=True)
            worker.start()
            worker.join(600)
            assert worker.exitcode == 0, f"task process exited {worker.exitcode}"
            print(json.dumps(queue.get(timeout=5)))
        else:
            import queue as queues
            results = queues.Queue()
            run_task(sys.argv[1], results)
            print(json.dumps(results.get()))
    """
) % {"blocked": BLOCKED_DATABASE}


def _run_task_process(tmp_path: Path, mode: str) -> dict:
    script = tmp_path / "task_process.py"
    script.write_text(TASK_PROCESS)
    warehouse = tmp_path / f"warehouse-{mode}"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        # A real database for the imports; the task itself then gets the blocked URL.
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path / 'airflow.db'}",
        "DRUGTRADE_WAREHOUSE": str(warehouse),
        "DRUGTRADE_REGISTRY": str(PROJECT_ROOT / "sources" / "registry.yml"),
        # Two pages a batch: the bundled sample's five pages make three batches on two processes.
        "DRUGTRADE_EXTRACT_BATCH_SIZE": "2",
        # However few pages a process takes, the second core is used.
        "DRUGTRADE_PAGES_PER_EXTRA_PROCESS": "1",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    env.pop("DRUGTRADE_LAKE", None)
    completed = subprocess.run(
        [sys.executable, str(script), "2026-03-01", mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_extraction_runs_under_the_supervisors_blocked_database_url(tmp_path):
    summary = _run_task_process(tmp_path, "task")
    assert summary["new_articles"] >= 5 and summary["statements"] > 0, summary


def test_extraction_runs_in_a_daemonic_worker_process(tmp_path):
    summary = _run_task_process(tmp_path, "daemonic")
    assert summary["new_articles"] >= 5 and summary["statements"] > 0, summary
