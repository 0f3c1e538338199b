"""The embedded default: real Airflow DAG runs (``DAG.test()``, as `airflow dags test` makes
them) on SQLite metadata in a git-ignored AIRFLOW_HOME inside the repository, a local DuckDB
warehouse and the bundled sample sources. No scheduler, no Docker. The set-up and every DAG run
of one invocation happen in one Airflow process (drugtrade.embedded_airflow), so Airflow's
start-up is paid once, not once per command."""

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
from drugtrade.warehouse.dbt_preparse import start_preparse

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


class AirflowProcess:
    """The one child process (drugtrade.embedded_airflow) that readies the metadata and runs
    the DAGs; its progress events arrive on a pipe, its Airflow log goes to ``log_file``."""

    def __init__(self, env: dict[str, str], log_file: Path, days: list[str], dag_ids: list[str]) -> None:
        read_end, write_end = os.pipe()
        command = [sys.executable, "-m", "drugtrade.embedded_airflow", "--status-fd", str(write_end)]
        command += [f"--day={day}" for day in days] + [f"--dag={dag_id}" for dag_id in dag_ids]
        self.log_file = log_file
        with log_file.open("a") as log:
            log.write(f"\n$ {' '.join(command)}\n")
            log.flush()
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, pass_fds=(write_end,)
            )
        os.close(write_end)
        self.events = os.fdopen(read_end)

    def next_event(self) -> dict[str, Any] | None:
        """The next progress event, or None once the process has closed its end."""
        line = self.events.readline()
        return json.loads(line) if line else None

    def wait(self) -> int:
        self.events.close()
        return self.process.wait()


def prepare_airflow(settings: Settings, airflow_home: Path, log_file: Path) -> dict[str, str]:
    """Migrate the metadata when needed, create the pools and serialize the DAGs, in one
    process; the environment Airflow commands of the embedded set-up run with."""
    airflow_home.mkdir(parents=True, exist_ok=True)
    env = airflow_env(settings, airflow_home)
    process = AirflowProcess(env, log_file, [], [])
    ready = process.next_event()
    if process.wait() != 0 or ready is None:
        raise PipelineFailed(f"the Airflow metadata could not be readied; see {log_file}")
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
    home.mkdir(parents=True, exist_ok=True)
    dags = list(dag_ids or DAG_ORDER)
    # dbt's parse on the core the ingestion leaves idle; the transform then parses partially.
    preparse = (
        start_preparse(settings, setup_log.with_suffix(".dbt-parse.log")) if "transform" in dags else None
    )
    process = AirflowProcess(airflow_env(settings, home), setup_log, days, dags)
    try:
        failed = _follow(settings, process, prefix="  ", days_prefixed=len(days) > 1)
    finally:
        code = process.wait()
        if preparse is not None:
            _end(preparse)
    if failed or code != 0:
        if not failed:
            what = (
                "the Airflow metadata could not be readied" if code == 2 else f"Airflow stopped (exit {code})"
            )
            print(f"  {what}; see {setup_log}", file=sys.stderr)
        return 1
    print(f"pipeline finished in {time.monotonic() - started:.0f}s\n")
    return print_summary(settings.warehouse_dir)


def _end(process: subprocess.Popen[bytes]) -> None:
    """Wait for a helper process (long finished in a normal run); stop it if it hangs."""
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _follow(settings: Settings, process: AirflowProcess, prefix: str, days_prefixed: bool) -> bool:
    """Print each event of the Airflow process as it arrives, and why a DAG run failed (the
    failure records its tasks wrote); True when the set-up or a run failed."""
    since = time.time() - 1
    while (event := process.next_event()) is not None:
        seconds = event["seconds"]
        if event["event"] == "ready":
            print(f"{prefix}airflow metadata ready ({seconds:.0f}s)")
            continue
        dag_id = event["dag_id"]
        label = f"{prefix}{event['day']} {dag_id}" if days_prefixed else f"{prefix}{dag_id}"
        failures = _dag_run_failed(settings, dag_id, since)
        if event["state"] != "success" or failures:
            print(f"{label}: FAILED ({seconds:.0f}s)", file=sys.stderr)
            for failure in failures:
                print(
                    f"    {failure['task_id']}: {failure['error_type']}: {(failure['error'] or '')[:2000]}",
                    file=sys.stderr,
                )
            print(f"  Airflow log: {process.log_file}", file=sys.stderr)
            return True
        print(f"{label}: success ({seconds:.0f}s)")
        since = time.time() - 1
    return False


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
