"""Snippet scoring of main-content extractors on the shared content pages.

The pages and their snippets are trafilatura's own evaluation data (Apache-2.0: ``tests/eval``
and ``tests/evaldata.json`` of the trafilatura repository), scored the way trafilatura scores them: a
``with`` snippet found in the output is a true positive, one missing a false negative; a
``without`` snippet found is a false positive, one missing a true negative; a page with no output
counts all its ``with`` snippets as missed and all its ``without`` snippets as absent. Snippets
and output are compared after collapsing whitespace.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from drugtrade.extract import scoring

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, kw_only=True)
class ContentPage:
    url: str
    path: Path
    expected: tuple[str, ...]
    forbidden: tuple[str, ...]

    def html(self) -> bytes:
        return gzip.decompress(self.path.read_bytes())


@dataclass(kw_only=True)
class SnippetScore:
    true_positives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    true_negatives: int = 0
    rejected: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0
    pages: int = 0

    @property
    def precision(self) -> float:
        return scoring.precision(self.true_positives, self.false_positives, when_empty=0.0)

    @property
    def recall(self) -> float:
        return scoring.recall(self.true_positives, self.false_negatives, when_empty=0.0)

    @property
    def f1(self) -> float:
        return scoring.f1(self.precision, self.recall)

    def summary(self) -> str:
        per_page = 1000 * self.cpu_seconds / self.pages if self.pages else 0.0
        return (
            f"F1 {self.f1:.3f} (P {self.precision:.3f}, R {self.recall:.3f}), "
            f"{len(self.rejected)} of {self.pages} pages without output, {per_page:.1f} ms CPU per page"
        )


def load_pages(folder: Path) -> list[ContentPage]:
    """The pages listed in ``expected.json`` of a content-pages folder, in file order."""
    listing = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return [
        ContentPage(
            url=url,
            path=folder / "html" / entry["file"],
            expected=tuple(entry.get("with", ())),
            forbidden=tuple(entry.get("without", ())),
        )
        for url, entry in listing.items()
    ]


def collapse_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def score_page(score: SnippetScore, page: ContentPage, output: str | None) -> None:
    """Add one page's snippet counts to ``score``."""
    score.pages += 1
    if not output:
        score.rejected.append(page.url)
        score.false_negatives += len(page.expected)
        score.true_negatives += len(page.forbidden)
        return
    text = collapse_space(output)
    for snippet in page.expected:
        if collapse_space(snippet) in text:
            score.true_positives += 1
        else:
            score.false_negatives += 1
    for snippet in page.forbidden:
        if collapse_space(snippet) in text:
            score.false_positives += 1
        else:
            score.true_negatives += 1


def score_extractor(
    pages: Iterable[tuple[ContentPage, bytes]], extract: Callable[[ContentPage, bytes], str | None]
) -> SnippetScore:
    """Score ``extract`` (page, raw HTML) -> main text or None, timing only the extraction in CPU seconds."""
    score = SnippetScore()
    for page, html in pages:
        started = time.process_time()
        output = extract(page, html)
        score.cpu_seconds += time.process_time() - started
        score_page(score, page, output)
    return score
