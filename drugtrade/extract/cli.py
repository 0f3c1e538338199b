"""Commands: ``statements PATH...`` and ``facts PATH...`` print one JSON object per line;
``eval GOLD_DIR`` scores both against a gold folder (see drugtrade/extract/gold_eval.py).

    python -m drugtrade.extract.cli statements sources/articles/sample-news/*.html
    python -m drugtrade.extract.cli facts article.txt
    python -m drugtrade.extract.cli eval ../shared/samples/articles/real --articles 01-20

HTML and plain-text files are accepted (by extension, else sniffed). A file that yields no
article is reported on stderr as a JSON object with its path and reason; the others are still
processed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from drugtrade.extract.content import ExtractedArticle, ExtractionError, extract_article
from drugtrade.extract.content_cli import register_content
from drugtrade.extract.facts import extract_facts
from drugtrade.extract.gold_eval import GoldError, below_targets, evaluate_folder, format_report
from drugtrade.extract.statements import extract_statements

_CONTENT_TYPES = {".txt": "text/plain", ".text": "text/plain", ".html": "text/html", ".htm": "text/html"}


def _articles(paths: list[Path], errors: list[dict[str, str]]) -> Iterator[tuple[Path, ExtractedArticle]]:
    for path in paths:
        try:
            content = path.read_bytes()
        except OSError as error:
            errors.append({"path": str(path), "error": f"cannot read: {error.strerror}"})
            continue
        try:
            article = extract_article(
                content, url=path.resolve().as_uri(), content_type=_CONTENT_TYPES.get(path.suffix.lower())
            )
        except ExtractionError as error:
            errors.append({"path": str(path), "error": str(error), "reason": error.kind})
            continue
        yield path, article


def _statement_rows(path: Path, article: ExtractedArticle) -> Iterator[dict[str, Any]]:
    for s in extract_statements(article.body):
        yield {
            "path": str(path),
            "speaker": s.speaker,
            "quote": s.quote,
            "start": s.start,
            "end": s.end,
            "speaker_role": s.speaker_role,
            "speaker_country": s.speaker_country,
            "attribution": s.attribution,
            "topics": list(s.topics),
        }


def _fact_rows(path: Path, article: ExtractedArticle) -> Iterator[dict[str, Any]]:
    for f in extract_facts(article.body, article.published_date):
        yield {"path": str(path), **f.as_row()}


def _run(
    rows: Callable[[Path, ExtractedArticle], Iterator[dict[str, Any]]],
) -> Callable[[argparse.Namespace], int]:
    def command(args: argparse.Namespace) -> int:
        errors: list[dict[str, str]] = []
        for path, article in _articles(args.paths, errors):
            for row in rows(path, article):
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        for error in errors:
            sys.stderr.write(json.dumps(error, ensure_ascii=False) + "\n")
        return 1 if errors else 0

    return command


def _article_names(spec: str) -> list[str]:
    """'01-20,25' -> ['01', ..., '20', '25'] (names keep the zero padding of the first bound)."""
    names: list[str] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        low, _, high = part.partition("-")
        if high and low.isdigit() and high.isdigit():
            names += [str(n).zfill(len(low)) for n in range(int(low), int(high) + 1)]
        else:
            names.append(part)
    return names


def _eval(args: argparse.Namespace) -> int:
    try:
        report = evaluate_folder(args.gold_dir, _article_names(args.articles) if args.articles else None)
    except GoldError as error:
        sys.stderr.write(json.dumps({"path": str(args.gold_dir), "error": str(error)}) + "\n")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_report(report) + "\n")
    return 1 if args.fail_below_targets and below_targets(report["totals"]) else 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``statements`` and ``facts`` commands to a parent parser's subparsers."""
    statements = subparsers.add_parser(
        "statements", help="quotations and their speakers, one JSON object per line"
    )
    statements.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="HTML or plain-text article files"
    )
    statements.set_defaults(handler=_run(_statement_rows))
    facts = subparsers.add_parser(
        "facts", help="seizure, cultivation and production figures, one JSON object per line"
    )
    facts.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="HTML or plain-text article files")
    facts.set_defaults(handler=_run(_fact_rows))
    register_content(subparsers)
    evaluation = subparsers.add_parser(
        "eval", help="score statements and facts against a gold folder (NN.txt + gold.json)"
    )
    evaluation.add_argument(
        "gold_dir", type=Path, metavar="GOLD_DIR", help="folder with NN.txt and gold.json"
    )
    evaluation.add_argument("--json", action="store_true", help="print the whole report as JSON")
    evaluation.add_argument(
        "--articles", metavar="LIST", help="score only these articles, e.g. 01-20 or 03,07 (default: all)"
    )
    evaluation.add_argument(
        "--fail-below-targets", action="store_true", help="exit 1 when a figure is below its target"
    )
    evaluation.set_defaults(handler=_eval)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m drugtrade.extract.cli", description=__doc__.splitlines()[0]
    )
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
