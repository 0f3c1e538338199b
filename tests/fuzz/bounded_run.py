"""Run one parser call in a child process under a time and memory bound, and classify how it ended.

Bounds are stated, not guessed: a hostile input must end within TIME_LIMIT_S seconds (CPU of a
loaded 2-core machine) and under MEMORY_LIMIT_BYTES of address space, or it counts as a hang or a
memory blow-up."""

from __future__ import annotations

import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TIME_LIMIT_S = 60
MEMORY_LIMIT_BYTES = 2 << 30  # 2 GiB of address space for one file, whatever the file


@dataclass(frozen=True)
class Outcome:
    kind: str  # parsed | rejected | traceback | hang | memory
    returncode: int | None
    stderr_tail: str


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def run_bounded(args: list[str], *, cwd: Path | None = None) -> Outcome:
    """``python -m <args>`` in a child bounded in time and memory."""
    try:
        finished = subprocess.run(
            [sys.executable, *args],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=TIME_LIMIT_S,
            preexec_fn=_limit_memory,  # noqa: PLW1509 - a child of the test process only
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        tail = (expired.stderr or b"")[-2000:].decode("utf-8", "replace")
        return Outcome("hang", None, tail)
    tail = finished.stderr[-4000:].decode("utf-8", "replace")
    if "MemoryError" in tail or finished.returncode in (-9, 137):
        return Outcome("memory", finished.returncode, tail)
    if "Traceback (most recent call last)" in tail:
        return Outcome("traceback", finished.returncode, tail)
    return Outcome("parsed" if finished.returncode == 0 else "rejected", finished.returncode, tail)
