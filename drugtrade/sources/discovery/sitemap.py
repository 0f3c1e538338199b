"""XML sitemaps (plain or gzipped, sitemap indexes down to MAX_SITEMAP_DEPTH), newest first."""

from __future__ import annotations

import gzip
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urljoin

from drugtrade.sources.discovery.context import DiscoveryContext, is_recent
from drugtrade.sources.discovery.entry_text import clean_text, parse_date
from drugtrade.sources.discovery.refs import ArticleRef, DiscoveryError
from drugtrade.sources.discovery.safe_xml import child_text, children, local_name, parse_xml

MAX_SITEMAP_DEPTH = 3  # index -> index -> urlset is the deepest real sites go


MAX_SITEMAP_BYTES = 50_000_000  # the sitemap protocol's own limit for an uncompressed file


def discover_sitemap(context: DiscoveryContext) -> Iterator[ArticleRef]:
    yield from _walk_sitemap(context, context.location_url(), depth=0, visited=set())


def _unzip_if_gzipped(context: DiscoveryContext, url: str, content: bytes) -> bytes:
    if not content.startswith(b"\x1f\x8b"):
        return content
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as stream:
            data = stream.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise context.fail(url, f"the gzipped sitemap cannot be decompressed: {exc}") from exc
    if len(data) > MAX_SITEMAP_BYTES:
        raise context.fail(url, f"the sitemap exceeds {MAX_SITEMAP_BYTES} bytes once decompressed")
    return data


_Entry = tuple[str, datetime | None, ET.Element]


_OLDEST = datetime.min.replace(tzinfo=UTC)


def _newest_first(entries: list[_Entry]) -> list[_Entry]:
    """Newest first, undated last in document order, so max_articles keeps the most recent articles."""
    return sorted(entries, key=lambda entry: (entry[1] is not None, entry[1] or _OLDEST), reverse=True)


def _walk_sitemap(
    context: DiscoveryContext, url: str, *, depth: int, visited: set[str]
) -> Iterator[ArticleRef]:
    visited.add(url)
    what = "sitemap" if depth == 0 else "child sitemap"
    try:
        result = context.get(url, what)
        root = parse_xml(context, url, _unzip_if_gzipped(context, url, result.content or b""), what)
    except DiscoveryError as exc:
        if depth == 0:
            raise
        yield ArticleRef(url=url, error=str(exc))
        return
    kind = local_name(root.tag)
    base = result.final_url
    if kind == "sitemapindex":
        child_sitemaps: list[_Entry] = []
        for element in children(root, "sitemap"):
            loc = child_text(element, "loc")
            if loc:
                child_sitemaps.append(
                    (urljoin(base, loc), parse_date(child_text(element, "lastmod")), element)
                )
        for child_url, lastmod, _element in _newest_first(child_sitemaps):
            # A child sitemap untouched since `since` cannot list anything changed since then.
            if child_url in visited or not is_recent(lastmod, context.since):
                continue
            if depth + 1 > MAX_SITEMAP_DEPTH:
                yield ArticleRef(
                    url=child_url, error=f"sitemap nesting deeper than {MAX_SITEMAP_DEPTH} at {url}"
                )
                continue
            yield from _walk_sitemap(context, child_url, depth=depth + 1, visited=visited)
    elif kind == "urlset":
        entries: list[_Entry] = []
        for element in children(root, "url"):
            loc = child_text(element, "loc")
            if loc:
                entries.append((urljoin(base, loc), parse_date(child_text(element, "lastmod")), element))
        for page_url, lastmod, element in _newest_first(entries):
            if not is_recent(lastmod, context.since):
                continue
            news = children(element, "news")  # Google News sitemap extension
            yield ArticleRef(
                url=page_url,
                title=clean_text(child_text(news[0], "title")) if news else None,
                published=parse_date(child_text(news[0], "publication_date")) if news else None,
            )
    else:
        error = context.fail(
            url, f"not a sitemap (root element <{kind}>, expected <urlset> or <sitemapindex>)"
        )
        if depth == 0:
            raise error
        yield ArticleRef(url=url, error=str(error))
