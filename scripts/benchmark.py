"""Benchmark the whole pipeline at backfill scale and print the figures.

Generates N synthetic article pages (written from our own templates) and a CBP-shaped CSV of M
seizure rows in a temporary folder, points a registry at them, then runs every pipeline step
(the same functions the Airflow tasks call): statistics ingestion, article ingestion on both
cores, raw quality gates, dbt staging, staging gates, dbt marts, mart gates, publication. A second
article run for the next day with a few hundred new pages shows the incremental cost.

    .venv/bin/python scripts/benchmark.py --articles 10000 --seizure-rows 1000000

Prints wall and CPU time per stage (CPU: this process plus its children, so a shared machine
inflates it less than wall time), then in one summary: backfill and daily-run time and their
ratio, GX time beside dbt time, the peak resident memory of this process and its children (dbt
runs in a child process; extraction in worker processes), and, with --airflow-home, Airflow's
overhead per task in the latest transform run of that Airflow home (e.g. after `make run`):
the DAG run's wall time less the time its tasks ran, per task.
First, main content on the real shared pages beside trafilatura alone
(scripts/bench_content.py; ``--content-only`` stops there).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench_content import DEFAULT_PAGES as DEFAULT_CONTENT_PAGES  # noqa: E402
from bench_content import run_content_benchmark  # noqa: E402

FIRST = [
    "Ana",
    "Luis",
    "María",
    "Jorge",
    "Camila",
    "Andrés",
    "Lucía",
    "Diego",
    "Valeria",
    "Tomás",
    "Paula",
    "Raúl",
]
LAST = [
    "Gómez",
    "Herrera",
    "Quintero",
    "Salazar",
    "Vargas",
    "Rojas",
    "Mendoza",
    "Paredes",
    "Ibáñez",
    "Cárdenas",
]
ROLES = [
    "Defence Minister",
    "police chief",
    "Interior Minister",
    "navy spokesman",
    "prosecutor",
    "customs director",
]
COUNTRIES = ["Colombian", "Peruvian", "Ecuadorian", "Mexican", "Bolivian", "Panamanian", "Honduran"]
DRUGS = ["cocaine", "fentanyl", "methamphetamine", "heroin", "marijuana"]
TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Benchmark Monitor</title>
<link rel="canonical" href="https://bench.example/news/{slug}">
<meta property="article:published_time" content="{date}T08:00:00Z">
<meta name="author" content="{author}"></head>
<body><nav><a href="/">Home</a> <a href="/cartels">Cartels</a> <a href="/policy">Policy</a></nav>
<article><h1>{title}</h1><p class="byline">By {author}, {date}</p>
<p>Authorities said on Tuesday that officers seized {tons} tons of {drug} in a container bound for Europe.</p>
<p>"We will keep working with our neighbours to stop the traffickers," said {country} {role} {speaker}.</p>
<p>"The demand side is where the money comes from," {surname} added, calling for more treatment programmes.</p>
<p>Analysts noted that the seizure was the {nth} this year and that coca cultivation had reached {ha} hectares.</p>
</article><div class="related"><h3>Related</h3><a href="/x">Another story about ports</a></div>
<div class="pagination">1 2 3 ... Next</div><footer>Benchmark Monitor</footer></body></html>
"""


def write_articles(folder: Path, count: int, start: int, day: dt.date, rng: random.Random) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(start, start + count):
        speaker = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
        page = TEMPLATE.format(
            title=f"Seizure number {index} at the port",
            slug=f"story-{index}",
            date=day.isoformat(),
            author=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            tons=round(rng.uniform(0.1, 9.9), 1),
            drug=rng.choice(DRUGS),
            country=rng.choice(COUNTRIES),
            role=rng.choice(ROLES),
            speaker=speaker,
            surname=speaker.split()[1],
            nth=f"{index % 40 + 1}th",
            ha=f"{rng.randint(10, 250)},000",
        )
        (folder / f"story-{index:06d}.html").write_text(page, encoding="utf-8")


