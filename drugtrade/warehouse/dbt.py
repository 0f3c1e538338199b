"""Run dbt against the build DuckDB file and report every model and test it ran.

dbt runs in this process (dbtRunner): its start-up is paid once per process, and the project is
parsed once per state of its files and environment, the manifest handed to every later build
(a run's staging and marts builds share one parse). After each invocation dbt-duckdb's
connection to the build file is closed, because DuckDB allows one writer per file and a reader
in this process (GX, publish) opens the file with another configuration right after.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def dbt_env(settings: Settings) -> dict[str, str]:
    """The variables the project reads with env_var(), and dbt's own settings."""
    return {
        "DRUGTRADE_WAREHOUSE": str(settings.warehouse_dir),
        "DRUGTRADE_LAKE": str(settings.lake_dir),
        # Provenance paths under these roots are stored relative to them (macro relative_path).
        "DRUGTRADE_PROJECT_ROOT": str(settings.project_root),
        "DRUGTRADE_DBT_TARGET": settings.dbt_target,
        # dbt's file log defaults to debug: every statement and timing, some twenty lines a
        # node, whose formatting was a tenth of an invocation's CPU. The file keeps what dbt
        # prints (info and above) unless DBT_LOG_LEVEL_FILE asks for more.
        "DBT_LOG_LEVEL_FILE": os.environ.get("DBT_LOG_LEVEL_FILE", "info"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_VERSION_CHECK": "false",
        "DO_NOT_TRACK": "1",
    }


@contextlib.contextmanager
def environment_variables(variables: dict[str, str]) -> Iterator[None]:
    """``variables`` in os.environ while dbt runs (env_var() reads them there), then as before."""
    previous = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def target_lock(settings: Settings, *, wait: bool = True) -> Iterator[bool]:
    """Hold the dbt target folder for one invocation: two dbt processes writing one target
    folder (its partial parse, manifest and compiled SQL) would interleave their files. Yields
    False, holding nothing, when ``wait`` is off and another process holds it."""
    settings.dbt_target_dir.mkdir(parents=True, exist_ok=True)
    with (settings.dbt_target_dir / ".invocation.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        except OSError as error:
            # A file system without locks (some network mounts): the pipeline's own order of
            # tasks still keeps its dbt invocations apart; only the pre-parse steps aside.
            log.warning("cannot lock %s (%s); running dbt without the lock", handle.name, error)
            yield wait
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def dbt_common_args(settings: Settings) -> list[str]:
    """The project, profile, target and log folders every invocation names."""
    return [
        "--project-dir",
        str(settings.dbt_project_dir),
        "--profiles-dir",
        str(settings.dbt_project_dir),
        "--target-path",
        str(settings.dbt_target_dir),
        "--log-path",
        str(settings.dbt_log_dir),
        "--target",
        settings.dbt_target,
    ]


def _project_state(project_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Every project file's path, size and modification time: a cached parse is reused only
    while none of them changed (what dbt's partial parse would re-read)."""
    files = (p for p in project_dir.rglob("*") if p.is_file() and not {"target", "logs"} & set(p.parts))
    return tuple(sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files))


_parsed: dict[str, Any] = {"key": None, "manifest": None}


def _manifest(
    settings: Settings,
    common: list[str],
    variables: dict[str, str],
    vars_json: str | None,
    callbacks: list[Any],
) -> Any:
    """The parsed project for these settings, environment and vars: parsed (partially, from
    target/partial_parse.msgpack) on first use, then reused while the project files stay as
    they were."""
    from dbt.cli.main import dbtRunner

    key = (
        tuple(common),
        tuple(sorted(variables.items())),
        vars_json,
        _project_state(settings.dbt_project_dir),
    )
    if _parsed["key"] != key:
        _parsed.update(key=None, manifest=None)
        result = dbtRunner(callbacks=callbacks).invoke(
            ["--quiet", "parse", *common, *(["--vars", vars_json] if vars_json else [])]
        )
        if not result.success:
            raise DbtError(f"dbt could not parse {settings.dbt_project_dir}: {result.exception}")
        _parsed.update(key=key, manifest=result.result)
    return _parsed["manifest"]


def _close_duckdb() -> None:
    """Close dbt-duckdb's connection to the build file (kept open between invocations by
    default, which would keep this process's readers, and any other writer, out)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    # dbt-duckdb's class attributes are unannotated (its _ENV is declared None).
    manager: Any = DuckDBConnectionManager
    environment = manager._ENV
    if environment is not None:
        environment.close()
    manager.close_all_connections()


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
    from dbt.artifacts.schemas.run import RunExecutionResult
    from dbt.cli.main import dbtRunner
    from dbt_common.events.base_types import EventLevel, EventMsg

    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    target_path = settings.dbt_target_dir
    common = dbt_common_args(settings)
    vars_json = json.dumps(variables) if variables else None
    args = [*command, *common, *(["--vars", vars_json] if vars_json else [])]
    lines: list[str] = []

    def keep(event: EventMsg) -> None:
        # What dbt prints (info and above), in this log rather than on stdout (--quiet).
        # msg is a field of dbt's protobuf EventInfo, which its stubs do not declare.
        message = str(getattr(event.info, "msg", "") or "")
        if event.info.level in (EventLevel.INFO, EventLevel.WARN, EventLevel.ERROR) and message:
            lines.append(message)
            log.info("dbt | %s", message)

    log.info("running dbt %s", " ".join(args))
    variables_env = {**dbt_env(settings), **(environment or {})}
    try:
        with target_lock(settings), environment_variables(variables_env):
            manifest = _manifest(settings, common, variables_env, vars_json, [keep])
            # The parse wrote manifest.json for this state of the project; a build writing it
            # again (--write-json, dbt's default) spends most of a second serialising it.
            outcome = dbtRunner(manifest=manifest, callbacks=[keep]).invoke(
                ["--quiet", "--no-write-json", *args]
            )
            run_results = target_path / "run_results.json"
            run_results.unlink(missing_ok=True)  # never the results of an earlier invocation
            if outcome.exception is None and isinstance(outcome.result, RunExecutionResult):
                # dbt's own artifact, as --write-json would have written it.
                outcome.result.write(str(run_results))
            results = _read_run_results(run_results) if outcome.exception is None else []
    finally:
        _close_duckdb()
    for node in results:
        log.info(
            "dbt %-10s %-8s %6.2fs %s", node.resource_type, node.status, node.execution_time, node.unique_id
        )
    if not outcome.success:
        failed = [n for n in results if n.status in ("error", "fail", "runtime error")]
        detail = "; ".join(f"{n.unique_id}: {n.status}: {(n.message or '').strip()[:300]}" for n in failed)
        reason = (
            "failures"
            if outcome.exception is None
            else f"{type(outcome.exception).__name__}: {outcome.exception}"
        )
        tail = "\n".join(lines[-25:])
        raise DbtError(f"dbt {' '.join(command)} failed ({reason}). {detail}\n{tail}")
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
