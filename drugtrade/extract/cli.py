"""Commands: ``statements PATH...`` and ``facts PATH...`` print one JSON object per line.

    python -m drugtrade.extract.cli statements sources/articles/sample-news/*.html
    python -m drugtrade.extract.cli facts article.txt

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
        yield {
            "path": str(path),
            "kind": f.kind,
            "value": f.value,
            "unit": f.unit,
            "drug": f.drug,
            "country": f.country,
            "year": f.year,
            "text": f.text,
            "start": f.start,
            "end": f.end,
        }


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


def register(subparsers: argparse._SubParsersAction) -> None:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m drugtrade.extract.cli", description=__doc__.splitlines()[0]
    )
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
