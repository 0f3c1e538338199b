"""Fetch every article a source offers, turning each per-page failure into a rejected row instead
of an exception, so one bad page never costs the rest of the batch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from drugtrade.registry import ArticleSource
from drugtrade.sources.discovery import ArticleRef, discover
from drugtrade.sources.http import FetchError, HttpClient
from drugtrade.sources.locations import LocationRefused, check_article_url, source_root

INLINE_CONTENT_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True, kw_only=True)
class FetchedPage:
    source_id: str
    url: str  # as discovered
    final_url: str  # after redirects
    content: bytes | None  # None when not_modified
    content_type: str | None
    encoding: str | None  # declared charset, or None: the extractor sniffs it
    fetched_at: datetime  # UTC
    not_modified: bool
    # What the index said about the article; the extractor may prefer what the page says.
    title: str | None = None
    published: datetime | None = None
    # Validators of final_url, for HttpClient.remember when fetch_articles ran with remember=False.
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, kw_only=True)
class RejectedPage:
    source_id: str
    url: str
    reason: str
    fetched_at: datetime  # UTC, when the failure happened


def fetch_articles(
    source: ArticleSource,
    client: HttpClient,
    *,
    base_dir: Path,
    since: date | None = None,
    remember: bool = True,
) -> Iterator[FetchedPage | RejectedPage]:
    """Discover the source's articles and fetch each one (conditionally: an unchanged page comes back
    with ``not_modified=True`` and no content). HTML the index already carried (WordPress
    ``content.rendered``) is used as is, without a second request.

    With ``remember=False`` the pages' validators are not stored; the caller stores each one with
    ``client.remember(page.final_url, page.etag, page.last_modified)`` once the page is safely kept.

    Raises DiscoveryError only when the source's root index cannot be read at all."""
    try:
        root: tuple[str, str | Path] | LocationRefused = source_root(source, base_dir)
    except LocationRefused as refused_source:
        root = refused_source  # every page of the source is refused, with this reason
    for ref in discover(source, client, base_dir=base_dir, since=since):
        refused = _refusal(source, ref.url, base_dir, root)
        if ref.error is not None or refused is not None:
            yield RejectedPage(
                source_id=source.id,
                url=ref.url,
                reason=ref.error or refused or "",
                fetched_at=datetime.now(UTC),
            )
        elif ref.inline_html is not None:
            yield _inline_page(source, ref)
        else:
            yield _fetch_page(source, client, ref, remember=remember)


def _refusal(
    source: ArticleSource, url: str, base_dir: Path, root: tuple[str, str | Path] | LocationRefused
) -> str | None:
    if isinstance(root, LocationRefused):
        return str(root)
    try:
        check_article_url(source, url, base_dir, root)
    except LocationRefused as refused:
        return str(refused)
    return None


def _inline_page(source: ArticleSource, ref: ArticleRef) -> FetchedPage:
    return FetchedPage(
        source_id=source.id,
        url=ref.url,
        final_url=ref.url,
        content=(ref.inline_html or "").encode("utf-8"),
        content_type=INLINE_CONTENT_TYPE,
        encoding="utf-8",
        fetched_at=datetime.now(UTC),
        not_modified=False,
        title=ref.title,
        published=ref.published,
    )


def _fetch_page(
    source: ArticleSource, client: HttpClient, ref: ArticleRef, *, remember: bool
) -> FetchedPage | RejectedPage:
    try:
        result = client.fetch(ref.url, conditional=True, remember=remember)
    except FetchError as exc:
        return RejectedPage(source_id=source.id, url=ref.url, reason=exc.reason, fetched_at=datetime.now(UTC))
    return FetchedPage(
        source_id=source.id,
        url=ref.url,
        final_url=result.final_url,
        content=result.content,
        content_type=result.content_type,
        encoding=result.encoding,
        fetched_at=result.fetched_at,
        not_modified=result.not_modified,
        title=ref.title,
        published=ref.published,
        etag=result.etag,
        last_modified=result.last_modified,
    )
