"""A day of the pipeline in a child process, optionally SIGKILLed at one write point.

    python pipeline_child.py <warehouse> <registry> <day> [kill point]

Kill points (the write each one interrupts, after its temporary file is complete and before
it is renamed into place, or part way through dbt):
raw_copy, lake_partition, quality_results, dbt_build, publish, exports.
The process group is killed, so a dbt child dies with its parent, as under a real OOM kill."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def die() -> None:
    os.killpg(os.getpgid(0), signal.SIGKILL)


def arm(point: str) -> None:
    from drugtrade import lake
    from drugtrade.pipeline import statistics
    from drugtrade.warehouse import dbt, publish

    real_replace, real_run = os.replace, subprocess.run

    def replace_then(condition):
        def replace(src, dst, *args, **kwargs):
            if condition(Path(src), Path(dst)):
                die()
            return real_replace(src, dst, *args, **kwargs)

        return replace

    if point == "raw_copy":

        def copy_half(src, dst, *args, **kwargs):
            data = Path(src).read_bytes()
            Path(dst).write_bytes(data[: len(data) // 2])
            die()

        statistics.shutil.copyfile = copy_half
    elif point == "lake_partition":
        lake.os.replace = replace_then(lambda src, dst: dst.suffix == ".parquet" and "lake" in dst.parts)
    elif point == "dbt_build":

        def run_then_kill(args, *a, **kw):
            if "build" not in args and "run" not in args:
                return real_run(args, *a, **kw)
            process = subprocess.Popen(
                args,
                cwd=kw.get("cwd"),
                env=kw.get("env"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 8
            while process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            die()

        dbt.subprocess.run = run_then_kill
    elif point == "quality_results":
        os.replace = replace_then(lambda src, dst: dst.suffix == ".parquet" and "quality" in dst.parts)
    elif point == "publish":
        publish.os.replace = replace_then(lambda src, dst: dst.suffix == ".duckdb")
    elif point == "exports":
        publish.os.replace = replace_then(
            lambda src, dst: dst.name == "exports" and src.name.startswith(".exports.")
        )
    elif point:
        raise SystemExit(f"unknown kill point {point!r}")


def main(warehouse: str, registry: str, day: str, point: str = "") -> None:
    os.environ.update({"DRUGTRADE_WAREHOUSE": warehouse, "DRUGTRADE_REGISTRY": registry})
    os.environ.pop("DRUGTRADE_LAKE", None)
    from drugtrade.config import load_settings
    from drugtrade.pipeline import transform
    from drugtrade.pipeline.articles import ingest_articles
    from drugtrade.pipeline.registry_snapshot import snapshot_registry
    from drugtrade.pipeline.statistics import ingest_statistics
    from drugtrade.warehouse.publish import publish

    arm(point)
    settings = load_settings()
    ingest_day = dt.date.fromisoformat(day)
    ingest_statistics(settings)
    ingest_articles(settings, ingest_day, workers=1)
    snapshot_registry(settings)
    # The raw articles through their GX suite, as the DAG does: the quality results write point.
    transform.validate_raw(settings, f"run-{day}", datasets=("articles",))
    transform.build_staging(settings, ingest_day)
    transform.build_marts(settings, ingest_day)
    publish(settings, settings.quality_results_glob)


if __name__ == "__main__":
    main(*sys.argv[1:])
