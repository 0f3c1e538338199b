"""The one Airflow process behind `drugtrade run` (drugtrade.embedded starts it with the
embedded environment): readies the SQLite metadata, then runs the DAGs of each day with
``DAG.test()``. These are real DAG runs and task instances in the metadata, every task executed
in this process by Airflow's in-process supervisor, with its callbacks, XComs and asset events:
what `airflow dags test` does, without paying Airflow's start-up and a parse of the DAG folder
for each of the seven CLI commands the set-up and the three DAGs used to take.

What `airflow dags test` adds around ``DAG.test()`` is done here once per process: the
migration check (and the migration when the database is not at Alembic's head), the log
template sync, the DAG folder parsed into the metadata (as `airflow dags reserialize`), the
pools created (as `airflow pools set`). Not kept: the CLI's audit rows in the ``log`` table.

    python -m drugtrade.embedded_airflow --status-fd N [--day D ... --dag ID ...]

Airflow's log goes to stdout (the parent writes it to the run's log file); progress goes to the
parent as one JSON object a line on file descriptor N: ``{"event": "ready", "seconds": s}``,
then ``{"event": "dag", "dag_id": ..., "day": ..., "state": ..., "seconds": s}`` per DAG run.
The process stops at the first DAG run that does not succeed. Exit status: 0 when every run
succeeded, 1 when one failed, 2 when the set-up failed.
"""

from __future__ import annotations

import argparse
import atexit
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import IO, Any

log = logging.getLogger(__name__)

EXIT_DAG_FAILED = 1
EXIT_SETUP_FAILED = 2


def migrate_metadata() -> bool:
    """Bring the metadata database to Alembic's head; True when a migration (or the creation of
    the database) ran. At head, only the revision is compared: `airflow db migrate` would load
    every migration script and run Alembic's upgrade to find there is nothing to do."""
    from airflow.utils import db

    # The comparison check_and_run_migrations makes before every CLI command.
    with db._configured_alembic_environment() as environment:
        at_head = set(environment.script.get_heads()) == set(environment.get_context().get_current_heads())
    if at_head:
        db.synchronize_log_template()
        return False
    db.upgradedb()
    return True


def create_pools(pools: dict[str, int]) -> None:
    from airflow.models.pool import Pool

    for name, slots in pools.items():
        Pool.create_or_update_pool(name, slots, "one writer at a time", include_deferred=False)


def serialize_dags() -> dict[str, Any]:
    """Parse the DAG folder once and write it to the metadata (`airflow dags reserialize`):
    without a DAG processor only this puts the DAGs in `airflow dags list`. The DAGs by id."""
    from airflow.dag_processing.bundles.base import unpack_bundle_version
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import BundleDagBag, sync_bag_to_db
    from airflow.utils.session import create_session

    manager = DagBundlesManager()  # type: ignore[no-untyped-call]  # Airflow's constructor is unannotated
    with create_session() as session:
        manager.sync_bundles_to_db(session=session)
    dags: dict[str, Any] = {}
    for bundle in manager.get_all_dag_bundles():
        bundle.initialize()
        bag = BundleDagBag(bundle.path, bundle_path=bundle.path, bundle_name=bundle.name)
        for path, error in bag.import_errors.items():
            log.error("DAG file %s of bundle %s could not be parsed: %s", path, bundle.name, error)
        # As `airflow dags reserialize` does: a versioned bundle's version and its data apart.
        version, version_data = unpack_bundle_version(bundle.get_current_version(), bundle)
        sync_bag_to_db(bag, bundle.name, bundle_version=version, version_data=version_data)
        dags.update(bag.dags)
    return dags


def run_dag(dag: Any, day: str) -> str:
    """One DAG run for ``day`` as `airflow dags test DAG_ID DAY` makes it; its final state."""
    from airflow.sdk.timezone import parse

    try:
        state = dag.test(logical_date=parse(day)).state
    except Exception:
        # DAG.test logs and records a task's failure itself; this is Airflow failing around it.
        log.exception("the %s run of %s could not be completed", dag.dag_id, day)
        return "failed"
    return str(getattr(state, "value", state))


def run(
    days: Sequence[str],
    dag_ids: Sequence[str],
    pools: dict[str, int],
    report: Callable[[dict[str, object]], None],
) -> int:
    """Ready the metadata, then each DAG of each day in order, stopping at the first run that
    does not succeed; ``report`` receives the progress events. The exit status."""
    started = time.monotonic()
    try:
        migrated = migrate_metadata()
        create_pools(pools)
        dags = serialize_dags()
    except Exception:
        log.exception("the Airflow metadata could not be readied")
        return EXIT_SETUP_FAILED
    report({"event": "ready", "seconds": time.monotonic() - started, "migrated": migrated})
    for day in days:
        for dag_id in dag_ids:
            step_started = time.monotonic()
            dag = dags.get(dag_id)
            if dag is None:
                log.error("no DAG %s in the DAG folder (parse errors are logged above)", dag_id)
            state = run_dag(dag, day) if dag is not None else "missing"
            report(
                {
                    "event": "dag",
                    "dag_id": dag_id,
                    "day": day,
                    "state": state,
                    "seconds": time.monotonic() - step_started,
                }
            )
            if state != "success":
                return EXIT_DAG_FAILED
    return 0


def _reporter(stream: IO[str]) -> Callable[[dict[str, object]], None]:
    def report(event: dict[str, object]) -> None:
        stream.write(json.dumps(event) + "\n")
        stream.flush()

    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drugtrade.embedded_airflow", description=__doc__)
    parser.add_argument("--status-fd", type=int, required=True, help="where progress events go")
    parser.add_argument("--day", action="append", default=[], help="a logical date (repeatable)")
    parser.add_argument("--dag", action="append", default=[], help="a DAG id, in run order (repeatable)")
    args = parser.parse_args(argv)

    from drugtrade.orchestration import POOLS

    with os.fdopen(args.status_fd, "w") as status:
        return run(args.day, args.dag, POOLS, _reporter(status))


def exit_now(code: int) -> None:
    """End this process without the interpreter's teardown: after a run it frees the whole
    heap (dbt's manifest, GX, Airflow's models) object by object, about 3 s here for nothing.
    What teardown would do that matters runs first: the atexit handlers (Airflow disposes its
    database engine there) and the flush of the logs and standard streams."""
    try:
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


if __name__ == "__main__":
    exit_now(main())
