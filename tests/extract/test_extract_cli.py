"""The statements and facts commands, in-process and as ``python -m``."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from extract_testpaths import REPO, SAMPLES

from drugtrade.extract.cli import main, register


def test_statements_command_prints_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    page = SAMPLES / "2025-06-15-panama-money-laundering.html"
    assert main(["statements", str(page)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["speaker"] for r in rows] == ["Rubén Castillo", "Rubén Castillo", "Gabriela Tuñón"]
    for key in ("speaker", "quote", "start", "end", "speaker_role", "speaker_country", "topics", "path"):
        assert key in rows[0]
    assert rows[0]["path"] == str(page)


def test_facts_command_and_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    page = SAMPLES / "2025-03-12-guayaquil-port-seizure.html"
    assert main(["facts", str(page), str(empty)]) == 1
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0] | {"path": None} == {
        "path": None,
        "kind": "seizure",
        "value": 2300.0,
        "value_max": None,
        "unit": "kg",
        "drug": "cocaine",
        "country": "ECU",
        "year": 2025,
        "text": "2.3 tons of cocaine",
        "start": rows[0]["start"],
        "end": rows[0]["end"],
    }
    error = json.loads(err.splitlines()[0])
    assert error["path"] == str(empty) and error["reason"] == "empty page"


def test_plain_text_files_are_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "Ports under pressure\n\nCoast guard commander Felipe Arce said crews had seized 4.2 tons of cocaine.\n\n"
        '"The sea is wide and our boats are few," Arce said.\n',
        encoding="utf-8",
    )
    assert main(["statements", str(article)]) == 0
    row = json.loads(capsys.readouterr().out)
    assert (row["speaker"], row["quote"]) == ("Felipe Arce", "The sea is wide and our boats are few,")


def test_register_adds_both_commands_to_a_parent_parser() -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["facts", "x.html"])
    assert args.command == "facts" and args.paths == [Path("x.html")] and callable(args.handler)


def test_module_entry_point() -> None:
    page = SAMPLES / "2025-07-08-bolivia-yungas-eradication.html"
    result = subprocess.run(
        [sys.executable, "-m", "drugtrade.extract.cli", "statements", str(page)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    speakers = [json.loads(line)["speaker"] for line in result.stdout.splitlines()]
    assert speakers == ["Óscar Gutiérrez Quispe", "Nilda Mamani Condori", "Nilda Mamani Condori"]


@pytest.mark.parametrize(
    ("command", "page", "field"),
    [
        ("statements", "2025-06-15-panama-money-laundering.html", "speaker"),
        ("facts", "2025-03-12-guayaquil-port-seizure.html", "kind"),
    ],
)
def test_the_drugtrade_console_command_runs_both(command: str, page: str, field: str) -> None:
    """What analysts type: the installed ``drugtrade`` command, not the module."""
    executable = Path(sys.executable).with_name("drugtrade")
    result = subprocess.run(
        [str(executable), command, str(SAMPLES / page)], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(row[field] for row in rows)
