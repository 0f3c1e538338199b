from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def suites_dir() -> Path:
    return REPO / "expectations"
