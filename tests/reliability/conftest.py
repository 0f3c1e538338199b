"""The two published days the kill and reader tests start from, built once per session."""

from __future__ import annotations

import pytest
from reliability_runs import build_days


@pytest.fixture(scope="session")
def days(tmp_path_factory, shared_dir):
    """Day 1 published with a few real pages; day 2 adds the rest. Both states kept to copy from."""
    return build_days(tmp_path_factory, shared_dir)
