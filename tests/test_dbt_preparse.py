"""The background dbt parse of `drugtrade run`: it leaves the build a partial parse, steps aside
while a dbt invocation holds the target folder, and is not started when the parse is current."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from drugtrade.config import load_settings
from drugtrade.warehouse.dbt import run_dbt, target_lock
from drugtrade.warehouse.dbt_preparse import PARTIAL_PARSE_FILE, parse_is_current, preparse, start_preparse

pytestmark = pytest.mark.slow


def _settings(tmp_path: Path):
    env = {**os.environ, "DRUGTRADE_WAREHOUSE": str(tmp_path / "warehouse")}
    env.pop("DRUGTRADE_LAKE", None)
    return load_settings(env)


def _parse_lines(settings) -> list[str]:
    log = settings.dbt_log_dir / "dbt.log"
    return [
        line
        for line in log.read_text().splitlines()
        if "Starting full parse" in line or "Partial parsing enabled" in line
    ]


def test_the_background_parse_leaves_the_build_a_partial_parse(tmp_path: Path, monkeypatch) -> None:
    # The parse's own lines are dbt debug events, which the file log keeps only when asked.
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    settings = _settings(tmp_path)
    assert not parse_is_current(settings)

    process = start_preparse(settings, tmp_path / "preparse.log")
    assert process is not None
    assert process.wait(timeout=300) == 0, (tmp_path / "preparse.log").read_text()
    assert (settings.dbt_target_dir / PARTIAL_PARSE_FILE).exists()
    assert parse_is_current(settings)
    assert start_preparse(settings, tmp_path / "preparse.log") is None  # nothing left to parse

    run_dbt(settings, ["ls", "--select", "dim_drug", "--resource-type", "model"])
    # The pre-parse parsed in full; the build's own parse found its file and re-read nothing.
    lines = _parse_lines(settings)
    assert "Starting full parse" in lines[0]
    assert all("Partial parsing enabled" in line for line in lines[1:]) and len(lines) >= 2


def test_a_project_file_newer_than_the_parse_makes_it_stale(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    state = settings.dbt_target_dir / PARTIAL_PARSE_FILE
    state.parent.mkdir(parents=True)
    state.write_bytes(b"")
    assert parse_is_current(settings)
    newest = max(p.stat().st_mtime for p in settings.dbt_project_dir.rglob("*.sql"))
    os.utime(state, (newest - 60, newest - 60))
    assert not parse_is_current(settings)


def test_the_pre_parse_steps_aside_while_a_dbt_invocation_holds_the_target(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with target_lock(settings) as held:
        assert held
        assert preparse(settings) is False
        with target_lock(settings, wait=False) as second:
            assert second is False
    assert not (settings.dbt_target_dir / PARTIAL_PARSE_FILE).exists()
