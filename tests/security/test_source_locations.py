"""Sources lead the fetcher only where their registry entry allows: an index on the network to
pages of its own host over http(s), a local folder to files inside it. A hostile feed that
lists file:///etc/passwd, another host or another scheme gets those pages rejected, with the
reason, and never read."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from drugtrade.registry import ArticleSource
from drugtrade.sources import FetchedPage, HttpClient, RejectedPage, fetch_articles
from drugtrade.sources.locations import LocationRefused, check_article_url

PAGE = b"<html><head><title>t</title></head><body><p>A page of the source.</p></body></html>"


def _feed(base: str, secret: Path) -> bytes:
    links = [
        f"{base}/article-1.html",  # the source's own page: fetched
        f"file://{secret}",  # a local file: refused
        "file:///etc/passwd",
        "ftp://127.0.0.1/x.html",  # another scheme: refused
        "http://elsewhere.invalid/a.html",  # another host: refused
        f"{base}/../../etc/passwd",  # dot segments stay on the server's host: fetched, a 404 there
    ]
    items = "".join(f"<item><title>i{n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'.encode()
    )


@pytest.fixture()
def hostile_feed(tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    secret = tmp_path / "airflow.cfg"
    secret.write_text("fernet_key = secret\n")
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            requested.append(self.path)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            body, status = (
                (_feed(base, secret), 200)
                if self.path == "/feed.rss"
                else ((PAGE, 200) if self.path == "/article-1.html" else (b"no", 404))
            )
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", secret, requested
    finally:
        server.shutdown()
        server.server_close()


def test_a_hostile_feed_cannot_make_the_fetcher_leave_its_host(hostile_feed, tmp_path):
    base, secret, requested = hostile_feed
    source = ArticleSource(id="hostile", kind="rss", location=f"{base}/feed.rss", publisher="p")
    with HttpClient(min_interval_per_host=0, retries=0) as client:
        pages = list(fetch_articles(source, client, base_dir=tmp_path))
    fetched = [p for p in pages if isinstance(p, FetchedPage)]
    rejected = {p.url: p.reason for p in pages if isinstance(p, RejectedPage)}
    assert [p.url for p in fetched] == [f"{base}/article-1.html"]
    assert fetched[0].content == PAGE
    assert len(pages) == 6, "every listed page is either fetched or rejected: none lost"
    assert (
        "scheme 'file'" in rejected[f"file://{secret}"] and "scheme 'file'" in rejected["file:///etc/passwd"]
    )
    assert "scheme 'ftp'" in rejected["ftp://127.0.0.1/x.html"]
    assert "host 'elsewhere.invalid'" in rejected["http://elsewhere.invalid/a.html"]
    assert all(b"fernet" not in (p.content or b"") and b"root:" not in (p.content or b"") for p in fetched)
    assert set(requested) <= {"/feed.rss", "/article-1.html", "/etc/passwd"}


def test_allowed_hosts_extends_the_source(tmp_path):
    source = ArticleSource(
        id="s",
        kind="rss",
        location="https://www.example.org/feed",
        publisher="p",
        options={"allowed_hosts": ["cdn.example.net"]},
    )
    for url in ("https://example.org/a", "https://news.example.org/a", "https://cdn.example.net/a"):
        check_article_url(source, url, tmp_path)
    for url in (
        "https://example.org.evil.invalid/a",
        "http://cdn.example.net.evil.invalid/a",
        "javascript:alert(1)",
    ):
        with pytest.raises(LocationRefused):
            check_article_url(source, url, tmp_path)


def test_a_folder_source_reads_only_its_folder(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "ok.html").write_bytes(PAGE)
    outside = tmp_path / "secret.html"
    outside.write_text("<p>fernet_key = secret</p>")
    os.symlink(outside, folder / "link-out.html")
    source = ArticleSource(id="folder", kind="folder", location=str(folder), publisher="p")
    with HttpClient(min_interval_per_host=0) as client:
        pages = list(fetch_articles(source, client, base_dir=tmp_path))
    assert [Path(p.url).name for p in pages] == ["ok.html"], (
        "the symbolic link out of the folder was followed"
    )
    with pytest.raises(LocationRefused, match="outside the source folder"):
        check_article_url(source, f"file://{folder}/../secret.html", tmp_path)


def test_a_relative_location_may_not_leave_the_project(tmp_path):
    source = ArticleSource(id="escape", kind="folder", location="sources/../../etc", publisher="p")
    with pytest.raises(LocationRefused, match="leaves the project"):
        check_article_url(source, "file:///etc/passwd", tmp_path)
