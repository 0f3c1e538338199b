"""drugtrade content: main content and metadata of saved pages, one JSON object per page.

    drugtrade content page.html saved-pages/ > pages.jsonl

Folders are walked (sorted, so the output order is stable) for .html, .htm, .xhtml, .txt and
their gzipped .gz copies. Every page gets one line on stdout: its path, url (the page's
canonical address when it declares one), title, author, published date, language and body, or,
for a page that yields no article, an "error" with its "reason". All pages run in one
process. The exit status is 1 when a page was rejected or unreadable, else 0; a closed pipe
(| head) ends the command quietly.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from drugtrade.extract.content import MAX_BYTES, ExtractionError, extract_article

PAGE_SUFFIXES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
    ".txt": "text/plain",
    ".text": "text/plain",
}


def content_type_of(path: Path) -> str | None:
    """The content type a file's name declares (``a.html.gz`` is HTML), or None to sniff."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return PAGE_SUFFIXES.get(suffixes[-1]) if suffixes else None


def _is_page_file(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) or name.endswith(suffix + ".gz") for suffix in PAGE_SUFFIXES)


def page_paths(paths: list[Path]) -> Iterator[Path]:
    """Files as given; folders walked (symbolic links to folders not followed) for page files,
    in sorted path order."""
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        found = [
            Path(folder) / name
            for folder, _subfolders, files in os.walk(path)
            for name in files
            if _is_page_file(Path(name))
        ]
        yield from sorted(found)


def read_page(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a page file, gunzipped for .gz; at most ``max_bytes`` + 1 are read, so an
    oversized page or a gzip bomb is rejected by size, not loaded."""
    with path.open("rb") as handle:
        if path.name.lower().endswith(".gz"):
            with gzip.GzipFile(fileobj=handle) as unzipped:
                return unzipped.read(max_bytes + 1)
        return handle.read(max_bytes + 1)


def page_record(path: Path) -> dict[str, Any]:
    """The JSON object of one page: its article, or its error and the reason."""
    record: dict[str, Any] = {"path": str(path)}
    try:
        content = read_page(path)
    except OSError as error:
        return record | {"error": f"{path}: cannot read: {error.strerror or error}", "reason": "unreadable"}
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        return record | {"error": f"{path}: not a readable gzip file: {error}", "reason": "unreadable"}
    try:
        article = extract_article(content, url=path.resolve().as_uri(), content_type=content_type_of(path))
    except ExtractionError as error:
        return record | {"error": str(error), "reason": error.kind}
    return record | {
        "url": article.canonical_url,
        "title": article.title,
        "author": article.author,
        "published_date": article.published_date.isoformat() if article.published_date else None,
        "language": article.language,
        "body": article.body,
    }


def run_content(args: argparse.Namespace) -> int:
    failed = False
    try:
        for path in page_paths(args.paths):
            record = page_record(path)
            failed = failed or "error" in record
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped (| head): point stdout at devnull so the interpreter's final flush
        # does not raise again, and end quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 1 if failed else 0


def register_content(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    content = subparsers.add_parser(
        "content",
        help="main content and metadata of saved pages, one JSON object per page",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    content.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="HTML or plain-text pages (.gz too), or folders of them",
    )
    content.set_defaults(handler=run_content)
