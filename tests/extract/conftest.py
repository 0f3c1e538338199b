"""Fixtures of the extraction tests."""

from __future__ import annotations

import pytest
from extract_testpaths import REAL_ARTICLE


@pytest.fixture
def real_article_bytes() -> bytes:
    if not REAL_ARTICLE.exists():
        pytest.skip(f"the real sample article is not available at {REAL_ARTICLE} (../shared is absent)")
    return REAL_ARTICLE.read_bytes()
