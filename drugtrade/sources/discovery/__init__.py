"""Discovery: which article URLs a source offers, from RSS/Atom feeds, the WordPress REST API,
XML sitemaps or a local folder.

Index documents (feeds, API pages, sitemaps) are always fetched in full, never conditionally:
they are small, and re-reading them is what lets a re-run after a failed batch find the same
articles again. The article pages themselves are fetched conditionally by ``articles.py``.

A root document that cannot be read raises DiscoveryError (nothing was discovered, nothing is
lost). A broken part further down (one feed item without a link, one child sitemap, one API
page) becomes an ArticleRef with ``error`` set, which the fetcher turns into a rejected row,
so the rest of the source still comes through.

One module per kind (feed.py, wordpress.py, sitemap.py, folder.py); ``discover`` dispatches on the
source's kind and applies what every kind shares (deduplication, include/exclude, max_articles).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from drugtrade.registry import ArticleSource
from drugtrade.sources.discovery.context import DiscoveryContext, option_regex
from drugtrade.sources.discovery.entry_text import parse_date
from drugtrade.sources.discovery.feed import discover_feed
from drugtrade.sources.discovery.folder import FOLDER_SUFFIXES, discover_folder
from drugtrade.sources.discovery.refs import ArticleRef, DiscoveryError
from drugtrade.sources.discovery.sitemap import MAX_SITEMAP_BYTES, MAX_SITEMAP_DEPTH, discover_sitemap
from drugtrade.sources.discovery.wordpress import WORDPRESS_MAX_PAGES, discover_wordpress
from drugtrade.sources.http import HttpClient

__all__ = [
    "FOLDER_SUFFIXES",
    "MAX_SITEMAP_BYTES",
    "MAX_SITEMAP_DEPTH",
    "WORDPRESS_MAX_PAGES",
    "ArticleRef",
    "DiscoveryError",
    "discover",
    "parse_date",
]


def discover(
    source: ArticleSource, client: HttpClient, *, base_dir: Path, since: date | None = None
) -> Iterator[ArticleRef]:
    """Yield the article references of ``source``: deduplicated by URL, filtered by ``since``
    where the source gives dates, at most ``source.max_articles`` of them (error entries do not
    count towards the limit). Options: ``include`` / ``exclude`` regexes on the URL (all kinds),
    ``inline_content`` (rss/atom: keep the feed's full HTML), ``per_page`` (wordpress),
    ``recursive`` (folder)."""
    handlers: dict[str, Callable[[DiscoveryContext], Iterator[ArticleRef]]] = {
        "rss": discover_feed,
        "atom": discover_feed,
        "wordpress": discover_wordpress,
        "sitemap": discover_sitemap,
        "folder": discover_folder,
    }
    if source.kind not in handlers:
        raise DiscoveryError(f"source {source.id!r}: unknown article kind {source.kind!r}")
    limit = source.max_articles
    if limit is not None and (not isinstance(limit, int) or limit <= 0):
        raise DiscoveryError(f"source {source.id!r}: max_articles must be a positive integer, got {limit!r}")
    include = option_regex(source, "include")
    exclude = option_regex(source, "exclude")
    context = DiscoveryContext(source=source, client=client, base_dir=Path(base_dir), since=since)
    seen: set[str] = set()
    count = 0
    for ref in handlers[source.kind](context):
        if ref.error is not None:
            yield ref
            continue
        if ref.url in seen:
            continue
        if (include and not include.search(ref.url)) or (exclude and exclude.search(ref.url)):
            continue
        seen.add(ref.url)
        yield ref
        count += 1
        if limit is not None and count >= limit:
            return
