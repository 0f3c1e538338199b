"""The ``drugtrade`` command."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path


def _register_run(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser(
        "run",
        help="run the whole pipeline end to end with real Airflow DAG runs (embedded: SQLite, local DuckDB)",
        description="Runs the DAGs ingest_statistics, ingest_articles and transform with `airflow dags test` "
        "for one day, then prints a summary of the warehouse.",
    )
    run.add_argument("--date", help="the run's logical date (YYYY-MM-DD); default today (UTC)")
    run.add_argument("--to", dest="until", metavar="DATE",
                     help="backfill: run every day from --date to this date (inclusive), in order")
    run.add_argument("--warehouse", type=Path, help="data folder (default: ./warehouse or $DRUGTRADE_WAREHOUSE)")
    run.add_argument("--airflow-home", type=Path, help="Airflow home (default: ./.airflow or $AIRFLOW_HOME)")
    run.add_argument("--registry", type=Path, help="source registry YAML (default: sources/registry.yml)")
    run.add_argument("--dags", nargs="+", default=None, metavar="DAG_ID",
                     help="run only these DAGs, in the order given")
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from drugtrade.embedded import run_pipeline

    return run_pipeline(date=args.date, warehouse=args.warehouse, airflow_home=args.airflow_home,
                        registry=args.registry, dag_ids=args.dags, until=args.until)


def _register_airflow(subparsers: argparse._SubParsersAction) -> None:
    airflow = subparsers.add_parser(
        "airflow", help="any Airflow CLI command on the embedded set-up (e.g. `drugtrade airflow dags list`)",
        description="Runs `airflow ARGS...` with the embedded environment of `drugtrade run`: the "
        "repository's DAGs, SQLite metadata in .airflow/, the same warehouse settings.",
    )
    airflow.add_argument("airflow_args", nargs=argparse.REMAINDER, metavar="ARGS")
    airflow.set_defaults(handler=_airflow)


def _airflow(args: argparse.Namespace) -> int:
    from drugtrade.embedded import run_airflow_command

    return run_airflow_command(args.airflow_args or ["--help"])


def _register_query(subparsers: argparse._SubParsersAction) -> None:
    query = subparsers.add_parser("query", help="run read-only SQL against the serving warehouse")
    query.add_argument("sql", help="the SQL to run (or @file.sql)")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument("--db", type=Path, help="DuckDB file (default: the serving copy)")
    query.set_defaults(handler=_query)


def _query(args: argparse.Namespace) -> int:
    from drugtrade.warehouse.query import QueryError, run_query

    sql = Path(args.sql[1:]).read_text() if args.sql.startswith("@") else args.sql
    try:
        columns, rows = run_query(sql, db=args.db)
    except QueryError as error:
        print(f"drugtrade query: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        for row in rows:
            print(json.dumps(dict(zip(columns, row, strict=True)), default=str, ensure_ascii=False))
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        print(format_table(columns, rows))
    return 0


def format_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)), line]
    out += [" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    out.append(f"({len(rows)} rows)")
    return "\n".join(out)


def _register_summary(subparsers: argparse._SubParsersAction) -> None:
    summary = subparsers.add_parser("summary", help="print what the serving warehouse holds and the last run")
    summary.add_argument("--warehouse", type=Path)
    summary.add_argument("--steps", action="store_true",
                         help="also print the latest run summary (summary.txt) of each DAG, step by step")
    summary.set_defaults(handler=_summary)


def _summary(args: argparse.Namespace) -> int:
    from drugtrade.embedded import print_summary

    return print_summary(args.warehouse, steps=args.steps)


def _register_docs(subparsers: argparse._SubParsersAction) -> None:
    docs = subparsers.add_parser("docs", help="generate the dbt docs site (catalog of every model and column)")
    docs.set_defaults(handler=_docs)


def _docs(args: argparse.Namespace) -> int:
    from drugtrade.config import load_settings
    from drugtrade.warehouse.dbt import run_dbt

    settings = load_settings()
    run_dbt(settings, ["docs", "generate"])
    print(f"dbt docs written to {settings.warehouse_dir / 'build' / 'dbt-target'} (index.html); "
          f"serve with: .venv/bin/dbt docs serve --project-dir dbt_project --profiles-dir dbt_project "
          f"--target-path {settings.warehouse_dir / 'build' / 'dbt-target'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="drugtrade", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    subparsers = parser.add_subparsers(dest="command", required=True)
    _register_run(subparsers)
    _register_airflow(subparsers)
    _register_query(subparsers)
    _register_summary(subparsers)
    _register_docs(subparsers)
    from drugtrade.extract.cli import register as register_extract
    from drugtrade.stats.cli import register as register_stats

    register_stats(subparsers)
    register_extract(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
