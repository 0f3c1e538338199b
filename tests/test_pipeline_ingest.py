"""Ingestion steps over real HTTP (a local server on 127.0.0.1): articles from an RSS feed with
conditional GETs, a statistical file by URL, provenance, idempotency and rejection."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from drugtrade import lake
from drugtrade.config import load_settings
from drugtrade.pipeline.articles import ingest_articles
from drugtrade.pipeline.statistics import ingest_statistics

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((PROJECT_ROOT / "sources" / "articles" / "sample-news").glob("*.htm*"))[:3]
AMO_CSV = PROJECT_ROOT / "sources" / "statistics" / "amo-drug-seizures-fy19-fy22.csv"

# Whole ingestion runs over a local HTTP server (about 10 s each): `make test`, not `make check`.
pytestmark = pytest.mark.integration


class Site:
    """A tiny news site: /feed.xml lists the pages, /news/<name> serves them with an ETag,
    /missing is a 404 and /data/amo.csv is a statistical file."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None]] = []
        self.pages = {f"/news/{p.name}": p.read_bytes() for p in PAGES}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.requests.append((self.path, self.headers.get("If-None-Match")))
                if self.path == "/feed.xml":
                    body = site.feed(f"http://{self.headers['Host']}").encode()
                    return self._send(200, body, "application/rss+xml")
                if self.path == "/data/amo.csv":
                    return self._send(200, AMO_CSV.read_bytes(), "text/csv")
                content = site.pages.get(self.path)
                if content is None:
                    return self._send(404, b"not found", "text/plain")
                etag = '"' + hashlib.sha1(content).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return None
                return self._send(200, content, "text/html", etag)

            def _send(self, status: int, body: bytes, content_type: str, etag: str | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def feed(self, base: str) -> str:
        when = format_datetime(dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
        items = "".join(
            f"<item><title>{path}</title><link>{base}{path}</link><pubDate>{when}</pubDate></item>"
            for path in [*self.pages, "/missing"]
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


@pytest.fixture
def site():
    server = Site()
    yield server
    server.server.shutdown()


def _settings(tmp_path: Path, site: Site):
    registry = tmp_path / "registry.yml"
    registry.write_text(
        "sources:\n"
        f"  - {{id: feed, type: article, kind: rss, location: '{site.url}/feed.xml', publisher: test,"
        " min_interval: 0}\n"
        f"  - {{id: amo, type: statistics, kind: http, location: '{site.url}/data/amo.csv', family: cbp_air_marine,"
        " publisher: CBP, dataset: t, url: 'https://www.cbp.gov', licence: l, citation: c, estimator: CBP}\n"
    )
    env = {
        **os.environ,
        "DRUGTRADE_WAREHOUSE": str(tmp_path / "warehouse"),
        "DRUGTRADE_REGISTRY": str(registry),
    }
    env.pop("DRUGTRADE_LAKE", None)
    return load_settings(env)


def _rows(settings, dataset: str) -> list[dict]:
    files = [str(p) for p in lake.dataset_files(settings.lake_dir, dataset)]
    with duckdb.connect() as connection:
        cursor = connection.execute(
            "select * from read_parquet($f, union_by_name = true) order by all", {"f": files}
        )
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_feed_articles_land_with_provenance_and_a_404_is_rejected(tmp_path, site):
    settings = _settings(tmp_path, site)
    (summary,) = ingest_articles(settings, dt.date(2026, 3, 1), workers=2)
    assert summary.new_articles == len(PAGES)
    assert summary.rejected == 1
    articles = _rows(settings, "articles")
    assert {a["url"] for a in articles} == {f"{site.url}/news/{p.name}" for p in PAGES}
    for article in articles:
        assert article["source_id"] == "feed"
        assert article["retrieved_at"] is not None
        assert article["content_hash"] == hashlib.sha256(article["body"].encode()).hexdigest()
        assert Path(article["raw_path"]).read_bytes() == site.pages[article["url"].removeprefix(site.url)]
    (rejected,) = _rows(settings, "articles_rejected")
    assert rejected["url"].endswith("/missing") and "404" in rejected["reason"]
    statements = _rows(settings, "statements")
    bodies = {a["article_id"]: a["body"] for a in articles}
    assert statements
    for statement in statements:
        assert bodies[statement["article_id"]][statement["start"] : statement["end"]] == statement["quote"]


def test_next_day_sends_conditional_gets_and_adds_nothing(tmp_path, site):
    settings = _settings(tmp_path, site)
    ingest_articles(settings, dt.date(2026, 3, 1))
    site.requests.clear()
    (summary,) = ingest_articles(settings, dt.date(2026, 3, 2))
    conditional = [etag for path, etag in site.requests if path.startswith("/news/")]
    assert len(conditional) == len(PAGES) and all(conditional), "pages must be asked for with If-None-Match"
    assert summary.new_articles == 0 and summary.new_versions == 0
    day_two = [
        p for p in lake.dataset_files(settings.lake_dir, "articles") if "ingest_date=2026-03-02" in str(p)
    ]
    assert len(day_two) == 1
    assert [a for a in _rows(settings, "articles") if a["ingest_date"] == dt.date(2026, 3, 2)] == []


def test_rerunning_a_day_after_304s_keeps_that_days_articles(tmp_path, site):
    settings = _settings(tmp_path, site)
    ingest_articles(settings, dt.date(2026, 3, 1))
    before = _rows(settings, "statements")
    ingest_articles(settings, dt.date(2026, 3, 1))  # the server now answers 304 for every page
    after = _rows(settings, "statements")
    strip = ({k: v for k, v in row.items() if k != "retrieved_at"} for row in after)
    assert list(strip) == [{k: v for k, v in row.items() if k != "retrieved_at"} for row in before]


def test_a_changed_article_becomes_a_new_version(tmp_path, site):
    settings = _settings(tmp_path, site)
    ingest_articles(settings, dt.date(2026, 3, 1))
    path = next(iter(site.pages))
    page = site.pages[path]
    end_of_first_paragraph = page.index(b"</p>", page.index(b"<p>", page.index(b"<article")))
    site.pages[path] = (
        page[:end_of_first_paragraph]
        + b" This sentence was added in a correction."
        + page[end_of_first_paragraph:]
    )
    (summary,) = ingest_articles(settings, dt.date(2026, 3, 2))
    assert summary.new_versions == 1 and summary.new_articles == 0
    versions = [a["version"] for a in _rows(settings, "articles") if a["url"] == site.url + path]
    assert sorted(versions) == [1, 2]


def test_statistical_file_over_http_loads_once(tmp_path, site):
    settings = _settings(tmp_path, site)
    (first,) = ingest_statistics(settings)
    (second,) = ingest_statistics(settings)
    assert first.status == "loaded" and second.status == "unchanged"
    assert first.rows_read == first.rows_loaded + first.rows_quarantined == 1772
    (ledger,) = _rows(settings, "loads")
    assert ledger["location"].startswith(site.url)
    # kept under the warehouse, recorded relative to it (a copied warehouse still finds it)
    assert not Path(ledger["raw_path"]).is_absolute()
    assert (settings.warehouse_dir / ledger["raw_path"]).read_bytes() == AMO_CSV.read_bytes()
    assert ledger["file_sha256"] == hashlib.sha256(AMO_CSV.read_bytes()).hexdigest()
