"""Run records: what each step of a DAG run did, why a task failed, and the run summary.

Each step writes its own small JSON file (tasks can run in parallel), under
``<warehouse>/runs/<dag_id>/<run_id>/``; the report task of the transform DAG gathers them into
``summary.json`` and a readable ``summary.txt``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drugtrade import lake
from drugtrade.config import Settings, load_settings
from drugtrade.errors import DrugtradeError

if TYPE_CHECKING:
    from drugtrade.warehouse.dbt import NodeResult

log = logging.getLogger(__name__)


class RunFailed(DrugtradeError, RuntimeError):
    """The run summary was written, and the run failed: the message says where and why."""


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]", "_", name)


def run_dir(settings: Settings, dag_id: str, run_id: str) -> Path:
    return settings.runs_dir / _safe(dag_id) / _safe(run_id)


def _context_ids(context: Mapping[str, Any]) -> tuple[str, str]:
    dag_run = context.get("dag_run")
    dag_id = getattr(dag_run, "dag_id", None) or context["dag"].dag_id
    return dag_id, context["run_id"]


def _write(path: Path, payload: dict[str, Any]) -> None:
    lake.atomic_write_bytes(path, json.dumps(payload, indent=2, default=str, sort_keys=True).encode())


def record_step(settings: Settings, context: Mapping[str, Any], step: str, result: Mapping[str, Any]) -> None:
    dag_id, run_id = _context_ids(context)
    task_instance = context.get("ti") or context.get("task_instance")
    map_index = getattr(task_instance, "map_index", -1)
    name = step if map_index in (-1, None) else f"{step}[{map_index}]"
    folder = run_dir(settings, dag_id, run_id)
    _write(
        folder / "steps" / f"{_safe(name)}.json",
        {"step": step, "finished_at": datetime.now(UTC).isoformat(), "result": dict(result)},
    )
    # A task that failed and then succeeded on a retry or a cleared re-run no longer fails the run.
    task_id = getattr(task_instance, "task_id", None)
    if task_id:
        failed_name = task_id if map_index in (-1, None) else f"{task_id}[{map_index}]"
        (folder / "failures" / f"{_safe(failed_name)}.json").unlink(missing_ok=True)


def record_dbt_step(
    settings: Settings,
    context: Mapping[str, Any],
    step: str,
    nodes: list[NodeResult],
    rows: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for node in nodes:
        key = f"{node.resource_type}:{node.status}"
        counts[key] = counts.get(key, 0) + 1
    result = {
        "nodes": len(nodes),
        "counts": counts,
        "seconds": round(sum(node.execution_time for node in nodes), 2),
        "rows": dict(rows or {}),
        "nodes_detail": [
            {"id": n.unique_id, "status": n.status, "seconds": round(n.execution_time, 3)} for n in nodes
        ],
    }
    record_step(settings, context, step, result)
    return {k: v for k, v in result.items() if k != "nodes_detail"}


def _failure_path(settings: Settings, context: Mapping[str, Any]) -> tuple[Path, str]:
    dag_id, run_id = _context_ids(context)
    task_instance = context.get("ti") or context.get("task_instance")
    task_id = getattr(task_instance, "task_id", "unknown")
    map_index = getattr(task_instance, "map_index", -1)
    name = task_id if map_index in (-1, None) else f"{task_id}[{map_index}]"
    return run_dir(settings, dag_id, run_id) / "failures" / f"{_safe(name)}.json", name


# What the record says when the callback has no exception: the scheduler failed the task
# because its process stopped heartbeating (killed worker, OOM kill, lost node), not the code.
NO_EXCEPTION = (
    "the task's process stopped without raising an exception (killed, out of memory, or its "
    "worker went away: Airflow failed it on heartbeat timeout); see the task log"
)


def record_task_failure(context: Mapping[str, Any]) -> None:
    """on_failure_callback: write the task, the exception and the time beside the run."""
    settings = load_settings()
    path, name = _failure_path(settings, context)
    task_instance = context.get("ti") or context.get("task_instance")
    error = context.get("exception")
    _write(
        path,
        {
            "task_id": getattr(task_instance, "task_id", "unknown"),
            "map_index": getattr(task_instance, "map_index", -1),
            "try_number": getattr(task_instance, "try_number", None),
            "failed_at": datetime.now(UTC).isoformat(),
            "error_type": type(error).__name__ if error else "TaskProcessLost",
            "error": str(error) if error else NO_EXCEPTION,
        },
    )
    log.error("drugtrade: %s failed: %s", name, error or NO_EXCEPTION)


def clear_task_failure(context: Mapping[str, Any]) -> None:
    """on_success_callback: the record of an earlier failed try (before a retry or a clear)."""
    path, _ = _failure_path(load_settings(), context)
    path.unlink(missing_ok=True)


def _load_all(folder: Path) -> list[dict[str, Any]]:
    if not folder.exists():
        return []
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def quality_for_run(settings: Settings, run_id: str) -> list[dict[str, Any]]:
    import glob

    from drugtrade.quality.store import ResultStore

    # This run's files only: reading the whole history to filter on run_id grew with it.
    pattern = ResultStore(settings.quality_results_dir).run_glob(run_id)
    if not glob.glob(pattern):
        return []
    import duckdb

    with duckdb.connect() as connection:
        cursor = connection.execute(
            "select stage, dataset, expectation, severity, success, observed_value, unexpected_count, "
            "unexpected_sample from read_parquet($glob, union_by_name = true) where run_id = $run "
            "order by stage, dataset, expectation",
            {"glob": pattern, "run": run_id},
        )
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def summarise(settings: Settings, dag_id: str, run_id: str) -> dict[str, Any]:
    folder = run_dir(settings, dag_id, run_id)
    steps = _load_all(folder / "steps")
    failures = _load_all(folder / "failures")
    quality = quality_for_run(settings, run_id)
    by_stage: dict[str, dict[str, int]] = {}
    for outcome in quality:
        stage = by_stage.setdefault(
            outcome["stage"], {"checks": 0, "failed_critical": 0, "failed_warning": 0}
        )
        stage["checks"] += 1
        if not outcome["success"]:
            stage["failed_critical" if outcome["severity"] == "critical" else "failed_warning"] += 1
    return {
        "dag_id": dag_id,
        "run_id": run_id,
        "written_at": datetime.now(UTC).isoformat(),
        "status": "failed" if failures else "success",
        "steps": steps,
        "failures": failures,
        "quality": by_stage,
        "failed_expectations": [q for q in quality if not q["success"]],
    }


def render_text(summary: Mapping[str, Any]) -> str:
    lines = [f"run {summary['run_id']} of {summary['dag_id']}: {summary['status']}"]
    for step in summary["steps"]:
        result = step["result"]
        brief = {k: v for k, v in result.items() if not isinstance(v, list | dict)}
        lines.append(f"  step {step['step']}: {json.dumps(brief, default=str)}")
        # Rows out of a step (dbt models built, tables published): the one nested detail worth a line.
        for label in ("rows", "tables"):
            if isinstance(result.get(label), dict) and result[label]:
                counts = ", ".join(f"{name} {count:,}" for name, count in result[label].items())
                lines.append(f"    {label}: {counts}")
    for stage, counts in summary["quality"].items():
        lines.append(
            f"  quality {stage}: {counts['checks']} checks, {counts['failed_critical']} critical failed, "
            f"{counts['failed_warning']} warnings"
        )
    for failed in summary["failed_expectations"]:
        lines.append(
            f"    [{failed['severity']}] {failed['stage']}/{failed['dataset']}: {failed['expectation']} "
            f"unexpected={failed['unexpected_count']} sample={failed['unexpected_sample']}"
        )
    for failure in summary["failures"]:
        lines.append(
            f"  FAILED {failure['task_id']}: {failure['error_type']}: {(failure['error'] or '')[:500]}"
        )
    return "\n".join(lines)


def finish_run(settings: Settings, context: Mapping[str, Any], data_docs: bool = True) -> dict[str, Any]:
    """Gather the run's steps, failures and quality results into summary.json and summary.txt
    beside the run; raise RunFailed when any task failed, so the run ends failed."""
    dag_id, run_id = _context_ids(context)
    # This task's own record from an earlier try (a report cleared and run again) is stale: the
    # run is judged again now.
    _failure_path(settings, context)[0].unlink(missing_ok=True)
    if data_docs:
        try:
            from drugtrade.offline_docs import make_offline
            from drugtrade.quality import build_data_docs

            index = build_data_docs(settings.quality_results_dir, settings.quality_docs_dir)
            make_offline(Path(index).parent)  # the pages open from disk without network
        except Exception as error:  # noqa: BLE001 - docs are a report; their failure must not hide the run's
            log.warning("quality Data Docs were not built: %s", error)
    summary = summarise(settings, dag_id, run_id)
    folder = run_dir(settings, dag_id, run_id)
    _write(folder / "summary.json", summary)
    (folder / "summary.txt").write_text(render_text(summary) + "\n")
    log.info("%s", render_text(summary))
    if summary["failures"]:
        names = ", ".join(f["task_id"] for f in summary["failures"])
        raise RunFailed(f"{dag_id} run {run_id} failed at {names}; summary in {folder / 'summary.txt'}")
    return {"status": summary["status"], "summary": str(folder / "summary.json")}
