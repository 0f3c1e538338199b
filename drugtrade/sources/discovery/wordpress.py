"""The WordPress REST API (``/wp-json/wp/v2/posts``), page after page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from drugtrade.sources.discovery.context import DiscoveryContext, is_recent
from drugtrade.sources.discovery.entry_text import clean_text, parse_date
from drugtrade.sources.discovery.refs import ArticleRef, DiscoveryError
from drugtrade.sources.http import FetchError, FetchResult

WORDPRESS_MAX_PAGES = 1000


def _wordpress_endpoint(location: str) -> str:
    if "/wp-json/" in location:
        return location
    return location.rstrip("/") + "/wp-json/wp/v2/posts"


def _wordpress_page(context: DiscoveryContext, url: str, page: int) -> tuple[FetchResult, list[Any]]:
    result = context.get(url, f"WordPress posts page {page}")
    try:
        posts = json.loads(result.content or b"")
    except ValueError as exc:
        raise context.fail(url, f"WordPress posts page {page} is not valid JSON: {exc}") from exc
    if not isinstance(posts, list):
        raise context.fail(
            url, f"WordPress posts page {page}: expected a JSON list, got {type(posts).__name__}"
        )
    return result, posts


def discover_wordpress(context: DiscoveryContext) -> Iterator[ArticleRef]:
    endpoint = _wordpress_endpoint(context.source.location.strip())
    limit = context.source.max_articles
    raw_per_page = context.option("per_page", min(limit or 20, 100))
    try:
        per_page = int(raw_per_page)
    except (TypeError, ValueError):
        per_page = 0
    if not 1 <= per_page <= 100:
        raise context.fail(
            endpoint, f"per_page must be between 1 and 100 (WordPress's limit), got {raw_per_page!r}"
        )
    query: dict[str, str | int] = {"per_page": per_page, "orderby": "date", "order": "desc"}
    if context.since is not None:
        query["after"] = f"{context.since.isoformat()}T00:00:00"
    separator = "&" if "?" in endpoint else "?"
    total_pages: int | None = None
    for page in range(1, WORDPRESS_MAX_PAGES + 1):
        url = f"{endpoint}{separator}{urlencode({**query, 'page': page})}"
        try:
            result, posts = _wordpress_page(context, url, page)
        except DiscoveryError as exc:
            if page == 1:
                raise
            cause = exc.__cause__
            if isinstance(cause, FetchError) and cause.status == 400:
                return  # WordPress answers 400 for a page past the last one
            yield ArticleRef(url=url, error=str(exc))
            if total_pages is None or page >= total_pages:
                return
            continue
        for position, post in enumerate(posts, start=1):
            ref = _wordpress_post(url, position, post)
            if ref.error is not None or is_recent(ref.published, context.since):
                yield ref
        header = result.headers.get("x-wp-totalpages", "")
        total_pages = int(header) if header.isdigit() else None
        if (total_pages is not None and page >= total_pages) or (
            total_pages is None and len(posts) < per_page
        ):
            return


def _wordpress_post(page_url: str, position: int, post: Any) -> ArticleRef:
    link = post.get("link") if isinstance(post, dict) else None
    if not isinstance(link, str) or not link.startswith(("http://", "https://")):
        return ArticleRef(
            url=f"{page_url}#post-{position}", error=f"post {position} of {page_url} has no link"
        )

    def rendered(name: str) -> str | None:
        value = post.get(name)
        text = value.get("rendered") if isinstance(value, dict) else value
        return text if isinstance(text, str) and text.strip() else None

    # date_gmt carries no zone suffix but is UTC; date is the site's local time, a fallback only.
    # An empty content.rendered (a password-protected post) leaves inline_html None: the page is fetched.
    return ArticleRef(
        url=link,
        title=clean_text(rendered("title")),
        published=parse_date(post.get("date_gmt") or post.get("date")),
        inline_html=rendered("content"),
    )
