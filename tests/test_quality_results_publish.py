"""dq_results follows the new result files: a publish reads the files that are new or rewritten
since the last one, and reads the whole history again only when it must."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from drugtrade.quality.report import ExpectationOutcome, ValidationReport
from drugtrade.quality.store import ResultStore
from drugtrade.warehouse.quality_results import publish_quality_results
from drugtrade.warehouse.serving_relations import AUDIT_SCHEMA

START = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


def _report(run_id: str, day: int, expectations: int = 1) -> ValidationReport:
    outcomes = [
        ExpectationOutcome(
            expectation=f"expect_{n}",
            severity="critical",
            success=True,
            observed_value=None,
            unexpected_count=0,
        )
        for n in range(expectations)
    ]
    return ValidationReport(
        run_id=run_id,
        stage="marts",
        dataset="fct_seizures",
        success=True,
        outcomes=outcomes,
        rows_validated=10,
        validated_at=START + timedelta(days=day),
    )


def _serving(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute(f"attach '{tmp_path / 'serving.duckdb'}' as serving")
    connection.execute("use serving")
    connection.execute(f"create schema if not exists {AUDIT_SCHEMA}")
    return connection


def _rows(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(
        connection.execute(
            f"select run_id, count(*) from {AUDIT_SCHEMA}.dq_results group by 1 order by 1"
        ).fetchall()
    )


def test_a_publish_reads_the_new_and_rewritten_files_only(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "results")
    store.append(_report("run-a", 0))
    store.append(_report("run-b", 1))
    connection = _serving(tmp_path)
    read = publish_quality_results(connection, store.glob, None)
    assert _rows(connection) == {"run-a": 1, "run-b": 1}
    # A row the next publish would restore if it read run-a's file again.
    connection.execute(f"delete from {AUDIT_SCHEMA}.dq_results where run_id = 'run-a'")
    store.append(_report("run-b", 1, expectations=3))  # a retry rewrites its file
    store.append(_report("run-c", 2, expectations=2))
    read = publish_quality_results(connection, store.glob, read)
    assert _rows(connection) == {"run-b": 3, "run-c": 2}
    assert publish_quality_results(connection, store.glob, read) == read  # nothing new: nothing read
    assert _rows(connection) == {"run-b": 3, "run-c": 2}


def test_a_file_gone_or_a_new_column_reads_the_whole_history(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "results")
    gone = store.append(_report("run-a", 0))
    store.append(_report("run-b", 1))
    connection = _serving(tmp_path)
    read = publish_quality_results(connection, store.glob, None)
    connection.execute(f"delete from {AUDIT_SCHEMA}.dq_results where run_id = 'run-b'")
    gone.unlink()
    read = publish_quality_results(connection, store.glob, read)
    assert _rows(connection) == {"run-b": 1}  # read again: run-a's rows went with its file
    newer = store.append(_report("run-c", 2))
    table = pq.read_table(newer)
    pq.write_table(table.append_column("rule_owner", pa.array(["gx"])), newer)
    publish_quality_results(connection, store.glob, read)
    assert _rows(connection) == {"run-b": 1, "run-c": 1}
    assert connection.execute(
        f"select rule_owner from {AUDIT_SCHEMA}.dq_results where run_id = 'run-c'"
    ).fetchall() == [("gx",)]
