"""Main content beside trafilatura alone, on the same real pages in the same run.

    .venv/bin/python scripts/bench_content.py [--pages ../shared/benchmarks/content-pages] [--rounds 3]

For every page of the shared content pages (trafilatura's evaluation data, README there), each
round times trafilatura's default ``extract``, trafilatura with ``favor_precision``, our content
step (``extract_article``) and the whole per-article path (content + statements + mentions +
facts), one after the other on the same page, in CPU seconds of this process
(``time.process_time``): interleaving keeps the other processes' load on the machine out of the
ratios. Prints snippet F1, precision, recall, pages without output and CPU per page for each,
and the ratios the targets are stated in.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

DEFAULT_PAGES = PROJECT_ROOT.parent / "shared" / "benchmarks" / "content-pages"


def run_content_benchmark(folder: Path, rounds: int = 3) -> dict[str, float]:
    """Print the content figures and return them (CPU ms per page, F1 and the ratios)."""
    import trafilatura

    from drugtrade.extract.content import ExtractionError, extract_article
    from drugtrade.extract.content_score import SnippetScore, load_pages, score_page
    from drugtrade.extract.facts import extract_facts
    from drugtrade.extract.mentions import extract_mentions
    from drugtrade.extract.statements import extract_statements

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every discarded page
    pages = [(page, page.html()) for page in load_pages(folder)]

    def ours(url: str, html: bytes) -> str | None:
        try:
            return extract_article(html, url=url).body
        except ExtractionError:
            return None

    def whole_path(url: str, html: bytes) -> str | None:
        try:
            article = extract_article(html, url=url)
        except ExtractionError:
            return None
        extract_statements(article.body)
        extract_mentions(article.body)
        extract_facts(article.body, article.published_date)
        return article.body

    runs: dict[str, Callable[[str, bytes], str | None]] = {
        "trafilatura default": lambda url, html: trafilatura.extract(html, url=url),
        "trafilatura favor_precision": lambda url, html: trafilatura.extract(
            html, url=url, favor_precision=True
        ),
        "ours: content": ours,
        "ours: content+statements+mentions+facts": whole_path,
    }
    whole_path(pages[0][0].url, pages[0][1])  # import-time and first-call costs stay out of the figures
    scores = {name: SnippetScore() for name in runs}
    cpu = dict.fromkeys(runs, 0.0)
    for round_number in range(rounds):
        for page, html in pages:
            for name, run in runs.items():
                started = time.process_time()
                output = run(page.url, html)
                cpu[name] += time.process_time() - started
                if round_number == 0:
                    score_page(scores[name], page, output)

    per_page = {name: 1000 * seconds / (rounds * len(pages)) for name, seconds in cpu.items()}
    print(f"main content on {len(pages)} shared pages ({folder}), {rounds} interleaved rounds, CPU time:")
    for name, score in scores.items():
        print(
            f"  {name:<42} F1 {score.f1:.3f} P {score.precision:.3f} R {score.recall:.3f}"
            f"  rejected {len(score.rejected):3d}  {per_page[name]:6.1f} ms CPU/page"
        )
    baseline = per_page["trafilatura default"]
    content_ratio = per_page["ours: content"] / baseline
    path_speed = baseline / per_page["ours: content+statements+mentions+facts"]
    print(f"  content CPU / trafilatura default CPU: {content_ratio:.2f}x (target <= 1.0x)")
    print(
        f"  whole per-article path speed vs trafilatura default, per core: {path_speed:.2f}x (target >= 0.6x)"
    )
    return {
        **{f"{name} ms/page": value for name, value in per_page.items()},
        **{f"{name} F1": score.f1 for name, score in scores.items()},
        "content CPU ratio": content_ratio,
        "whole path speed": path_speed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pages", type=Path, default=DEFAULT_PAGES, help="a content-pages folder (expected.json, html/)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="timing rounds over all pages (scores from the first)"
    )
    args = parser.parse_args()
    if not (args.pages / "expected.json").is_file():
        print(f"content pages not found at {args.pages}", file=sys.stderr)
        return 2
    run_content_benchmark(args.pages, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
