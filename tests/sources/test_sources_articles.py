"""fetch_articles: discovery plus fetching, where one bad page becomes a rejected row, not an exception."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from drugtrade.registry import ArticleSource
from drugtrade.sources.articles import FetchedPage, RejectedPage, fetch_articles
from drugtrade.sources.discovery import DiscoveryError
from drugtrade.sources.http import HttpClient

if TYPE_CHECKING:
    from conftest import LocalServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "http"


def _source(kind: str, location: str, **options: object) -> ArticleSource:
    return ArticleSource(
        id=f"test-{kind}", kind=kind, location=location, publisher="Fictional", options=options
    )


def test_a_404_page_is_rejected_and_the_rest_come_through(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    source = _source("rss", server.url("/fixtures/feed.rss"))
    pages = list(fetch_articles(source, client, base_dir=tmp_path))
    fetched = [page for page in pages if isinstance(page, FetchedPage)]
    rejected = [page for page in pages if isinstance(page, RejectedPage)]
    assert [page.url for page in fetched] == [
        server.url("/fixtures/article1.html"),
        server.url("/fixtures/article2.html"),
    ]
    assert fetched[0].content == (FIXTURES / "article1.html").read_bytes()
    assert fetched[0].encoding == "utf-8" and not fetched[0].not_modified
    assert fetched[0].title == "Port authority reports a record container inspection week"
    assert fetched[0].published is not None and fetched[0].published.year == 2025
    assert {page.source_id for page in pages} == {"test-rss"}
    gone, linkless = rejected
    assert gone.url == server.url("/fixtures/gone.html") and "HTTP 404" in gone.reason
    assert "has no link" in linkless.reason
    assert gone.fetched_at.tzinfo is not None


def test_a_second_run_gets_not_modified_pages_without_bodies(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    source = _source("rss", server.url("/fixtures/feed.rss"))
    list(fetch_articles(source, client, base_dir=tmp_path))
    second = [
        page for page in fetch_articles(source, client, base_dir=tmp_path) if isinstance(page, FetchedPage)
    ]
    assert [(page.not_modified, page.content) for page in second] == [(True, None), (True, None)]
    article_hits = server.hits_to("/fixtures/article1.html")
    assert len(article_hits) == 2 and "if-none-match" in article_hits[1].headers
    assert len(server.hits_to("/fixtures/feed.rss")) == 2  # the index itself is always re-read


def test_wordpress_content_is_used_without_fetching_the_pages(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    pages = list(fetch_articles(_source("wordpress", server.url("/"), per_page=2), client, base_dir=tmp_path))
    assert len(pages) == 3 and all(isinstance(page, FetchedPage) for page in pages)
    first = pages[0]
    assert isinstance(first, FetchedPage)
    assert first.content is not None and b"Synthetic WordPress body one." in first.content
    assert first.encoding == "utf-8" and first.content_type == "text/html; charset=utf-8"
    assert first.title == "Inspectors\u2019 record week"
    assert not server.hits_to("/blog/")


def test_a_broken_child_sitemap_is_rejected_not_raised(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    source = _source(
        "sitemap", server.url("/fixtures/sitemap_index.xml"), include=r"sitemap_missing|article[12]"
    )
    pages = list(fetch_articles(source, client, base_dir=tmp_path))
    assert [type(page).__name__ for page in pages] == ["FetchedPage", "FetchedPage", "RejectedPage"]
    assert pages[2].url == server.url("/fixtures/sitemap_missing.xml")


def test_an_unreadable_root_index_raises(server: LocalServer, client: HttpClient, tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match="'test-rss'"):
        list(fetch_articles(_source("rss", server.url("/fixtures/malformed.rss")), client, base_dir=tmp_path))


def test_folder_pages_are_read_from_disk(client: HttpClient, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    cp1252 = (FIXTURES / "article_cp1252.html").read_bytes()
    (folder / "one.html").write_bytes(cp1252)
    (folder / "two.txt").write_bytes(b"plain text")
    pages = list(fetch_articles(_source("folder", "inbox"), client, base_dir=tmp_path))
    assert [(page.url.rsplit("/", 1)[-1], page.content) for page in pages] == [  # type: ignore[union-attr]
        ("one.html", cp1252),
        ("two.txt", b"plain text"),
    ]
    assert all(isinstance(page, FetchedPage) and page.encoding is None for page in pages)  # sniffed later


def test_a_real_article_keeps_its_exact_bytes(client: HttpClient, tmp_path: Path, shared_dir: Path) -> None:
    samples = shared_dir / "samples" / "articles"
    if not samples.is_dir():
        pytest.skip(f"real sample articles are not available at {samples}")
    expected = sorted(path for path in samples.iterdir() if path.suffix.lower() in {".html", ".htm", ".txt"})
    if not expected:
        pytest.skip(f"no .html/.htm/.txt sample in {samples}")
    pages = list(fetch_articles(_source("folder", str(samples)), client, base_dir=tmp_path))
    assert [page.url for page in pages] == [path.as_uri() for path in expected]
    assert all(isinstance(page, FetchedPage) for page in pages)
    assert [page.content for page in pages] == [path.read_bytes() for path in expected]  # type: ignore[union-attr]


def test_deferred_remember_keeps_pages_fetchable_until_the_caller_confirms(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    source = _source("rss", server.url("/fixtures/feed.rss"))
    first = [page for page in fetch_articles(source, client, base_dir=tmp_path, remember=False)]
    fetched = [page for page in first if isinstance(page, FetchedPage)]
    assert all(page.etag for page in fetched)
    # The caller "crashed" before keeping the pages: the next run must get the bodies again.
    again = [page for page in fetch_articles(source, client, base_dir=tmp_path, remember=False)]
    assert [page.content is not None for page in again if isinstance(page, FetchedPage)] == [True, True]
    for page in fetched:
        client.remember(page.final_url, page.etag, page.last_modified)
    confirmed = [
        page for page in fetch_articles(source, client, base_dir=tmp_path) if isinstance(page, FetchedPage)
    ]
    assert [page.not_modified for page in confirmed] == [True, True]
