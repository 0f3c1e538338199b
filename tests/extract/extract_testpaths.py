"""Paths the extraction tests share (a uniquely named module: several test folders have a conftest)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sources" / "articles" / "sample-news"
SHARED = REPO / ".." / "shared"
REAL_ARTICLE = SHARED / "samples" / "articles" / "insightcrime-us-security-strategy-2017.txt"
