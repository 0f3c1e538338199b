"""Fuzz settings and the tally `make fuzz` reports.

The hypothesis profile comes from DRUGTRADE_FUZZ: ``ci`` (default: a small, derandomised sample
so CI stays within its time budget and a failure reproduces) or ``nightly`` (``make fuzz``:
hundreds of inputs per parser, new ones each night)."""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("DRUGTRADE_FUZZ", "ci")
_COMMON = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=12, derandomize=True, **_COMMON)
settings.register_profile("nightly", max_examples=300, **_COMMON)
settings.load_profile(PROFILE)

# One in-process parser call on one mutated input must end within this (seconds of wall time on
# a loaded 2-core machine); the subprocess tests in test_hostile_giants.py bound memory too.
CALL_TIME_LIMIT_S = 30

# (parser, outcome) -> inputs; outcome is parsed | rejected | traceback | hang | memory.
TALLY: Counter[tuple[str, str]] = Counter()
FAILURES: list[str] = []


class CallTimedOut(Exception):
    pass


@contextmanager
def time_limit(seconds: int = CALL_TIME_LIMIT_S) -> Iterator[None]:
    def expire(_signum, _frame):
        raise CallTimedOut(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def record(parser: str, outcome: str, recipe: str, detail: str = "") -> None:
    TALLY[(parser, outcome)] += 1
    if outcome not in ("parsed", "rejected"):
        FAILURES.append(f"{parser}: {outcome}: {recipe}: {detail[-300:]}")


def pytest_terminal_summary(terminalreporter) -> None:
    if not TALLY:
        return
    write = terminalreporter.write_line
    write(f"fuzz ({PROFILE} profile): inputs tried per parser and how each ended")
    for parser in sorted({p for p, _ in TALLY}):
        outcomes = {o: n for (p, o), n in TALLY.items() if p == parser}
        write(f"  {parser:24} {sum(outcomes.values()):6} inputs  " + "  ".join(
            f"{o}={n}" for o, n in sorted(outcomes.items())))
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
