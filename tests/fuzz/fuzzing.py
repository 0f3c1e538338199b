"""Fuzz profile, per-call time limit and the tally of inputs tried (shared by the fuzz tests;
a module of its own so that no other conftest can shadow it)."""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

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
