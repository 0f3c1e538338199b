"""Paths in the repository the extraction tests share (../shared: the fixtures of tests/conftest.py) (a uniquely named module: several test folders have a conftest)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sources" / "articles" / "sample-news"
