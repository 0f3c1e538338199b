"""Fuzz settings and the tally `make fuzz` reports.

The hypothesis profile comes from DRUGTRADE_FUZZ: ``ci`` (default: a small, derandomised sample
so CI stays within its time budget and a failure reproduces) or ``nightly`` (``make fuzz``:
hundreds of inputs per parser, new ones each night); see fuzzing.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzing import FAILURES, PROFILE, TALLY


def pytest_terminal_summary(terminalreporter) -> None:
    if not TALLY:
        return
    write = terminalreporter.write_line
    write(f"fuzz ({PROFILE} profile): inputs tried per parser and how each ended")
    for parser in sorted({p for p, _ in TALLY}):
        outcomes = {o: n for (p, o), n in TALLY.items() if p == parser}
        write(
            f"  {parser:24} {sum(outcomes.values()):6} inputs  "
            + "  ".join(f"{o}={n}" for o, n in sorted(outcomes.items()))
        )
    write(f"  total {sum(TALLY.values())} inputs, {len(FAILURES)} failures (traceback, hang or memory)")
    for failure in FAILURES[:50]:
        write(f"    {failure}")


@pytest.fixture(scope="session")
def shared_sources(shared_dir: Path) -> Path:
    path = shared_dir / "sources"
    if not path.is_dir():
        pytest.skip(f"real statistical files not available: {path} is absent")
    return path


@pytest.fixture(scope="session")
def shared_articles(shared_dir: Path) -> Path:
    path = shared_dir / "samples" / "articles" / "real"
    if not path.is_dir():
        pytest.skip(f"real article samples not available: {path} is absent")
    return path
