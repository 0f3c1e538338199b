"""Paths shared by the extraction tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sources" / "articles" / "sample-news"
SHARED = REPO / ".." / "shared"
REAL_ARTICLE = SHARED / "samples" / "articles" / "insightcrime-us-security-strategy-2017.txt"


@pytest.fixture
def real_article_bytes() -> bytes:
    if not REAL_ARTICLE.exists():
        pytest.skip(f"the real sample article is not available at {REAL_ARTICLE} (../shared is absent)")
    return REAL_ARTICLE.read_bytes()
