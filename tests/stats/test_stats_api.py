"""The public API (detection, iter_parse/parse_file, ids, provenance), the `parse` command, and
the bundled copies of the real files."""

from __future__ import annotations

import argparse
import hashlib
import inspect
import io
import json
import os
import pickle
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from stats_helpers import BUNDLED, FIXTURES, REAL_FILES, REPO, assert_accounted

from drugtrade.schemas import OBSERVATIONS, QUARANTINE
from drugtrade.stats import FAMILIES, ParseBatch, UnknownFileFamily, detect_family, iter_parse, parse_file
from drugtrade.stats.cli import main, register, run_parse
from drugtrade.stats.records import Observation, QuarantineRow, observation_id

EXPECTED_FAMILY = {
    "6.1.1_-_Illicit_coca_bush_cultivation.xlsx": "unodc_annex",
    "6.1.2_-_Eradication_of_coca_bush.xlsx": "unodc_annex",
    "seizures_annual_by_country.csv": "unodc_seizures",
    "nationwide-drugs-fy19-fy22.csv": "cbp_nationwide",
    "amo-drug-seizures-fy19-fy22.csv": "cbp_air_marine",
}


def test_row_types_follow_the_lake_schemas():
    assert list(Observation._fields) == OBSERVATIONS.names
    assert list(QuarantineRow._fields) == QUARANTINE.names
    assert FAMILIES == (
        "unodc_annex",
        "unodc_seizures",
        "cbp_nationwide",
        "cbp_air_marine",
        "production_estimates",
    )


@pytest.mark.parametrize("row_type", [Observation, QuarantineRow], ids=lambda t: t.__name__)
def test_rows_are_built_from_keywords_only(row_type):
    """A positional call fails, so two fields of one type (area, component, region) cannot be
    swapped by position; every field is a keyword-only parameter, in the schema's order."""
    parameters = inspect.signature(row_type).parameters
    assert list(parameters) == list(row_type._fields)
    assert {parameter.kind for parameter in parameters.values()} == {inspect.Parameter.KEYWORD_ONLY}
    values = {name: f"value of {name}" for name in row_type._fields}
    row = row_type(**values)
    assert tuple(row) == tuple(values.values())
    with pytest.raises(TypeError, match="positional"):
        row_type(*values.values())
    assert pickle.loads(pickle.dumps(row)) == row


@pytest.mark.parametrize("name", sorted(EXPECTED_FAMILY))
def test_detects_each_real_file_and_accounts_for_every_row(real_file, name):
    path = real_file(name)
    assert detect_family(path) == EXPECTED_FAMILY[name]
    batch = parse_file(path, source_id=f"src-{name}")
    assert batch.observations.schema == OBSERVATIONS
    assert batch.quarantine.schema == QUARANTINE
    assert batch.rows_read > 0
    assert_accounted(batch)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert set(batch.observations.column("file_sha256").to_pylist()) == {digest}
    assert set(batch.observations.column("file_name").to_pylist()) == {name}
    assert set(batch.observations.column("family").to_pylist()) == {EXPECTED_FAMILY[name]}
    assert not batch.observations.column("source_row").null_count


def test_bundled_copies_are_byte_identical_to_the_published_files(published_file):
    for name in REAL_FILES:
        assert (BUNDLED / name).read_bytes() == published_file(name).read_bytes(), name


def test_unknown_csv_names_its_columns(tmp_path: Path):
    path = tmp_path / "mystery.csv"
    path.write_text("date,port,tonnage\n2024-01-01,Callao,3\n", encoding="utf-8")
    with pytest.raises(UnknownFileFamily) as caught:
        detect_family(path)
    assert "mystery.csv" in str(caught.value)
    assert "['date', 'port', 'tonnage']" in str(caught.value)


def test_unknown_workbook_names_its_rows(tmp_path: Path):
    import openpyxl

    path = tmp_path / "budget.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Budget"
    workbook.active.append(["Item", "Amount"])
    workbook.active.append(["Boats", 12])
    workbook.save(path)
    with pytest.raises(UnknownFileFamily, match=r"budget\.xlsx.*sheet 'Budget'.*\['Item', 'Amount'\]"):
        detect_family(path)


