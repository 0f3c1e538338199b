"""The production topology run for real (issue 18): PostgreSQL metadata, scheduler, DAG
processor, API server and triggerer started by `drugtrade.stack` (what `make stack` runs), DAGs
driven through the REST API v2 with the compose file's auth, Asset-triggered transform runs,
`airflow backfill create`, and under CeleryExecutor a worker killed with SIGKILL mid-transform.

The tests share one stack and run in order (each builds on the lake the previous one left).
Timings are printed (`-s` or the CI log); they are measurements, not assertions."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psutil
import pytest
from conftest import MONTH_START, STACK_DAY, fact_fingerprints

from drugtrade import stack
from drugtrade.config import load_settings
from drugtrade.runs import run_dir

pytestmark = [pytest.mark.stack, pytest.mark.slow]

DAGS = ("ingest_articles", "ingest_statistics", "transform")
WRITER_POOLS = {"duckdb_writer", "articles_lake_writer"}
RUN_TIMEOUT = 900  # s: one ingest or transform run on a loaded 2-core machine, with a retry
BACKFILL_DAYS = [(date.fromisoformat(STACK_DAY) - timedelta(days=offset)).isoformat() for offset in (3, 2, 1)]


def _parse(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")) if moment else None


def _wait_for_transforms(api, after: set[str], timeout: float = RUN_TIMEOUT) -> list[dict]:
    """Transform runs not in ``after``, once at least one exists and none is unfinished, and no
    new one was queued for a few seconds (a second ingest's event may queue another)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = [run for run in api.runs("transform") if run["dag_run_id"] not in after]
        if new and all(run["state"] in ("success", "failed") for run in new):
            time.sleep(20)  # the scheduler queues an asset-triggered run within seconds of its event
            again = [run for run in api.runs("transform") if run["dag_run_id"] not in after]
            if len(again) == len(new) and all(run["state"] in ("success", "failed") for run in again):
                return again
        time.sleep(5)
    raise AssertionError(
        f"transform runs not finished after {timeout:.0f} s: "
        f"{[(r['dag_run_id'], r['state']) for r in api.runs('transform')]}"
    )


def _run_folder(warehouse: Path, dag_id: str, run_id: str) -> Path:
    return run_dir(load_settings({"DRUGTRADE_WAREHOUSE": str(warehouse)}), dag_id, run_id)


def _publish_step(warehouse: Path, run_id: str) -> dict:
    path = _run_folder(warehouse, "transform", run_id) / "steps" / "publish.json"
    assert path.exists(), f"no publish record at {path}"
    return json.loads(path.read_text())["result"]


def _writer_intervals(api, dag_id: str, run_id: str) -> list[tuple[datetime, datetime, str]]:
    """Every try of every task in a writer pool: (start, end, name)."""
    intervals = []
    for instance in api.task_instances(dag_id, run_id):
        if instance["pool"] not in WRITER_POOLS:
            continue
        for attempt in api.task_tries(dag_id, run_id, instance["task_id"], instance["map_index"]):
            start, end = _parse(attempt.get("start_date")), _parse(attempt.get("end_date"))
            if start and end:
                intervals.append((start, end, f"{run_id}/{instance['task_id']}#{attempt['try_number']}"))
    return intervals


def _assert_writers_never_overlap(api) -> None:
    intervals = []
    for dag_id in ("transform", "ingest_articles"):
        for run in api.runs(dag_id):
            intervals += [(s, e, n, dag_id) for s, e, n in _writer_intervals(api, dag_id, run["dag_run_id"])]
    for pool_dags in (("transform",), ("ingest_articles",)):
        spans = sorted((s, e, n) for s, e, n, d in intervals if d in pool_dags)
        for (_, first_end, first), (second_start, _, second) in zip(spans, spans[1:], strict=False):
            assert second_start >= first_end, f"two single-writer tasks overlapped: {first} and {second}"


def _assert_no_lock_conflict(paths: stack.Paths) -> None:
    """No task ever met another's DuckDB write lock (DuckDB says 'Conflicting lock')."""
    for log in (paths.airflow_home / "logs").rglob("*.log"):
        text = log.read_text(errors="replace")
        assert "Conflicting lock" not in text and "Could not set lock" not in text, f"lock conflict in {log}"


def test_triggered_ingest_runs_publish_through_the_asset_triggered_transform(
    stack_state, stack_environment, stack_warehouse, api, embedded_facts
):
    started = time.monotonic()
    stack.up("local", paths=stack_state)
    print(f"\nstack (LocalExecutor) up in {time.monotonic() - started:.0f}s")
    assert api.dag_ids() >= set(DAGS) or _wait_for_dags(api)
    triggered_at = datetime.now(UTC)
    statistics = api.trigger("ingest_statistics", f"{MONTH_START}T00:00:00Z")
    articles = api.trigger("ingest_articles", f"{STACK_DAY}T00:00:00Z")
    for dag_id in DAGS:
        api.unpause(dag_id)
    for dag_id, run_id in (("ingest_statistics", statistics), ("ingest_articles", articles)):
        assert api.wait_for_run(dag_id, run_id, RUN_TIMEOUT)["state"] == "success", dag_id
    transforms = _wait_for_transforms(api, set())
    first_publish = min(_parse(run["end_date"]) for run in transforms if run["state"] == "success")
    print(
        f"LocalExecutor: trigger to first publish {(first_publish - triggered_at).total_seconds():.0f}s; "
        f"{len(transforms)} transform run(s)"
    )

    assert [run["state"] for run in transforms] == ["success"] * len(transforms)
    assert {run["run_type"] for run in transforms} == {"asset_triggered"}
    # One transform run per ingest run at most: each ingest run emits one event after all sources.
    assert 1 <= len(transforms) <= 2
    events = [event for run in transforms for event in api.upstream_events("transform", run["dag_run_id"])]
    assert len(events) == 2 and {e["source_dag_id"] for e in events} == {
        "ingest_statistics",
        "ingest_articles",
    }
    built = {
        day for run in transforms for day in _publish_step(stack_warehouse, run["dag_run_id"])["ingest_days"]
    }
    assert STACK_DAY in built
    assert fact_fingerprints(stack_warehouse / "serving" / "drugtrade.duckdb") == embedded_facts
    _assert_writers_never_overlap(api)


def _wait_for_dags(api, timeout: float = 180) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api.dag_ids() >= set(DAGS):
            return True
        time.sleep(3)
    raise AssertionError(f"the DAG processor did not register {DAGS} within {timeout:.0f} s")


def _airflow_cli(paths: stack.Paths, *arguments: str) -> str:
    env = stack.stack_env("local", paths)
    completed = subprocess.run(
        [stack._airflow(), *arguments], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    return completed.stdout


def test_backfill_runs_every_day_one_writer_at_a_time_and_transform_builds_them_all(
    stack_state, stack_environment, stack_warehouse, api, embedded_facts
):
    before = {run["dag_run_id"] for run in api.runs("transform")}
    started = time.monotonic()
    _airflow_cli(
        stack_state,
        "backfill",
        "create",
        "--dag-id",
        "ingest_articles",
        "--from-date",
        BACKFILL_DAYS[0],
        "--to-date",
        BACKFILL_DAYS[-1],
        "--max-active-runs",
        "1",
    )
    deadline = time.monotonic() + 3 * RUN_TIMEOUT
    while time.monotonic() < deadline:
        backfilled = [run for run in api.runs("ingest_articles") if run["run_type"] == "backfill"]
        if len(backfilled) == 3 and all(run["state"] in ("success", "failed") for run in backfilled):
            break
        time.sleep(5)
    assert sorted(run["logical_date"][:10] for run in backfilled) == BACKFILL_DAYS
    assert [run["state"] for run in backfilled] == ["success"] * 3
    transforms = _wait_for_transforms(api, before)
    print(
        f"\nbackfill of 3 days (LocalExecutor) to the last publish: {time.monotonic() - started:.0f}s, "
        f"{len(transforms)} transform run(s)"
    )
    assert [run["state"] for run in transforms] == ["success"] * len(transforms)
    built = {
        day for run in transforms for day in _publish_step(stack_warehouse, run["dag_run_id"])["ingest_days"]
    }
    assert set(BACKFILL_DAYS) <= built, f"days not rebuilt: {sorted(set(BACKFILL_DAYS) - built)}"
    assert not list((stack_warehouse / "state" / "unbuilt_days").glob("*")), "a landed day was never built"
    for day in BACKFILL_DAYS:
        partitions = list((stack_warehouse / "lake" / "articles").glob(f"ingest_date={day}/*/data.parquet"))
        assert partitions, f"backfilled day {day} landed nothing"
    # The sample pages did not change between the days: the facts are the same as a single run's.
    assert fact_fingerprints(stack_warehouse / "serving" / "drugtrade.duckdb") == embedded_facts
    _assert_writers_never_overlap(api)
    _assert_no_lock_conflict(stack_state)


def _worker_running(paths: stack.Paths, needle: str) -> str | None:
    """The Celery worker whose process tree runs a process with ``needle`` in its command line."""
    for service in ("worker-1", "worker-2"):
        pid = stack.service_pid(paths, service)
        if pid is None:
            continue
        try:
            children = psutil.Process(pid).children(recursive=True)
        except psutil.NoSuchProcess:
            continue
        for child in children:
            try:
                if needle in " ".join(child.cmdline()):
                    return service
            except psutil.Error:
                continue
    return None


def test_a_worker_killed_mid_transform_is_recovered_by_retry_with_identical_facts(
    stack_state, stack_environment, stack_warehouse, api, embedded_facts
):
    for service in ("api-server", "scheduler", "dag-processor", "triggerer"):
        stack.stop_service(stack_state, service)
    started = time.monotonic()
    stack.up("celery", workers=2, paths=stack_state)
    print(f"\nstack (CeleryExecutor, 2 workers) up in {time.monotonic() - started:.0f}s")
    before = {run["dag_run_id"] for run in api.runs("transform")}
    day = (date.fromisoformat(STACK_DAY) - timedelta(days=5)).isoformat()
    triggered = time.time()
    run_id = api.trigger("ingest_articles", f"{day}T00:00:00Z")
    assert api.wait_for_run("ingest_articles", run_id, RUN_TIMEOUT)["state"] == "success"

    # Wait for the transform's dbt build of the marts and kill the worker that runs it. dbt runs
    # inside the task process, which Airflow's task runner titles "airflow worker -- <ti id>".
    killed = None
    deadline = time.monotonic() + RUN_TIMEOUT
    while killed is None and time.monotonic() < deadline:
        runs = [run for run in api.runs("transform") if run["dag_run_id"] not in before]
        marts_running = [
            instance
            for run in runs
            for instance in api.task_instances("transform", run["dag_run_id"])
            if instance["task_id"] == "dbt_marts" and instance["state"] == "running"
        ]
        worker = _worker_running(stack_state, str(marts_running[0]["id"])) if marts_running else None
        if worker:
            pid = stack.service_pid(stack_state, worker)
            tree = [pid, *(child.pid for child in psutil.Process(pid).children(recursive=True))]
            for victim in tree:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(victim, signal.SIGKILL)
            killed = worker
            print(
                f"killed {worker} (pids {tree}) during dbt_marts, "
                f"{time.time() - triggered:.0f}s after the trigger"
            )
        time.sleep(0.5)
    assert killed, "never saw a worker run dbt_marts"

    transforms = _wait_for_transforms(api, before, timeout=2 * RUN_TIMEOUT)
    print(f"CeleryExecutor: trigger to publish after the kill {time.time() - triggered:.0f}s")
    assert [run["state"] for run in transforms] == ["success"] * len(transforms)
    tries = [
        attempt
        for run in transforms
        for attempt in api.task_tries("transform", run["dag_run_id"], "dbt_marts")
    ]
    states = [(attempt["try_number"], attempt["state"]) for attempt in tries]
    print(f"dbt_marts tries: {states}")
    assert len(tries) >= 2 and tries[-1]["state"] == "success", states
    assert tries[0]["state"] in ("failed", "up_for_retry"), states
    summary = json.loads(
        (_run_folder(stack_warehouse, "transform", transforms[-1]["dag_run_id"]) / "summary.json").read_text()
    )
    assert summary["status"] == "success" and summary["failures"] == [], summary["failures"]
    assert fact_fingerprints(stack_warehouse / "serving" / "drugtrade.duckdb") == embedded_facts
    _assert_writers_never_overlap(api)
    _assert_no_lock_conflict(stack_state)
