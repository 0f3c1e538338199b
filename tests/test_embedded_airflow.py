"""The one Airflow process of the embedded run (drugtrade.embedded_airflow), on its own DAG folder:
real DAG runs on fresh SQLite metadata, the set-up once per process, a stop at the first DAG run
that fails, and no migration when the metadata is already at head."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from drugtrade.config import load_settings
from drugtrade.embedded import AirflowProcess, airflow_env
from drugtrade.orchestration import POOLS

pytestmark = pytest.mark.integration

DAGS = """
from datetime import datetime

from airflow.sdk import dag, task


@dag(dag_id="writes", schedule=None, start_date=datetime(2026, 1, 1), catchup=False)
def writes():
    @task
    def write() -> str:
        import os
        from pathlib import Path

        Path(os.environ["EMBEDDED_TEST_OUT"], "written").write_text("yes")
        return "yes"

    write()


@dag(dag_id="fails", schedule=None, start_date=datetime(2026, 1, 1), catchup=False)
def fails():
    @task
    def explode() -> None:
        raise ValueError("this task fails on purpose")

    explode()


@dag(dag_id="never", schedule=None, start_date=datetime(2026, 1, 1), catchup=False)
def never():
    @task
    def not_reached() -> None:
        import os
        from pathlib import Path

        Path(os.environ["EMBEDDED_TEST_OUT"], "reached").write_text("no")

    not_reached()


writes()
fails()
never()
"""


def _run(env: dict[str, str], log: Path, days: list[str], dag_ids: list[str]) -> tuple[list[dict], int]:
    process = AirflowProcess(env, log, days, dag_ids)
    events = []
    while (event := process.next_event()) is not None:
        events.append(event)
    return events, process.wait()


def test_one_process_sets_up_runs_in_order_and_stops_at_the_first_failure(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "embedded_test_dags.py").write_text(DAGS)
    home = tmp_path / "airflow"
    home.mkdir()
    settings = load_settings({"DRUGTRADE_WAREHOUSE": str(tmp_path / "warehouse")})
    env = {
        **airflow_env(settings, home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "EMBEDDED_TEST_OUT": str(tmp_path),
    }
    log = tmp_path / "airflow.log"

    events, code = _run(env, log, ["2026-03-04"], ["writes", "fails", "never"])

    assert code == 1, log.read_text()[-3000:]
    ready, *runs = events
    assert ready["event"] == "ready" and ready["migrated"] is True
    assert [(r["dag_id"], r["day"], r["state"]) for r in runs] == [
        ("writes", "2026-03-04", "success"),
        ("fails", "2026-03-04", "failed"),
    ]
    assert (tmp_path / "written").read_text() == "yes"
    assert not (tmp_path / "reached").exists(), "a DAG after the failed one ran"
    assert "this task fails on purpose" in log.read_text()

    with sqlite3.connect(home / "airflow.db") as metadata:
        pools = dict(metadata.execute("select pool, slots from slot_pool").fetchall())
        dag_ids = {row[0] for row in metadata.execute("select dag_id from dag").fetchall()}
        states = dict(metadata.execute("select dag_id, state from dag_run").fetchall())
    assert {name: pools[name] for name in POOLS} == POOLS
    assert dag_ids == {"writes", "fails", "never"}, "the DAG folder was not serialized"
    assert states == {"writes": "success", "fails": "failed"}

    # The metadata is at head now: the second process neither migrates nor fails to set up.
    events, code = _run(env, log, ["2026-03-05"], ["writes"])
    assert code == 0, log.read_text()[-3000:]
    assert events[0]["migrated"] is False
    assert [(e["dag_id"], e["state"]) for e in events[1:]] == [("writes", "success")]


def test_the_process_ends_without_teardown_but_after_its_exit_handlers_and_logs(tmp_path: Path) -> None:
    marker = tmp_path / "atexit-ran"
    script = (
        "import atexit, logging, sys\n"
        "from drugtrade.embedded_airflow import exit_now\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'w').write('ran'))\n"
        "logging.basicConfig(stream=sys.stderr)\n"
        "print('buffered output', end='')\n"  # stdout to a pipe is block-buffered
        "logging.getLogger('x').warning('last words')\n"
        "exit_now(3)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 3
    assert done.stdout == "buffered output"
    assert "last words" in done.stderr
    assert marker.read_text() == "ran"
