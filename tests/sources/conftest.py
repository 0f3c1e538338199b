"""A real HTTP server on 127.0.0.1 for the source tests: static fixtures from tests/fixtures/http
plus scripted routes (errors, retries, redirects, conditional GETs, slow and oversized bodies).
It records every request it receives (path, Host header, arrival time, headers)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from drugtrade.sources.http import HttpClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "http"
LAST_MODIFIED = "Wed, 05 Mar 2025 08:00:00 GMT"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".json": "application/json",
}


@dataclass(frozen=True)
class Hit:
    path: str  # with the query string
    host: str
    at: float  # time.monotonic() when the request line was read
    headers: dict[str, str]  # lower-cased names


@dataclass
class LocalServer:
    base_url: str = ""
    last_modified: str = LAST_MODIFIED
    hits: list[Hit] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base_url + path

    def hits_to(self, path_prefix: str) -> list[Hit]:
        with self.lock:
            return [hit for hit in self.hits if hit.path.startswith(path_prefix)]

    def count(self, key: str) -> int:
        """How many times ``key`` was seen before, counting this time (1 on the first request)."""
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]


def _handler(state: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

        def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            arrived = time.monotonic()
            with state.lock:
                state.hits.append(
                    Hit(
                        path=self.path,
                        host=self.headers.get("Host", ""),
                        at=arrived,
                        headers={name.lower(): value for name, value in self.headers.items()},
                    )
                )
            parts = urlsplit(self.path)
            path, query = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
            segments = path.strip("/").split("/")
            if segments[0] == "fixtures" and len(segments) == 2:
                self.fixture(segments[1])
            elif segments[0] == "status":
                self.send(int(segments[1]), f"status {segments[1]}".encode(), {"Content-Type": "text/plain"})
            elif segments[0] == "flaky":
                # /flaky/<n>: the first n requests fail with 500, then 200
                if state.count(path) <= int(segments[1]):
                    self.send(500, b"temporarily broken", {"Content-Type": "text/plain"})
                else:
                    self.send(200, b"recovered", {"Content-Type": "text/plain"})
            elif segments[0] == "throttled":
                if state.count(path) == 1:
                    self.send(429, b"slow down", {"Retry-After": query["retry_after"]})
                else:
                    self.send(200, b"welcome back", {"Content-Type": "text/plain"})
            elif segments[0] == "slow":
                state.stop.wait(float(query["delay"]))
                self.send(200, b"finally", {"Content-Type": "text/plain"})
            elif segments[0] == "redirect":
                # /redirect/<n>: n hops (alternating 301 and 302) down to /redirect/0
                remaining = int(segments[1])
                if remaining == 0:
                    self.send(200, b"landed", {"Content-Type": "text/plain"})
                else:
                    status = 301 if remaining % 2 else 302
                    self.send(status, headers={"Location": f"/redirect/{remaining - 1}"})
            elif segments[0] == "loop":
                self.send(302, headers={"Location": "/loop/b" if segments[1] == "a" else "/loop/a"})
            elif segments[0] == "to-file":
                self.send(302, headers={"Location": "file:///etc/hostname"})
            elif segments[0] == "to-fixture":
                self.send(301, headers={"Location": f"{state.base_url}/fixtures/{segments[1]}"})
            elif segments[0] == "cp1252":
                body = (FIXTURES / "article_cp1252.html").read_bytes()
                self.send(200, body, {"Content-Type": "text/html; charset=windows-1252"})
            elif segments[0] == "etag":
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send(304, headers={"ETag": '"v1"'})
                else:
                    self.send(200, b"etag body", {"Content-Type": "text/plain", "ETag": '"v1"'})
            elif segments[0] == "lastmod":
                if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                    self.send(304)
                else:
                    self.send(
                        200, b"lastmod body", {"Content-Type": "text/plain", "Last-Modified": LAST_MODIFIED}
                    )
            elif segments[0] == "big":
                self.send(200, b"x" * int(query["size"]), {"Content-Type": "application/octet-stream"})
            elif segments[0] == "big-unannounced":
                # No Content-Length: the body runs until the connection closes, so only counting
                # the streamed bytes can enforce the cap.
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                for _ in range(int(query["size"]) // 1000):
                    self.wfile.write(b"y" * 1000)
            elif path == "/wp-json/wp/v2/posts":
                page = int(query.get("page", "1"))
                if page > 2:
                    error = {"code": "rest_post_invalid_page_number", "message": "page number too large"}
                    self.send(400, json.dumps(error).encode(), {"Content-Type": "application/json"})
                else:
                    self.fixture(f"wp_posts_{page}.json", {"X-WP-Total": "3", "X-WP-TotalPages": "2"})
            elif path == "/ok":
                self.send(200, b"ok", {"Content-Type": "text/plain"})
            else:
                self.send(404, b"not found", {"Content-Type": "text/plain"})

        def fixture(self, name: str, extra: dict[str, str] | None = None) -> None:
            file = FIXTURES / name
            if "/" in name or not file.is_file():
                self.send(404, b"no such fixture", {"Content-Type": "text/plain"})
                return
            body = file.read_bytes().replace(b"{{BASE}}", state.base_url.encode())
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send(304, headers={"ETag": etag})
                return
            headers = {
                "Content-Type": CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
                "ETag": etag,
            }
            self.send(200, body, {**headers, **(extra or {})})

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (timeout tests) leaves a broken pipe behind: expected, not news.
        pass


@pytest.fixture
def server() -> Iterator[LocalServer]:
    state = LocalServer()
    httpd = _QuietServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[HttpClient]:
    """A fast client: tiny backoff, no rate limit, validators under tmp_path."""
    with HttpClient(
        timeout=5.0,
        retries=2,
        backoff=0.01,
        min_interval_per_host=0.0,
        state_path=tmp_path / "state" / "http_validators.sqlite",
        seed=7,
    ) as http:
        yield http
