"""The ``drugtrade`` command.

Kept whole because it is one job, the command line: each command is a short register/run pair
that imports its work only when run, and splitting them would spread one parser over many files.

Conventions (those of duckdb's and dbt's command lines): errors are one line on stderr naming
the command, exit status 1 when the work failed (a failed query, a failed run) and 2 for a usage
error; a closed pipe (``| head``) ends the command quietly; ``--help`` is fast because no module
heavier than argparse is imported before a command needs it (tests/bi/test_cli.py checks which
modules ``--help`` loads).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from drugtrade.errors import DrugtradeError

# A process that stopped writing because its reader went away (SIGPIPE's status, as a shell
# reports `duckdb ... | head`).
EXIT_CLOSED_PIPE = 141
EXIT_FAILED = 1
EXIT_USAGE = 2


class CommandError(DrugtradeError):
    """The command ran and failed (e.g. DuckDB rejected a statement): one line, exit status 1."""


class UsageError(DrugtradeError):
    """The command line asks for something impossible (e.g. an empty query): exit status 2."""


def _register_run(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = subparsers.add_parser(
        "run",
        help="run the whole pipeline end to end with real Airflow DAG runs (embedded: SQLite, local DuckDB)",
        description="Runs the DAGs ingest_statistics, ingest_articles and transform with DAG.test() (as `airflow dags test`) "
        "for one day, then prints a summary of the warehouse.",
    )
    run.add_argument("--date", help="the run's logical date (YYYY-MM-DD); default today (UTC)")
    run.add_argument(
        "--to",
        dest="until",
        metavar="DATE",
        help="backfill: run every day from --date to this date (inclusive), in order",
    )
    run.add_argument(
        "--warehouse", type=Path, help="data folder (default: ./warehouse or $DRUGTRADE_WAREHOUSE)"
    )
    run.add_argument("--airflow-home", type=Path, help="Airflow home (default: ./.airflow or $AIRFLOW_HOME)")
    run.add_argument("--registry", type=Path, help="source registry YAML (default: sources/registry.yml)")
    run.add_argument(
        "--dags", nargs="+", default=None, metavar="DAG_ID", help="run only these DAGs, in the order given"
    )
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from drugtrade.embedded import run_pipeline

    return run_pipeline(
        date=args.date,
        warehouse=args.warehouse,
        airflow_home=args.airflow_home,
        registry=args.registry,
        dag_ids=args.dags,
        until=args.until,
    )


def _register_airflow(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    airflow = subparsers.add_parser(
        "airflow",
        help="any Airflow CLI command on the embedded set-up (e.g. `drugtrade airflow dags list`)",
        description="Runs `airflow ARGS...` with the embedded environment of `drugtrade run`: the "
        "repository's DAGs, SQLite metadata in .airflow/, the same warehouse settings.",
    )
    airflow.add_argument("airflow_args", nargs=argparse.REMAINDER, metavar="ARGS")
    airflow.set_defaults(handler=_airflow)


def _airflow(args: argparse.Namespace) -> int:
    from drugtrade.embedded import run_airflow_command

    return run_airflow_command(args.airflow_args or ["--help"])


def _register_query(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    query = subparsers.add_parser(
        "query",
        help="run read-only SQL against the serving warehouse",
        description="Runs every statement of the SQL in order on a read-only connection to the serving "
        "warehouse and prints each result. Exit status 1 when a statement fails (the message names it), "
        "2 for a usage error.",
    )
    query.add_argument(
        "sql",
        nargs="?",
        default=None,
        help="the SQL, @file.sql to read it from a file, or - for standard input "
        "(the default when standard input is not a terminal)",
    )
    query.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table (default), csv, or json (one object per row)",
    )
    query.add_argument(
        "--max-rows",
        type=_non_negative_int,
        default=40,
        metavar="N",
        help="table format: show at most N rows, the first and last halves, and say how many "
        "there are (default 40; 0 shows all)",
    )
    query.add_argument("--db", type=Path, help="DuckDB file (default: the serving copy)")
    query.set_defaults(handler=_query)


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def _read_sql(argument: str | None) -> str:
    if argument is None or argument == "-":
        if argument is None and sys.stdin.isatty():
            raise UsageError("no SQL given: pass it as an argument, as @file.sql, or on standard input")
        sql = sys.stdin.read()
    elif argument.startswith("@"):
        path = Path(argument[1:])
        try:
            sql = path.read_text(encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot read SQL file {path}: {error.strerror or error}") from None
    else:
        sql = argument
    if not sql.strip():
        raise UsageError("no SQL given: the query is empty")
    return sql


def _query(args: argparse.Namespace) -> int:
    sql = _read_sql(args.sql)
    from drugtrade.warehouse.query import QueryError, run_statements
    from drugtrade.warehouse.render import write_results

    try:
        write_results(run_statements(sql, db=args.db), sys.stdout, args.format, max_rows=args.max_rows)
    except QueryError as error:
        raise CommandError(str(error)) from None
    return 0


def _register_summary(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    summary = subparsers.add_parser("summary", help="print what the serving warehouse holds and the last run")
    summary.add_argument("--warehouse", type=Path)
    summary.add_argument(
        "--steps",
        action="store_true",
        help="also print the latest run summary (summary.txt) of each DAG, step by step",
    )
    summary.set_defaults(handler=_summary)


def _summary(args: argparse.Namespace) -> int:
    from drugtrade.embedded import print_summary

    return print_summary(args.warehouse, steps=args.steps)


def _register_docs(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    docs = subparsers.add_parser(
        "docs",
        help="build the dbt docs site of what analysts can query, beside the serving warehouse",
        description="Writes warehouse/serving/docs/index.html: the serving file's tables under the names "
        "they have there, with descriptions, columns and lineage, opening on an overview of where to start. "
        "The pipeline's publish step builds it too.",
    )
    docs.set_defaults(handler=_docs)


def _docs(args: argparse.Namespace) -> int:
    from drugtrade.config import load_settings
    from drugtrade.warehouse.analyst_docs import build_analyst_docs

    index = build_analyst_docs(load_settings())
    print(f"dbt docs: {index} (opens from disk; no server needed)")
    return 0


def _register_bi(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bi = subparsers.add_parser(
        "bi",
        help="Superset on the serving warehouse, with the project's datasets and dashboards",
        description="up: install Superset in its own environment (.venv-superset, pinned by "
        "docker/superset/constraints.txt) when missing, initialise it read-only on the serving warehouse, "
        "load the datasets, charts and dashboards of docker/superset/assets, and start it; "
        "down: stop it; status: say whether it runs and where.",
    )
    bi.add_argument("action", choices=("up", "down", "status"), nargs="?", default="up")
    bi.add_argument("--port", type=int, default=None, help="port of the web server (default 8088)")
    bi.set_defaults(handler=_bi)


def _bi(args: argparse.Namespace) -> int:
    from drugtrade import bi
    from drugtrade.config import load_settings

    settings = load_settings()
    try:
        if args.action == "down":
            return bi.stop(settings)
        if args.action == "status":
            return bi.print_status(settings)
        return bi.up(settings, port=args.port)
    except bi.BIError as error:
        raise CommandError(str(error)) from None


# Commands whose modules import the parsers and extractors (pyarrow, trafilatura, ...): imported
# only when the command line names them; otherwise `--help` lists them with these lines (a test
# checks that they equal the commands' own help).
EXTERNAL_COMMANDS: dict[str, tuple[str, str]] = {
    "parse": (
        "drugtrade.stats.cli",
        "parse one statistical file; observations to stdout, quarantine to stderr (JSON Lines)",
    ),
    "statements": ("drugtrade.extract.cli", "quotations and their speakers, one JSON object per line"),
    "facts": (
        "drugtrade.extract.cli",
        "seizure, cultivation and production figures, one JSON object per line",
    ),
    "content": (
        "drugtrade.extract.cli",
        "main content and metadata of saved pages, one JSON object per page",
    ),
    "eval": (
        "drugtrade.extract.cli",
        "score statements and facts against a gold folder (NN.txt + gold.json)",
    ),
}


def _requested_command(argv: Sequence[str]) -> str | None:
    return next((arg for arg in argv if not arg.startswith("-")), None)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    from drugtrade import __version__

    parts = []
    for package in ("duckdb", "dbt-core", "dbt-duckdb", "great_expectations", "apache-airflow"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            continue
    return f"drugtrade {__version__} ({', '.join(parts)})"


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings, dest, nargs=0, help="print the version and those of its engines, then exit"
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(_version())
        parser.exit()


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; ``argv`` (default sys.argv[1:]) says which external command, if any, to load."""
    requested = _requested_command(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="drugtrade",
        description="drugtrade: a data warehouse of the drug "
        "trade in the Americas (Airflow -> Parquet lake -> dbt on DuckDB -> GX).",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress; tracebacks on errors")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _register_run(subparsers)
    _register_airflow(subparsers)
    _register_query(subparsers)
    _register_summary(subparsers)
    _register_docs(subparsers)
    _register_bi(subparsers)
    if requested in EXTERNAL_COMMANDS:
        importlib.import_module(EXTERNAL_COMMANDS[requested][0]).register(subparsers)
    for name, (_module, help_line) in EXTERNAL_COMMANDS.items():
        if name not in subparsers.choices:
            subparsers.add_parser(name, help=help_line)
    return parser


def _quiet_closed_pipe() -> None:
    # Point stdout at /dev/null so the interpreter's final flush does not raise a second time.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _one_line(error: BaseException) -> str:
    # DuckDB's messages span lines (a caret under the error position, hints); keep the words.
    lines = [line.strip() for line in str(error).splitlines()]
    return " ".join(line for line in lines if line and set(line) != {"^"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    command = f"drugtrade {args.command}"
    try:
        status = int(args.handler(args) or 0)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        _quiet_closed_pipe()
        return EXIT_CLOSED_PIPE
    except UsageError as error:
        print(f"{command}: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as error:
        print(f"{command}: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"{command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if args.verbose:
            raise
        print(
            f"{command}: error: {type(error).__name__}: {_one_line(error)} (-v shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
