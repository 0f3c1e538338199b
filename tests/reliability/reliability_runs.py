"""Pipeline days run in child processes on the real files of ../shared, and the snapshot that
compares two warehouses by their facts (run-time columns left out)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent.parent
CHILD = HERE / "pipeline_child.py"
DAY1, DAY2 = "2026-03-01", "2026-03-02"
RUN_TIME_COLUMNS = {"retrieved_at", "first_retrieved_at", "last_retrieved_at", "raw_path", "loaded_at"}


def run_child(warehouse: Path, registry: Path, day: str, point: str = "") -> int:
    finished = subprocess.run(
        [sys.executable, str(CHILD), str(warehouse), str(registry), day, point],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        start_new_session=True,
        check=False,
    )
    if not point:
        assert finished.returncode == 0, finished.stderr[-3000:]
    return finished.returncode


def snapshot(db: Path) -> dict[str, list[tuple]]:
    from drugtrade.warehouse.query import connect_read_only

    tables = {}
    connection = connect_read_only(db)
    try:
        for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_name <> 'dq_results' order by 1"
        ).fetchall():
            columns = [
                c
                for (c,) in connection.execute(
                    "select column_name from information_schema.columns where table_name = $t order by ordinal_position",
                    {"t": name},
                ).fetchall()
                if c not in RUN_TIME_COLUMNS
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            tables[name] = connection.execute(f"select {listed} from {name} order by all").fetchall()
    finally:
        connection.close()
    return tables


def write_registry(tmp_path: Path, shared_dir: Path, pages: Path) -> Path:
    sources = shared_dir / "sources"
    registry = tmp_path / "registry.yml"
    registry.write_text(
        "sources:\n"
        f"  - {{id: news, type: article, kind: folder, location: '{pages}', publisher: test}}\n"
        f"  - {{id: coca, type: statistics, kind: file, location: '{sources / 'unodc' / '6.1.1_-_Illicit_coca_bush_cultivation.xlsx'}',"
        " family: unodc_annex, publisher: UNODC, dataset: t, url: 'https://www.unodc.org', licence: l, citation: c, estimator: UNODC}\n"
        f"  - {{id: amo, type: statistics, kind: file, location: '{sources / 'cbp' / 'amo-drug-seizures-fy19-fy22.csv'}',"
        " family: cbp_air_marine, publisher: CBP, dataset: t, url: 'https://www.cbp.gov', licence: l, citation: c, estimator: CBP}\n"
    )
    return registry


def build_days(tmp_path_factory, shared_dir):
    """Day 1 published with a few pages; day 2 adds the rest. Both states kept to copy from."""
    tmp_path = tmp_path_factory.mktemp("kill")
    samples = sorted((shared_dir / "samples" / "articles" / "real").glob("*.txt"))[:6]
    pages = tmp_path / "pages"
    pages.mkdir()
    registry = write_registry(tmp_path, shared_dir, pages)
    warehouse = tmp_path / "warehouse"
    for sample in samples[:3]:
        shutil.copy(sample, pages / sample.name)
    run_child(warehouse, registry, DAY1)
    after_day1 = tmp_path / "after-day1"
    shutil.copytree(warehouse, after_day1, symlinks=True)
    for sample in samples[3:]:
        shutil.copy(sample, pages / sample.name)
    run_child(warehouse, registry, DAY2)
    return {
        "tmp": tmp_path,
        "registry": registry,
        "after_day1": after_day1,
        "warehouse_day2": warehouse,
        "day1": snapshot(after_day1 / "serving" / "drugtrade.duckdb"),
        "day2": snapshot(warehouse / "serving" / "drugtrade.duckdb"),
        "day1_export_rows": export_rows(after_day1),
        "day2_export_rows": export_rows(warehouse),
    }


def export_rows(warehouse: Path) -> dict[str, int]:
    """Rows of each Parquet export, read whole (a partial file fails here)."""
    return {
        path.stem: pq.read_table(path).num_rows for path in sorted((warehouse / "exports").glob("*.parquet"))
    }
