"""Discovery of article URLs from feeds, WordPress, sitemaps and folders, against a real local server."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

from drugtrade.registry import ArticleSource
from drugtrade.sources.discovery import ArticleRef, DiscoveryError, discover, parse_date
from drugtrade.sources.http import HttpClient

if TYPE_CHECKING:
    from conftest import LocalServer


def _source(kind: str, location: str, max_articles: int | None = None, **options: Any) -> ArticleSource:
    return ArticleSource(
        id=f"test-{kind}",
        kind=kind,
        location=location,
        publisher="Fictional Publisher",
        max_articles=max_articles,
        options=options,
    )


def _refs(
    source: ArticleSource, client: HttpClient, tmp_path: Path, since: date | None = None
) -> list[ArticleRef]:
    return list(discover(source, client, base_dir=tmp_path, since=since))


def _good(refs: list[ArticleRef]) -> list[ArticleRef]:
    return [ref for ref in refs if ref.error is None]


# -- RSS / Atom -------------------------------------------------------------------------------------


def test_rss_items_with_titles_dates_and_a_linkless_item_reported(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    refs = _refs(_source("rss", server.url("/fixtures/feed.rss")), client, tmp_path)
    assert [ref.url for ref in _good(refs)] == [
        server.url("/fixtures/article1.html"),
        server.url("/fixtures/article2.html"),
        server.url("/fixtures/gone.html"),
    ]
    first, second, third = _good(refs)
    assert first.title == "Port authority reports a record container inspection week"
    assert first.published == datetime(2025, 3, 10, 19, 30, tzinfo=UTC)  # -0500 converted to UTC
    assert second.title == "Coastal patrol budget debated & delayed"
    assert third.published == datetime(2025, 2, 20, 9, 15, tzinfo=UTC)  # dc:date, ISO 8601
    assert first.inline_html is None  # feed content is only used when the source asks for it
    [broken] = [ref for ref in refs if ref.error is not None]
    assert "feed entry 4" in broken.error and "has no link" in broken.error


def test_rss_since_and_max_articles(server: LocalServer, client: HttpClient, tmp_path: Path) -> None:
    url = server.url("/fixtures/feed.rss")
    recent = _good(_refs(_source("rss", url), client, tmp_path, since=date(2025, 3, 1)))
    assert [ref.url.rsplit("/", 1)[-1] for ref in recent] == ["article1.html", "article2.html"]
    limited = _refs(_source("rss", url, max_articles=1), client, tmp_path)
    assert [ref.url.rsplit("/", 1)[-1] for ref in limited] == ["article1.html"]


def test_rss_inline_content_option(server: LocalServer, client: HttpClient, tmp_path: Path) -> None:
    refs = _good(
        _refs(_source("rss", server.url("/fixtures/feed.rss"), inline_content=True), client, tmp_path)
    )
    assert refs[0].inline_html == "<p>Full text of the first synthetic article.</p>"
    assert refs[1].inline_html is None  # that item carries no content:encoded


def test_atom_entries(server: LocalServer, client: HttpClient, tmp_path: Path) -> None:
    refs = _refs(_source("atom", server.url("/fixtures/feed.atom"), inline_content=True), client, tmp_path)
    one, two = refs
    assert one.url == server.url("/fixtures/article1.html")  # the alternate link, not rel=edit
    assert one.title == "Customs bulletin number one"  # type="html" title unescaped, tags dropped
    assert one.published == datetime(2025, 3, 11, 7, 0, tzinfo=UTC)  # published wins over updated
    assert one.inline_html == "<p>Inline text of bulletin one.</p>"
    assert two.url == server.url("/fixtures/article2.html")  # relative href resolved against the feed
    assert two.published == datetime(2024, 11, 30, 23, 0, tzinfo=UTC)  # falls back to updated
    since = _refs(
        _source("atom", server.url("/fixtures/feed.atom")), client, tmp_path, since=date(2025, 1, 1)
    )
    assert [ref.url for ref in since] == [one.url]


def test_malformed_feed_names_the_source_and_url(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    url = server.url("/fixtures/malformed.rss")
    with pytest.raises(DiscoveryError) as caught:
        _refs(_source("rss", url), client, tmp_path)
    message = str(caught.value)
    assert "'test-rss'" in message and url in message and "not well-formed XML" in message


def test_a_page_that_is_not_a_feed(server: LocalServer, client: HttpClient, tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match="not an RSS or Atom feed"):
        _refs(_source("rss", server.url("/fixtures/sitemap_old.xml")), client, tmp_path)


def test_xml_entity_declarations_are_refused(server: LocalServer, client: HttpClient, tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match="declares the XML entity 'a'"):
        _refs(_source("rss", server.url("/fixtures/entities.rss")), client, tmp_path)


def test_unreachable_feed_is_a_discovery_error(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    url = server.url("/fixtures/no-such-feed.rss")
    with pytest.raises(DiscoveryError, match="cannot fetch the feed: HTTP 404") as caught:
        _refs(_source("rss", url), client, tmp_path)
    assert url in str(caught.value) and "'test-rss'" in str(caught.value)


def test_a_feed_given_as_a_local_path(client: HttpClient, tmp_path: Path) -> None:
    feed = (Path(__file__).resolve().parents[1] / "fixtures" / "http" / "feed.atom").read_text(
        encoding="utf-8"
    )
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "local.atom").write_text(feed.replace("{{BASE}}", "https://example.org"), "utf-8")
    refs = _refs(_source("atom", "feeds/local.atom"), client, tmp_path)
    assert [ref.url for ref in refs] == [
        "https://example.org/fixtures/article1.html",
        "file:///fixtures/article2.html",  # a root-relative href resolves against the feed file URL
    ]


# -- WordPress --------------------------------------------------------------------------------------


def test_wordpress_two_pages_with_inline_html(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    refs = _refs(_source("wordpress", server.url("/"), per_page=2), client, tmp_path)
    assert [ref.url for ref in refs] == [
        server.url("/blog/record-inspection-week/"),
        server.url("/blog/patrol-budget/"),
        server.url("/blog/older-post/"),
    ]
    assert refs[0].title == "Inspectors\u2019 record week"
    assert refs[1].title == "Patrol budget & the debate"
    assert refs[0].published == datetime(2025, 3, 10, 14, 30, tzinfo=UTC)  # date_gmt, not the local date
    assert refs[0].inline_html is not None and "Synthetic WordPress body one." in refs[0].inline_html
    pages = [parse_qs(urlsplit(hit.path).query) for hit in server.hits_to("/wp-json/wp/v2/posts")]
    assert [(page["page"], page["per_page"]) for page in pages] == [(["1"], ["2"]), (["2"], ["2"])]
    assert not server.hits_to("/blog/")  # the articles themselves were not requested


def test_wordpress_since_is_sent_and_applied(server: LocalServer, client: HttpClient, tmp_path: Path) -> None:
    refs = _refs(_source("wordpress", server.url(""), per_page=2), client, tmp_path, since=date(2025, 1, 1))
    assert [ref.url for ref in refs] == [
        server.url("/blog/record-inspection-week/"),
        server.url("/blog/patrol-budget/"),
    ]
    first_request = parse_qs(urlsplit(server.hits_to("/wp-json/")[0].path).query)
    assert first_request["after"] == ["2025-01-01T00:00:00"]


def test_wordpress_stops_paginating_at_max_articles(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    refs = _refs(_source("wordpress", server.url("/"), max_articles=2), client, tmp_path)
    assert len(refs) == 2
    assert len(server.hits_to("/wp-json/")) == 1


def test_wordpress_root_failure_names_the_source(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    with pytest.raises(DiscoveryError, match="'test-wordpress'.*posts page 1.*HTTP 404"):
        _refs(_source("wordpress", server.url("/no-wordpress-here")), client, tmp_path)


# -- sitemaps ---------------------------------------------------------------------------------------


def test_sitemap_index_to_urlsets(server: LocalServer, client: HttpClient, tmp_path: Path) -> None:
    refs = _refs(_source("sitemap", server.url("/fixtures/sitemap_index.xml")), client, tmp_path)
    good = _good(refs)
    # Newest child sitemap first; inside a urlset newest lastmod first, undated last.
    assert [ref.url for ref in good] == [
        server.url("/fixtures/article1.html"),
        server.url("/fixtures/article2.html"),
        server.url("/fixtures/article3-old.html"),
        server.url("/about.html"),
        server.url("/archive/2022/old-story.html"),
    ]
    assert good[0].title == "Port authority reports a record container inspection week"  # news:title
    assert good[0].published == datetime(2025, 3, 10, 11, 0, tzinfo=UTC)  # news:publication_date
    [broken] = [ref for ref in refs if ref.error is not None]
    assert broken.url == server.url("/fixtures/sitemap_missing.xml") and "HTTP 404" in broken.error


def test_sitemap_since_prunes_old_child_sitemaps_and_urls(
    server: LocalServer, client: HttpClient, tmp_path: Path
) -> None:
    refs = _good(
        _refs(
            _source("sitemap", server.url("/fixtures/sitemap_index.xml")), client, tmp_path, date(2025, 1, 1)
        )
    )
    assert [ref.url for ref in refs] == [
        server.url("/fixtures/article1.html"),
        server.url("/fixtures/article2.html"),
        server.url("/about.html"),  # no lastmod: kept, the extractor can still date it
    ]
    assert not server.hits_to("/fixtures/sitemap_old.xml")  # its lastmod said there was nothing new


def test_gzipped_sitemap_and_include_filter(server: LocalServer, client: HttpClient, tmp_path: Path) -> None:
    xml = client.fetch(server.url("/fixtures/sitemap_news.xml")).content
    assert xml is not None
    packed = tmp_path / "sitemap.xml.gz"
    packed.write_bytes(gzip.compress(xml))
    refs = _refs(_source("sitemap", packed.as_uri(), include=r"/fixtures/article\d\.html$"), client, tmp_path)
    assert [ref.url for ref in refs] == [
        server.url("/fixtures/article1.html"),
        server.url("/fixtures/article2.html"),
    ]


def test_not_a_sitemap(server: LocalServer, client: HttpClient, tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match="not a sitemap"):
        _refs(_source("sitemap", server.url("/fixtures/feed.rss")), client, tmp_path)


# -- folders ----------------------------------------------------------------------------------------


def _folder(root: Path) -> Path:
    folder = root / "articles"
    (folder / "nested").mkdir(parents=True)
    for name in ("b.html", "a.txt", "c.HTM", "notes.json", ".hidden.html", "nested/d.html"):
        (folder / name).write_text(f"<p>{name}</p>", encoding="utf-8")
    return folder


def test_folder_lists_html_and_text_files_sorted(client: HttpClient, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    refs = _refs(_source("folder", "articles"), client, tmp_path)  # relative to base_dir
    assert [ref.url for ref in refs] == [(folder / name).as_uri() for name in ("a.txt", "b.html", "c.HTM")]
    recursive = _refs(_source("folder", folder.as_uri(), recursive=True), client, tmp_path)
    assert [ref.url.rsplit("/", 2)[-2:] for ref in recursive][-1] == ["nested", "d.html"]
    assert len(recursive) == 4
    assert len(_refs(_source("folder", str(folder), max_articles=2), client, tmp_path)) == 2


def test_missing_folder(client: HttpClient, tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match="'test-folder'.*the folder does not exist"):
        _refs(_source("folder", "nowhere"), client, tmp_path)


# -- shared rules -----------------------------------------------------------------------------------


def test_invalid_max_articles_and_regex(client: HttpClient, tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match="max_articles"):
        _refs(_source("folder", str(tmp_path), max_articles=0), client, tmp_path)
    with pytest.raises(DiscoveryError, match="'include' is not a valid regex"):
        _refs(_source("folder", str(tmp_path), include="("), client, tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon, 10 Mar 2025 14:30:00 -0500", datetime(2025, 3, 10, 19, 30, tzinfo=UTC)),
        ("2025-03-10T14:30:00Z", datetime(2025, 3, 10, 14, 30, tzinfo=UTC)),
        ("2025-03-10", datetime(2025, 3, 10, tzinfo=UTC)),
        ("2025-03-10T14:30:00", datetime(2025, 3, 10, 14, 30, tzinfo=UTC)),
        ("last Tuesday", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected
