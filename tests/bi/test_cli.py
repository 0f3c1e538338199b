"""The `drugtrade` command line's conventions (those of duckdb's and dbt's), through the console
script in a child process, on a DuckDB file made from CBP's published CSV (../shared)."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from drugtrade import __version__
from drugtrade.cli import EXIT_CLOSED_PIPE, EXTERNAL_COMMANDS, build_parser

DRUGTRADE = str(Path(sys.executable).with_name("drugtrade"))
CBP_CSV = Path("sources/cbp/nationwide-drugs-fy19-fy22.csv")
CBP_ROWS = 10_092  # data rows of the file (10,093 lines with the header)


@pytest.fixture(scope="module")
def cbp_db(shared_dir: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "cbp.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.cbp as select * from read_csv(?, header = true)", [str(shared_dir / CBP_CSV)]
        )
    return path


def drugtrade(*args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DRUGTRADE, *args], input=stdin, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_help_imports_no_engine():
    """`--help` is fast because it loads no heavy module: checked structurally, not by timing."""
    probe = (
        "import sys\n"
        "from drugtrade.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'duckdb', 'airflow', 'dbt', 'great_expectations', 'pyarrow', 'pandas', 'trafilatura', 'yaml'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
    assert "query" in done.stdout and "bi" in done.stdout and "statements" in done.stdout


def test_lazy_commands_are_listed_with_their_own_help_lines():
    for name, (_module, help_line) in EXTERNAL_COMMANDS.items():
        parser = build_parser([name])
        subparsers = next(a for a in parser._actions if a.dest == "command")
        own = {action.dest: action.help for action in subparsers._choices_actions}
        assert own[name] == help_line, f"{name}: --help says {help_line!r}, the command says {own[name]!r}"


def test_every_command_a_lazy_module_registers_is_reachable():
    # A command added to a lazily imported module but not to EXTERNAL_COMMANDS would be missing
    # from the command line (eval and content once were).
    for module in {module for module, _help in EXTERNAL_COMMANDS.values()}:
        parser = argparse.ArgumentParser()
        subparsers = parser.add_subparsers(dest="command")
        importlib.import_module(module).register(subparsers)
        missing = set(subparsers.choices) - set(EXTERNAL_COMMANDS)
        assert not missing, f"{module} registers {sorted(missing)}, which EXTERNAL_COMMANDS does not list"


def test_version():
    done = drugtrade("--version")
    assert done.returncode == 0
    assert done.stdout.startswith(f"drugtrade {__version__} (duckdb {duckdb.__version__}")


def test_closed_pipe_ends_quietly(cbp_db: Path):
    process = subprocess.Popen(
        [DRUGTRADE, "query", "--db", str(cbp_db), "--format", "csv", "select * from cbp, range(20)"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"FY,")
    process.stdout.close()  # what `| head -1` does
    status = process.wait(timeout=120)
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert status == EXIT_CLOSED_PIPE
    assert stderr == "", stderr


def test_failed_query_is_one_line_on_stderr_and_exit_1(cbp_db: Path):
    done = drugtrade("query", "--db", str(cbp_db), "select nope from cbp")
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("drugtrade query: error: statement 1 (select nope from cbp): Binder Error")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args, reason",
    [
        (("query", ""), "no SQL given: the query is empty"),
        (("query", "@/nonexistent/query.sql"), "cannot read SQL file /nonexistent/query.sql"),
        (("query", "--max-rows", "-1", "select 1"), "must be 0 or more"),
        (("query", "--format", "xml", "select 1"), "invalid choice"),
    ],
)
def test_usage_errors_exit_2(cbp_db: Path, args: tuple[str, ...], reason: str):
    done = drugtrade(*args[:1], "--db", str(cbp_db), *args[1:])
    assert done.returncode == 2, done
    assert reason in done.stderr
    assert "Traceback" not in done.stderr


def test_sql_from_stdin_and_from_a_file(cbp_db: Path, tmp_path: Path):
    sql = "select count(*) as events_rows from cbp"
    from_stdin = drugtrade("query", "--db", str(cbp_db), "--format", "csv", stdin=sql)
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert from_stdin.stdout == f"events_rows\n{CBP_ROWS}\n"
    (tmp_path / "q.sql").write_text(sql)
    from_file = drugtrade("query", "--db", str(cbp_db), "--format", "csv", f"@{tmp_path / 'q.sql'}")
    assert from_file.stdout == from_stdin.stdout
    dash = drugtrade("query", "--db", str(cbp_db), "--format", "csv", "-", stdin=sql)
    assert dash.stdout == from_stdin.stdout


def test_several_statements_run_in_order(cbp_db: Path):
    done = drugtrade(
        "query",
        "--db",
        str(cbp_db),
        "--format",
        "json",
        "select min(FY) as first_fy from cbp; select max(FY) as last_fy from cbp",
    )
    assert done.returncode == 0, done.stderr
    assert [json.loads(line) for line in done.stdout.splitlines()] == [{"first_fy": 2019}, {"last_fy": 2022}]
    table = drugtrade("query", "--db", str(cbp_db), "select 1 as a; select 2 as b")
    headers = [line.strip() for line in table.stdout.splitlines() if line.strip() in ("a", "b")]
    assert headers == ["a", "b"], table.stdout


def test_statement_after_a_failure_does_not_run(cbp_db: Path):
    done = drugtrade(
        "query",
        "--db",
        str(cbp_db),
        "--format",
        "csv",
        "select 1 as first; select nope from cbp; select 3 as third",
    )
    assert done.returncode == 1
    assert done.stdout == "first\n1\n"
    assert "statement 2" in done.stderr and "third" not in done.stdout


def test_table_format_limits_rows_says_how_many_and_right_aligns_numbers(cbp_db: Path):
    done = drugtrade(
        "query",
        "--db",
        str(cbp_db),
        'select "Drug Type" as drug, "Count of Event" as events from cbp order by FY, "Month (abbv)"',
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == f"({CBP_ROWS:,} rows, 40 shown; --max-rows 0 shows all)"
    header, rule, *body, footer = lines
    rows = [line for line in body if "·" not in line]
    assert len(rows) == 40 and len(body) == 41  # 20 first rows, a marker row, 20 last rows
    width = len(rule.split("-+-")[1])
    for line in rows:
        events = line.split(" | ")[1]
        assert len(events) == width and events == events.rjust(width) and events.strip().isdigit(), line
    drug_cells = [line.split(" | ")[0] for line in rows]
    assert any(cell != cell.rstrip() for cell in drug_cells), "text is left-aligned (padded on the right)"
    everything = drugtrade("query", "--db", str(cbp_db), "--max-rows", "0", "select FY from cbp")
    assert len(everything.stdout.splitlines()) == CBP_ROWS + 3
    assert everything.stdout.splitlines()[-1] == f"({CBP_ROWS:,} rows)"


def test_statements_closed_pipe_is_quiet(project_root: Path):
    articles = sorted((project_root / "sources" / "articles").rglob("*.html"))
    assert articles, "the repository bundles sample articles under sources/articles"
    process = subprocess.Popen(
        [DRUGTRADE, "statements", *map(str, articles * 20)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    status = process.wait(timeout=300)
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert status == EXIT_CLOSED_PIPE and "Traceback" not in stderr, stderr
