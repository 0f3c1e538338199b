"""Run dbt against the build DuckDB file and report every model and test it ran.

dbt runs in a child process: when it exits, its DuckDB connection is closed for certain, which
matters because DuckDB allows one writer per file and the publish step opens the build file
right after.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from drugtrade.config import Settings
from drugtrade.errors import DrugtradeError

log = logging.getLogger(__name__)


class DbtError(DrugtradeError, RuntimeError):
    """dbt failed: the message names each model or test that errored or failed."""


@dataclass(frozen=True, kw_only=True)
class NodeResult:
    unique_id: str
    resource_type: str
    status: str  # success | error | fail | warn | pass | skipped
    execution_time: float
    message: str | None
    failures: int | None


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def dbt_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DRUGTRADE_WAREHOUSE": str(settings.warehouse_dir),
            "DRUGTRADE_LAKE": str(settings.lake_dir),
            # Provenance paths under these roots are stored relative to them (macro relative_path).
            "DRUGTRADE_PROJECT_ROOT": str(settings.project_root),
            "DRUGTRADE_DBT_TARGET": settings.dbt_target,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
        }
    )
    return env


def run_dbt(
    settings: Settings,
    command: list[str],
    *,
    variables: dict[str, object] | None = None,
    environment: dict[str, str] | None = None,
) -> list[NodeResult]:
    """Run ``dbt <command>`` and return one result per node; raise DbtError on any failure.
    ``environment`` adds variables models read with env_var() (unlike --vars, a changed value
    keeps dbt's partial parse of the files that do not read it)."""
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    target_path = settings.warehouse_dir / "build" / "dbt-target"
    args = [
        dbt_executable(),
        *command,
        "--project-dir",
        str(settings.dbt_project_dir),
        "--profiles-dir",
        str(settings.dbt_project_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(settings.warehouse_dir / "build" / "dbt-logs"),
        "--target",
        settings.dbt_target,
    ]
    if variables:
        args += ["--vars", json.dumps(variables)]
    log.info("running %s", " ".join(args))
    completed = subprocess.run(
        args,
        cwd=settings.dbt_project_dir,
        env={**dbt_env(settings), **(environment or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    for line in completed.stdout.splitlines():
        log.info("dbt | %s", line)
    results = _read_run_results(target_path / "run_results.json") if completed.returncode in (0, 1) else []
    for node in results:
        log.info(
            "dbt %-10s %-8s %6.2fs %s", node.resource_type, node.status, node.execution_time, node.unique_id
        )
    if completed.returncode != 0:
        failed = [n for n in results if n.status in ("error", "fail", "runtime error")]
        detail = "; ".join(f"{n.unique_id}: {n.status}: {(n.message or '').strip()[:300]}" for n in failed)
        tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-25:])
        raise DbtError(f"dbt {' '.join(command)} failed (exit {completed.returncode}). {detail}\n{tail}")
    return results


def _read_run_results(path: Path) -> list[NodeResult]:
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    return [
        NodeResult(
            unique_id=item["unique_id"],
            resource_type=item["unique_id"].split(".", 1)[0],
            status=str(item["status"]),
            execution_time=float(item.get("execution_time") or 0.0),
            message=item.get("message"),
            failures=item.get("failures"),
        )
        for item in data.get("results", [])
    ]
