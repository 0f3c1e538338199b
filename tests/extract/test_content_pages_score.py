"""Our main content against trafilatura's default on the 151 shared content pages, same run.

Scored with trafilatura's own snippet rule (``drugtrade.extract.content_score``). Fails when our
F1 is below trafilatura's or when a page trafilatura extracts is rejected by us. The figures
are printed (``pytest -s``) so a run shows where both stand.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import trafilatura
from extract_testpaths import REPO

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


def test_main_content_scores_at_least_trafilatura_default(
    content_pages: list[tuple[ContentPage, bytes]],
) -> None:
    assert len(content_pages) == 151
    theirs = score_extractor(content_pages, _trafilatura_default)
    ours = score_extractor(content_pages, _ours)
    print(f"\ntrafilatura default: {theirs.summary()}\nours: {ours.summary()}")
    lost = sorted(set(ours.rejected) - set(theirs.rejected))
    assert not lost, f"pages trafilatura extracts but we reject: {lost}"
    assert ours.f1 >= theirs.f1, f"our F1 {ours.f1:.3f} is below trafilatura's {theirs.f1:.3f}"


def test_the_benchmark_prints_both_extractors_on_the_same_pages(
    content_pages: list[tuple[ContentPage, bytes]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """scripts/bench_content.py (run by make bench) on a three-page copy of the shared folder."""
    folder = tmp_path / "pages"
    (folder / "html").mkdir(parents=True)
    listing = {}
    for page, _html in content_pages[:3]:
        (folder / "html" / page.path.name).write_bytes(page.path.read_bytes())
        listing[page.url] = {
            "file": page.path.name,
            "with": list(page.expected),
            "without": list(page.forbidden),
        }
    (folder / "expected.json").write_text(json.dumps(listing), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("bench_content", REPO / "scripts" / "bench_content.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.run_content_benchmark(folder, rounds=1)
    printed = capsys.readouterr().out
    assert "on 3 shared pages" in printed and "trafilatura default" in printed and "ours: content" in printed
    expected = score_extractor(content_pages[:3], _ours)
    assert figures["ours: content F1"] == pytest.approx(expected.f1)
    assert figures["content CPU ratio"] > 0 and figures["whole path speed"] > 0