def write_cbp_csv(path: Path, rows: int, rng: random.Random) -> None:
    months = ["OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP"]
    offices = [f"FIELD OFFICE {i:03d}" for i in range(300)]
    drugs = ["Cocaine", "Fentanyl", "Heroin", "Marijuana", "Methamphetamine", "Ecstasy", "Other Drugs**"]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(
            [
                "FY",
                "Month (abbv)",
                "Component",
                "Region",
                "Land Filter",
                "Area of Responsibility",
                "Drug Type",
                "Count of Event",
                "Sum Qty (lbs)",
            ]
        )
        for i in range(rows):
            writer.writerow(
                [
                    2000 + (i % 26),
                    months[i % 12],
                    "Office of Field Operations",
                    "Southwest Border",
                    "Southwest Border",
                    offices[(i // 12) % 300],
                    drugs[(i // 3600) % len(drugs)],
                    rng.randint(1, 40),
                    round(rng.uniform(0.01, 5000), 4),
                ]
            )


class PeakMemory:
    """Samples the resident memory of this process plus all its children."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = me.memory_info().rss
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_info().rss
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def airflow_overhead(airflow_home: Path) -> str:
    """Airflow's cost around the work of the latest transform run in ``airflow_home``: the time
    from the run's start to its end that no task was running, per task (scheduling, task
    start-up, state writes)."""
    import sqlite3

    database = airflow_home / "airflow.db"
    if not database.is_file():
        return f"Airflow overhead: no metadata database at {database}"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        run = connection.execute(
            "select run_id, start_date, end_date from dag_run where dag_id = 'transform' and end_date is not null "
            "order by end_date desc limit 1"
        ).fetchone()
        if run is None:
            return "Airflow overhead: no finished transform run"
        tasks = connection.execute(
            "select task_id, start_date, end_date from task_instance where dag_id = 'transform' and run_id = ? "
            "and start_date is not null and end_date is not null order by start_date",
            (run[0],),
        ).fetchall()
    stamp = dt.datetime.fromisoformat
    first_start = min(stamp(t[1]) for t in tasks)
    wall = (stamp(run[2]) - first_start).total_seconds()
    busy = sum((stamp(t[2]) - stamp(t[1])).total_seconds() for t in tasks)
    return (
        f"Airflow overhead ({run[0]}): {len(tasks)} tasks ran {busy:.1f}s of the run's {wall:.1f}s from the "
        f"first task's start: {(wall - busy) / len(tasks):.2f}s per task"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seizure-rows", type=int, default=1_000_000)
    parser.add_argument("--daily-articles", type=int, default=300)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--content-pages",
        type=Path,
        default=DEFAULT_CONTENT_PAGES,
        help="real pages for the main-content figures (skipped when absent)",
    )
    parser.add_argument("--content-rounds", type=int, default=3)
    parser.add_argument("--content-only", action="store_true", help="print the main-content figures and stop")
    parser.add_argument(
        "--airflow-home",
        type=Path,
        default=None,
        help="report Airflow's per-task overhead from this home's latest transform run",
    )
    args = parser.parse_args()

    if (args.content_pages / "expected.json").is_file():
        run_content_benchmark(args.content_pages, args.content_rounds)
    else:
        print(f"main content: skipped, no content pages at {args.content_pages}")
    if args.content_only:
        return 0

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="drugtrade-bench-"))
    rng = random.Random(7)
    sources = workdir / "sources"
    day = dt.date(2026, 11, 1)
    started = time.perf_counter()
    write_articles(sources / "articles", args.articles, 0, day, rng)
    write_cbp_csv(sources / "cbp.csv", args.seizure_rows, rng)
    print(
        f"generated {args.articles:,} pages and {args.seizure_rows:,} CBP rows in "
        f"{time.perf_counter() - started:.1f}s under {workdir}"
    )
    registry = workdir / "registry.yml"
    registry.write_text(
        "sources:\n"
        f"  - {{id: bench-news, type: article, kind: folder, location: {sources / 'articles'}, publisher: bench}}\n"
        f"  - {{id: bench-cbp, type: statistics, kind: file, location: {sources / 'cbp.csv'}, family: cbp_nationwide,"
        " publisher: bench, dataset: bench, url: 'https://example.invalid', licence: none, citation: none,"
        " estimator: CBP}\n"
        # The production star needs its estimates: the bundled UNODC and US-government figures.
        f"  - {{id: coca-estimates, type: statistics, kind: file, location: {PROJECT_ROOT / 'sources' / 'statistics' / 'coca_estimates.csv'},"
        " family: production_estimates, publisher: bench, dataset: bench, url: 'https://example.invalid',"
        " licence: none, citation: none}\n"
    )
    os.environ.update(
        {"DRUGTRADE_WAREHOUSE": str(workdir / "warehouse"), "DRUGTRADE_REGISTRY": str(registry)}
    )
    os.environ.pop("DRUGTRADE_LAKE", None)

    from drugtrade.config import load_settings
    from drugtrade.pipeline import transform
    from drugtrade.pipeline.articles import ingest_articles
    from drugtrade.pipeline.registry_snapshot import snapshot_registry
    from drugtrade.pipeline.statistics import ingest_statistics
    from drugtrade.quality import build_data_docs
    from drugtrade.warehouse.publish import publish

    settings = load_settings()
    timings: list[tuple[str, float, int, float]] = []

    def cpu_seconds() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def stage(name: str, function, *fargs, **fkwargs):
        with PeakMemory() as memory:
            t0, c0 = time.perf_counter(), cpu_seconds()
            result = function(*fargs, **fkwargs)
            timings.append((name, time.perf_counter() - t0, memory.peak, cpu_seconds() - c0))
        print(
            f"  {name:<32} {timings[-1][1]:8.1f}s wall {timings[-1][3]:8.1f}s cpu   "
            f"peak RSS {memory.peak / 2**20:8.0f} MiB",
            flush=True,
        )
        return result

    def transform_all(label: str, run_id: str, ingest_day: dt.date) -> None:
        stage(f"{label}: registry", snapshot_registry, settings)
        stage(f"{label}: gx raw", transform.validate_raw, settings, run_id)
        stage(f"{label}: dbt staging", transform.build_staging, settings, ingest_day)
        stage(f"{label}: gx staging", transform.validate_staging, settings, run_id)
        stage(f"{label}: dbt marts", transform.build_marts, settings, ingest_day)
        stage(f"{label}: gx marts", transform.validate_marts, settings, run_id)
        stage(f"{label}: publish", publish, settings, settings.quality_results_glob)
        stage(
            f"{label}: gx data docs",
            build_data_docs,
            settings.quality_results_dir,
            settings.quality_docs_dir,
        )

    def total(label: str, part: str, index: int = 1) -> float:
        return sum(t[index] for t in timings if t[0].startswith(f"{label}: {part}"))

    print("backfill:")
    began = time.perf_counter()
    stage("backfill: statistics", ingest_statistics, settings)
    stage("backfill: articles (2 workers)", ingest_articles, settings, day, workers=2)
    transform_all("backfill", "bench-backfill", day)
    backfill_seconds = time.perf_counter() - began

    print("daily (incremental):")
    next_day = day + dt.timedelta(days=1)
    write_articles(sources / "articles", args.daily_articles, args.articles, next_day, rng)
    began = time.perf_counter()
    stage("daily: statistics (unchanged)", ingest_statistics, settings)
    stage("daily: articles (2 workers)", ingest_articles, settings, next_day, workers=2)
    transform_all("daily", "bench-daily", next_day)
    daily_seconds = time.perf_counter() - began

    peak = max(t[2] for t in timings)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print()
    backfill_cpu = sum(t[3] for t in timings if t[0].startswith("backfill"))
    daily_cpu = sum(t[3] for t in timings if t[0].startswith("daily"))
    print(
        f"backfill of {args.articles:,} articles + {args.seizure_rows:,} seizure rows: {backfill_seconds:.0f}s "
        f"wall, {backfill_cpu:.0f}s cpu"
    )
    print(
        f"daily run adding {args.daily_articles:,} articles: {daily_seconds:.0f}s wall, {daily_cpu:.0f}s cpu; "
        f"daily / backfill = {daily_seconds / backfill_seconds:.0%} wall, {daily_cpu / backfill_cpu:.0%} cpu "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    for label in ("backfill", "daily"):
        gx_wall, dbt_wall = total(label, "gx"), total(label, "dbt")
        print(
            f"{label}: GX {gx_wall:.1f}s wall ({total(label, 'gx', 3):.1f}s cpu) beside dbt {dbt_wall:.1f}s wall "
            f"({total(label, 'dbt', 3):.1f}s cpu): GX / dbt = {gx_wall / dbt_wall:.0%}"
        )
    print(
        f"peak resident memory (this process + children, sampled): {peak / 2**20:.0f} MiB; "
        f"largest single child process: {children:.0f} MiB"
    )
    if args.airflow_home is not None:
        print(airflow_overhead(args.airflow_home))
    if not args.keep and args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
