"""Failure records beside a run: what Airflow's callbacks write, and what a retry or a clear
replaces. Airflow hands callbacks and tasks a context mapping; these tests hand the same keys
(dag_run, run_id, ti, exception) to the same functions."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from drugtrade.config import load_settings
from drugtrade.runs import RunFailed, clear_task_failure, finish_run, record_task_failure, run_dir


@dataclass
class TaskInstance:
    task_id: str
    map_index: int = -1
    try_number: int = 1


@dataclass
class DagRun:
    dag_id: str


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("DRUGTRADE_WAREHOUSE", str(tmp_path / "warehouse"))
    monkeypatch.delenv("DRUGTRADE_LAKE", raising=False)
    return load_settings()


def _context(task_id: str, error: BaseException | None = None, try_number: int = 1) -> dict:
    return {
        "dag_run": DagRun("transform"),
        "run_id": "asset_triggered__x",
        "exception": error,
        "ti": TaskInstance(task_id, try_number=try_number),
    }


def test_a_failure_without_exception_says_the_process_was_lost(settings):
    record_task_failure(_context("dbt_marts"))
    (record,) = (run_dir(settings, "transform", "asset_triggered__x") / "failures").glob("*.json")
    text = record.read_text()
    assert '"error": null' not in text
    assert "TaskProcessLost" in text and "heartbeat" in text


def test_a_cleared_task_that_succeeds_no_longer_fails_the_report(settings):
    record_task_failure(_context("dbt_marts", RuntimeError("dbt failed")))
    with pytest.raises(RunFailed, match="dbt_marts"):
        finish_run(settings, _context("report"), data_docs=False)
    # The report failed too, and its own callback recorded it, as Airflow does.
    record_task_failure(_context("report", RunFailed("transform failed at dbt_marts")))

    # Cleared through the API: dbt_marts succeeds (its success callback clears its record), then
    # the report runs again and must not read its own record from the first try.
    clear_task_failure(_context("dbt_marts", try_number=2))
    assert finish_run(settings, _context("report", try_number=2), data_docs=False)["status"] == "success"
