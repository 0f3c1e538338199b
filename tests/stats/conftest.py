"""The real statistical files, through the one definition of ../shared (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from stats_helpers import BUNDLED, REAL_FILES


@pytest.fixture(scope="session")
def published_file(shared_file: Callable[..., Path]) -> Callable[[str], Path]:
    """``published_file(name)``: the real file as published, in ../shared/sources; skips where
    ../shared lacks it."""
    return lambda name: shared_file(f"sources/{REAL_FILES[name]}/{name}")


@pytest.fixture(scope="session")
def real_file(shared_file: Callable[..., Path]) -> Callable[[str], Path]:
    """``real_file(name)``: the real file, from ../shared/sources when present, else the
    byte-identical bundled copy (test_stats_api checks they are identical)."""
    return lambda name: shared_file(f"sources/{REAL_FILES[name]}/{name}", fallback=BUNDLED / name)