def test_binary_file_is_not_placed(tmp_path: Path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    with pytest.raises(UnknownFileFamily, match="image.png"):
        detect_family(path)


def test_ids_are_stable_and_provenance_is_recorded(tmp_path: Path):
    path = FIXTURES / "cbp_nationwide_fy25_fy26.csv"
    when = datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
    first = parse_file(path, source_id="cbp", retrieved_at=when)
    again = parse_file(path, source_id="cbp", retrieved_at=when)
    assert first.observations.equals(again.observations)
    row = first.observations.to_pylist()[0]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert row["observation_id"] == observation_id("cbp", digest, None, row["source_row"], row["measure"])
    assert row["retrieved_at"] == when
    other_source = parse_file(path, source_id="cbp-mirror", retrieved_at=when)
    assert not set(other_source.observations.column("observation_id").to_pylist()) & set(
        first.observations.column("observation_id").to_pylist()
    )


def test_retrieved_at_defaults_to_the_file_mtime(tmp_path: Path):
    path = tmp_path / "copy.csv"
    path.write_bytes((FIXTURES / "cbp_nationwide_fy25_fy26.csv").read_bytes())
    os.utime(path, (1_700_000_000, 1_700_000_000))
    batch = parse_file(path, source_id="x")
    assert set(batch.observations.column("retrieved_at").to_pylist()) == {
        datetime.fromtimestamp(1_700_000_000, UTC)
    }
    assert set(batch.quarantine.column("retrieved_at").to_pylist()) == {
        datetime.fromtimestamp(1_700_000_000, UTC)
    }
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_file(path, source_id="x", retrieved_at=datetime(2025, 1, 1))


def test_call_errors_fail_at_the_call(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        iter_parse(tmp_path / "absent.csv", source_id="x")
    with pytest.raises(UnknownFileFamily, match="unknown family 'cbp_mars'"):
        iter_parse(FIXTURES / "cbp_nationwide_fy25_fy26.csv", source_id="x", family="cbp_mars")


def test_empty_file_reports_zero_rows(tmp_path: Path):
    path = tmp_path / "empty.csv"
    path.write_text("Region,country,ISO Code,Drug Group,Drug,Year,KG Equivalent\r\n", encoding="utf-8")
    batches = list(iter_parse(path, source_id="x"))
    assert len(batches) == 1 and isinstance(batches[0], ParseBatch)
    assert (batches[0].rows_read, batches[0].observations.num_rows, batches[0].quarantine.num_rows) == (
        0,
        0,
        0,
    )


def test_parse_command_writes_json_lines():
    out, err = io.StringIO(), io.StringIO()
    code = run_parse(FIXTURES / "cbp_nationwide_fy25_fy26.csv", None, "cbp", out, err)
    assert code == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 8  # 4 loaded rows x 2 measures
    required = {
        "family",
        "period_start",
        "period_end",
        "country",
        "drug",
        "measure",
        "value",
        "unit",
        "estimator",
        "source_row",
    }
    assert required <= set(rows[0])
    assert (rows[0]["period_start"], rows[0]["family"], rows[0]["source_id"]) == (
        "2025-10-01",
        "cbp_nationwide",
        "cbp",
    )
    errors = [json.loads(line) for line in err.getvalue().splitlines()]
    assert [e["reason"] for e in errors[:-1]][0] == "unknown drug label 'Xylazine'"
    assert errors[0]["raw"]["Drug Type"] == "Xylazine"
    assert errors[-1]["summary"]["rows_read"] == 12
    assert errors[-1]["summary"]["rows_quarantined"] == 8


def test_parse_command_refuses_an_unknown_file_with_exit_2(tmp_path: Path):
    path = tmp_path / "mystery.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "drugtrade.stats.cli", "parse", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "mystery.csv" in result.stderr and "['a', 'b']" in result.stderr


def test_parse_command_as_a_module_on_a_workbook(real_file):
    path = real_file("6.1.2_-_Eradication_of_coca_bush.xlsx")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "drugtrade.stats.cli",
            "parse",
            str(path),
            "--source-id",
            "wdr",
            "--family",
            "unodc_annex",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 36
    assert {r["measure"] for r in rows} == {"eradication"}
    assert json.loads(result.stderr.splitlines()[-1])["summary"]["rows_loaded"] == 36


def test_register_plugs_into_a_parent_command(capsys):
    parser = argparse.ArgumentParser(prog="drugtrade")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["parse", str(FIXTURES / "unodc_seizures_sample.csv"), "--source-id", "s"])
    assert args.handler(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert json.loads(out[0])["country"] == "COL"
    assert main(["parse", str(FIXTURES / "unodc_seizures_sample.csv")]) == 0
