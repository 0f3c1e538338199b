"""The embedded default: real Airflow DAG runs (`airflow dags test`) on SQLite metadata in a
git-ignored AIRFLOW_HOME inside the repository, a local DuckDB warehouse and the bundled
sample sources. No scheduler, no Docker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import date as date_type
from pathlib import Path
from typing import Any, cast

from drugtrade.config import PROJECT_ROOT, Settings, default_lake_dir, load_settings
from drugtrade.errors import DrugtradeError

DAG_ORDER = ("ingest_statistics", "ingest_articles", "transform")
EXAMPLE_QUERY = (
    "select country_name, year, estimator, cultivation_ha from analyst.coca_cultivation_ha "
    "where country_iso3 = 'COL' and year between 2015 and 2020 order by year, estimator"
)


class PipelineFailed(DrugtradeError, RuntimeError):
    pass


def airflow_env(settings: Settings, airflow_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(settings.project_root / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": env.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO"),
            "DRUGTRADE_WAREHOUSE": str(settings.warehouse_dir),
            "DRUGTRADE_LAKE": str(settings.lake_dir),
            "DRUGTRADE_REGISTRY": str(settings.registry_path),
            "DRUGTRADE_PROJECT_ROOT": str(settings.project_root),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.project_root), env.get("PYTHONPATH")])),
            "NO_PROXY": "*",
            "DRUGTRADE_NETWORK_RETRIES": env.get("DRUGTRADE_NETWORK_RETRIES", "0"),
            "DRUGTRADE_TASK_RETRIES": env.get("DRUGTRADE_TASK_RETRIES", "0"),
        }
    )
    return env


def _airflow_command(args: list[str]) -> list[str]:
    """The Airflow CLI of this virtualenv (or the one on PATH) with ``args``."""
    executable = Path(sys.executable).with_name("airflow")
    return [str(executable) if executable.exists() else "airflow", *args]


def _airflow(args: list[str], env: dict[str, str], log_file: Path) -> int:
    command = _airflow_command(args)
    with log_file.open("a") as log:
        log.write(f"\n$ {' '.join(command)}\n")
        log.flush()
        return subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False).returncode


def prepare_airflow(settings: Settings, airflow_home: Path, log_file: Path) -> dict[str, str]:
    airflow_home.mkdir(parents=True, exist_ok=True)
    env = airflow_env(settings, airflow_home)
    if _airflow(["db", "migrate"], env, log_file) != 0:
        raise PipelineFailed(f"airflow db migrate failed; see {log_file}")
    from drugtrade.orchestration import POOLS

    for pool, slots in POOLS.items():
        if _airflow(["pools", "set", pool, str(slots), "one writer at a time"], env, log_file) != 0:
            raise PipelineFailed(f"could not create the {pool} pool; see {log_file}")
    # Without a dag-processor, only this puts the DAGs in the metadata (`airflow dags list`).
    if _airflow(["dags", "reserialize"], env, log_file) != 0:
        raise PipelineFailed(f"the DAG files could not be parsed; see {log_file}")
    return env


def _dag_run_failed(settings: Settings, dag_id: str, since: float) -> list[dict[str, Any]]:
    """Failure records written by the on-failure callback during this invocation."""
    root = settings.runs_dir / dag_id
    if not root.exists():
        return []
    return [json.loads(p.read_text()) for p in root.glob("*/failures/*.json") if p.stat().st_mtime >= since]


def _embedded_settings(
    warehouse: Path | None, registry: Path | None, airflow_home: Path | None
) -> tuple[Settings, Path]:
    overrides = {}
    if warehouse:
        overrides["DRUGTRADE_WAREHOUSE"] = str(warehouse.resolve())
        overrides["DRUGTRADE_LAKE"] = str(default_lake_dir(warehouse.resolve()))
    if registry:
        overrides["DRUGTRADE_REGISTRY"] = str(registry.resolve())
    settings = load_settings({**os.environ, **overrides})
    home = (
        airflow_home or Path(os.environ.get("DRUGTRADE_AIRFLOW_HOME", PROJECT_ROOT / ".airflow"))
    ).resolve()
    return settings, home


def run_airflow_command(args: list[str]) -> int:
    """Any Airflow CLI command against the embedded set-up (the repository's DAGs, SQLite metadata
    in .airflow/): `drugtrade airflow dags list`, `... tasks list transform`, `... dags list-runs
    transform`. Output goes to the terminal."""
    settings, home = _embedded_settings(None, None, None)
    if not (home / "airflow.db").exists():
        settings.runs_dir.mkdir(parents=True, exist_ok=True)
        prepare_airflow(settings, home, settings.runs_dir / "airflow-setup.log")
    return subprocess.run(_airflow_command(args), env=airflow_env(settings, home), check=False).returncode


def days_between(first: str, last: str) -> list[str]:
    start, end = date_type.fromisoformat(first), date_type.fromisoformat(last)
    if end < start:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    return [(start + timedelta(days=offset)).isoformat() for offset in range((end - start).days + 1)]


def run_pipeline(
    date: str | None = None,
    warehouse: Path | None = None,
    airflow_home: Path | None = None,
    registry: Path | None = None,
    dag_ids: list[str] | None = None,
    until: str | None = None,
) -> int:
    """Run the DAGs for one day, or for every day from `date` to `until` (inclusive) in order:
    a backfill without a scheduler, stopping at the first day that fails."""
    settings, home = _embedded_settings(warehouse, registry, airflow_home)
    first = date or datetime.now(UTC).date().isoformat()
    days = days_between(first, until) if until else [first]
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    setup_log = settings.runs_dir / f"airflow-{first}.log"
    setup_log.parent.mkdir(parents=True, exist_ok=True)

    print(
        f"drugtrade: warehouse {settings.warehouse_dir}, Airflow home {home}, "
        f"{'day ' + first if len(days) == 1 else f'days {first} to {until} ({len(days)})'}"
    )
    started = time.monotonic()
    env = prepare_airflow(settings, home, setup_log)
    print(f"  airflow metadata ready ({time.monotonic() - started:.0f}s)")
    for day in days:
        if _run_day(settings, env, day, dag_ids, prefix=f"  {day} " if len(days) > 1 else "  ") != 0:
            return 1
    print(f"pipeline finished in {time.monotonic() - started:.0f}s\n")
    return print_summary(settings.warehouse_dir)


def _run_day(
    settings: Settings, env: dict[str, str], day: str, dag_ids: list[str] | None, prefix: str
) -> int:
    log_file = settings.runs_dir / f"airflow-{day}.log"
    for dag_id in dag_ids or DAG_ORDER:
        step_started = time.monotonic()
        wall = time.time() - 1
        code = _airflow(["dags", "test", dag_id, day], env, log_file)
        failures = _dag_run_failed(settings, dag_id, wall)
        seconds = time.monotonic() - step_started
        if code != 0 or failures:
            print(f"{prefix}{dag_id}: FAILED ({seconds:.0f}s)", file=sys.stderr)
            for failure in failures:
                print(
                    f"    {failure['task_id']}: {failure['error_type']}: {(failure['error'] or '')[:2000]}",
                    file=sys.stderr,
                )
            print(f"  Airflow log: {log_file}", file=sys.stderr)
            return 1
        print(f"{prefix}{dag_id}: success ({seconds:.0f}s)")
    return 0


def latest_summary_file(settings: Settings, dag_id: str, name: str = "summary.json") -> Path | None:
    summaries = sorted((settings.runs_dir / dag_id).glob(f"*/{name}"), key=lambda p: p.stat().st_mtime)
    return summaries[-1] if summaries else None


def latest_transform_summary(settings: Settings) -> dict[str, Any] | None:
    path = latest_summary_file(settings, "transform")
    return cast("dict[str, Any]", json.loads(path.read_text())) if path else None


def print_summary(warehouse: Path | None = None, steps: bool = False) -> int:
    import duckdb

    from drugtrade.warehouse.coverage import coverage_lines

    env = dict(os.environ)
    if warehouse:
        env["DRUGTRADE_WAREHOUSE"] = str(Path(warehouse).resolve())
        env.pop("DRUGTRADE_LAKE", None)
    settings = load_settings(env)
    serving = settings.serving_db
    if not serving.exists():
        print(f"no serving warehouse at {serving}: run `make run`", file=sys.stderr)
        return 1
    with duckdb.connect(str(serving), read_only=True) as connection:
        print("Rows per fact table (serving warehouse):")
        for table in ("fct_statements", "fct_seizures", "fct_production", "fct_article_facts"):
            # count(*) returns exactly one row.
            count = cast("tuple[int]", connection.execute(f"select count(*) from marts.{table}").fetchone())[
                0
            ]
            print(f"  {table:<20} {count:>10,}")
        print("Coverage per source and measure (analyst.coverage):")
        for line in coverage_lines(connection):
            print(f"  {line}")
    summary = latest_transform_summary(settings)
    if summary:
        print(f"Quality, run {summary['run_id']} ({summary['status']}):")
        order = {"raw": 0, "raw_to_staging": 1, "staging": 2, "marts": 3}
        for stage in sorted(summary["quality"], key=lambda name: order.get(name, 9)):
            counts = summary["quality"][stage]
            if counts:
                verdict = "passed" if counts["failed_critical"] == 0 else "FAILED"
                print(
                    f"  {stage:<15} {verdict}: {counts['checks']} checks, {counts['failed_critical']} critical "
                    f"failures, {counts['failed_warning']} warnings"
                )
        for failed in summary["failed_expectations"][:10]:
            print(
                f"    [{failed['severity']}] {failed['stage']}/{failed['dataset']}: {failed['expectation']}"
            )
    print("Run summaries (what each step did, rows in and out, failures):")
    for dag_id in DAG_ORDER:
        path = latest_summary_file(settings, dag_id, "summary.txt")
        if path is None:
            continue
        print(f"  {dag_id:<18} {path}")
        if steps:
            print("    " + path.read_text().rstrip().replace("\n", "\n    "))
    print(f"Warehouse (read-only serving copy): {serving}")
    print(f"Parquet exports: {settings.exports_dir}")
    print("Try:")
    print(f'  .venv/bin/drugtrade query "{EXAMPLE_QUERY}"')
    return 0
