"""The gates' result files: the rows of the previous run come from latest.json beside them, not
from reading the whole history, and a run's own report reads its own files only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from drugtrade.quality.report import ExpectationOutcome, ValidationReport
from drugtrade.quality.store import LATEST, ResultStore

START = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


def _report(run_id: str, rows: int, day: int, dataset: str = "observations") -> ValidationReport:
    outcome = ExpectationOutcome(
        expectation="expect_table_row_count_to_be_between",
        severity="warning",
        success=True,
        observed_value=str(rows),
        unexpected_count=None,
    )
    return ValidationReport(
        run_id=run_id,
        stage="raw",
        dataset=dataset,
        success=True,
        outcomes=[outcome],
        rows_validated=rows,
        validated_at=START + timedelta(days=day),
    )


def test_the_previous_run_is_read_from_latest_json_not_the_history(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    for day, rows in enumerate([10, 20, 30]):
        store.append(_report(f"run-{day}", rows, day))
    store.append(_report("run-2", 31, 3))  # a retry rewrites its own run
    folder = tmp_path / "raw" / "observations"
    assert [run["run_id"] for run in json.loads((folder / LATEST).read_text())] == ["run-2", "run-1"]
    for old in folder.glob("run-0*.parquet"):
        old.write_bytes(b"not parquet")  # never read
    assert store.previous_row_count("raw", "observations") == 31
    assert store.previous_row_count("raw", "observations", exclude_run_id="run-2") == 20


def test_without_latest_json_the_files_answer(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.append(_report("run-a", 5, 0))
    store.append(_report("run-b", 7, 1))
    (tmp_path / "raw" / "observations" / LATEST).unlink()
    assert store.previous_row_count("raw", "observations", exclude_run_id="run-b") == 5
    store.append(_report("run-c", 9, 2))  # starts latest.json again from this run
    assert store.previous_row_count("raw", "observations", exclude_run_id="run-c") == 7


def test_a_runs_glob_matches_its_files_only(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    mine = {
        store.append(_report("manual__2026-12-01T22:09:17+00:00", 1, 0, dataset)) for dataset in ("a", "b")
    }
    store.append(_report("manual__2026-12-02T22:09:17+00:00", 1, 1, "a"))
    assert (
        set(tmp_path.glob(store.run_glob("manual__2026-12-01T22:09:17+00:00").removeprefix(f"{tmp_path}/")))
        == mine
    )
