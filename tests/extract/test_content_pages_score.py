"""Our main content against trafilatura's default on the 151 shared content pages, same run.

Scored with trafilatura's own snippet rule (``drugtrade.extract.content_score``). Fails when our
F1 is below trafilatura's or when a page trafilatura extracts is rejected by us. The figures
are printed (``pytest -s``) so a run shows where both stand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura

from drugtrade.extract.content import ExtractionError, extract_article
from drugtrade.extract.content_score import ContentPage, load_pages, score_extractor


@pytest.fixture(scope="module")
def content_pages(shared_dir: Path) -> list[tuple[ContentPage, bytes]]:
    folder = shared_dir / "benchmarks" / "content-pages"
    if not (folder / "expected.json").is_file():
        pytest.skip(f"the shared content pages are not available at {folder}")
    return [(page, page.html()) for page in load_pages(folder)]


def _ours(page: ContentPage, html: bytes) -> str | None:
    try:
        return extract_article(html, url=page.url).body
    except ExtractionError:
        return None


def _trafilatura_default(page: ContentPage, html: bytes) -> str | None:
    return trafilatura.extract(html, url=page.url)


def test_main_content_scores_at_least_trafilatura_default(content_pages: list[tuple[ContentPage, bytes]]) -> None:
    assert len(content_pages) == 151
    theirs = score_extractor(content_pages, _trafilatura_default)
    ours = score_extractor(content_pages, _ours)
    print(f"\ntrafilatura default: {theirs.summary()}\nours: {ours.summary()}")
    lost = sorted(set(ours.rejected) - set(theirs.rejected))
    assert not lost, f"pages trafilatura extracts but we reject: {lost}"
    assert ours.f1 >= theirs.f1, f"our F1 {ours.f1:.3f} is below trafilatura's {theirs.f1:.3f}"
