"""Fixtures of the extraction tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def real_article(shared_file: Callable[..., Path]) -> Path:
    """A real article page as published (../shared/samples); skips where ../shared lacks it."""
    return shared_file("samples/articles/insightcrime-us-security-strategy-2017.txt")
