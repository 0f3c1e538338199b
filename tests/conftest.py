"""Shared test fixtures: paths to the project and to the real material in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = (PROJECT_ROOT / ".." / "shared").resolve()


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(
            f"real material not available: {SHARED} is absent (it sits beside the project root in dev and CI)"
        )
    return SHARED
