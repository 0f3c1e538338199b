"""Readers under load: while the pipeline publishes again and again, reader processes query the
serving file in a loop through the hardened reader connection. Every query succeeds and sees
one published state whole (day 1 or day 2, never a mix), and a long query holding the old file
open neither blocks a publish nor breaks."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

READERS = 3
MAX_QUERIES_PER_READER = 300
MAX_SECONDS = 90
PUBLISHES = 6
# One statement reading several tables: a reader that saw half a publish would get a mix.
SIGNATURE = (
    "select (select count(*) from fct_statements), (select count(*) from fct_seizures), "
    "(select count(*) from loads), (select count(*) from articles_rejected), "
    "(select coalesce(sum(length(quote)), 0) from fct_statements)"
)
LONG_QUERY = "select count(*) from fct_statements a, fct_statements b, range(300)"


def _read_loop(db: str, stop_at: float, results) -> None:
    from drugtrade.warehouse.query import QueryError, run_query

    seen: dict[tuple, int] = {}
    errors: list[str] = []
    queries = 0
    while queries < MAX_QUERIES_PER_READER and time.monotonic() < stop_at:
        queries += 1
        try:
            _, rows = run_query(SIGNATURE, Path(db))
            seen[tuple(rows[0])] = seen.get(tuple(rows[0]), 0) + 1
        except QueryError as error:
            errors.append(str(error))
    results.put({"queries": queries, "seen": seen, "errors": errors})


def _long_reader(db: str, stop_at: float, results) -> None:
    from drugtrade.warehouse.query import connect_read_only

    connection = connect_read_only(Path(db))
    done, errors = 0, []
    try:
        while time.monotonic() < stop_at and done < 50:
            try:
                connection.execute(LONG_QUERY).fetchall()
                done += 1
            except Exception as error:  # noqa: BLE001 - reported to the test
                errors.append(f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    results.put({"long_queries": done, "errors": errors})


def test_readers_see_whole_states_while_runs_publish(days, tmp_path):
    from drugtrade.config import load_settings
    from drugtrade.warehouse.publish import publish
    from drugtrade.warehouse.query import run_query

    warehouse = tmp_path / "warehouse"
    shutil.copytree(days["after_day1"], warehouse, symlinks=True)
    settings = load_settings(
        {**os.environ, "DRUGTRADE_WAREHOUSE": str(warehouse), "DRUGTRADE_REGISTRY": str(days["registry"])}
    )
    builds = [
        days["after_day1"] / "build" / "drugtrade.duckdb",
        days["warehouse_day2"] / "build" / "drugtrade.duckdb",
    ]
    states = []
    for build in builds:
        shutil.copy(build, settings.build_db)
        publish(settings)
        states.append(tuple(run_query(SIGNATURE, settings.serving_db)[1][0]))
    assert states[0] != states[1], "the two published states must differ for a mix to show"

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    stop_at = time.monotonic() + MAX_SECONDS
    readers = [
        context.Process(target=_read_loop, args=(str(settings.serving_db), stop_at, results))
        for _ in range(READERS)
    ]
    readers.append(context.Process(target=_long_reader, args=(str(settings.serving_db), stop_at, results)))
    for reader in readers:
        reader.start()
    try:
        time.sleep(2)  # the readers are connected and querying
        for number in range(PUBLISHES):
            shutil.copy(builds[number % 2], settings.build_db)
            publish(settings)  # must not wait for, or fail because of, the readers
        reports = [results.get(timeout=MAX_SECONDS + 60) for _ in readers]
    finally:
        for reader in readers:
            reader.join(timeout=30)
            if reader.is_alive():
                reader.kill()
    loops = [r for r in reports if "queries" in r]
    queries = sum(r["queries"] for r in loops)
    errors = [e for r in reports for e in r["errors"]]
    seen = {state for r in loops for state in r["seen"]}
    print(
        f"readers under load: {queries} queries by {READERS} readers, "
        f"{sum(r.get('long_queries', 0) for r in reports)} long queries, {PUBLISHES} publishes, {len(errors)} errors"
    )
    assert errors == []
    assert queries >= READERS * 10, "the readers hardly ran: the test would prove nothing"
    assert seen <= set(states), f"a reader saw a state that was never published: {seen - set(states)}"
    assert tuple(run_query(SIGNATURE, settings.serving_db)[1][0]) == states[(PUBLISHES - 1) % 2]
