"""The HTTP client against a real server on 127.0.0.1."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from drugtrade.sources.http import (
    MAX_REDIRECTS,
    FetchError,
    HttpClient,
    charset_of,
    parse_retry_after,
    validators_path,
)

if TYPE_CHECKING:
    from conftest import LocalServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "http"

# Server arrival times trail the client's send times by a varying delay (connection set-up, a
# handler thread to start, a loaded machine), so spacing is checked with this much slack. It is far
# below every interval the tests use, so a client that ignored the interval would still fail.
ARRIVAL_SLACK = 0.05


def _fast(tmp_path: Path, **overrides: object) -> HttpClient:
    settings: dict[str, object] = {
        "timeout": 5.0,
        "retries": 2,
        "backoff": 0.01,
        "min_interval_per_host": 0.0,
        "state_path": tmp_path / "validators.sqlite",
        "seed": 3,
    }
    settings.update(overrides)
    return HttpClient(**settings)  # type: ignore[arg-type]


def test_200_returns_bytes_type_and_identifies_the_project(server: LocalServer, client: HttpClient) -> None:
    result = client.fetch(server.url("/fixtures/article1.html"))
    assert result.status == 200
    assert result.content == (FIXTURES / "article1.html").read_bytes()
    assert result.content_type == "text/html; charset=utf-8"
    assert result.encoding == "utf-8"
    assert result.final_url == result.url == server.url("/fixtures/article1.html")
    assert result.attempts == 1
    assert not result.not_modified
    assert result.fetched_at.tzinfo is not None and result.fetched_at.utcoffset() == timedelta(0)
    user_agent = server.hits[0].headers["user-agent"]
    assert "drugtrade" in user_agent and "+https://" in user_agent


def test_404_is_not_retried_and_the_error_names_url_and_status(
    server: LocalServer, client: HttpClient
) -> None:
    url = server.url("/status/404")
    with pytest.raises(FetchError) as caught:
        client.fetch(url)
    assert caught.value.status == 404
    assert caught.value.attempts == 1
    assert url in str(caught.value) and "404" in str(caught.value)
    assert len(server.hits_to("/status/404")) == 1


def test_500_then_200_is_retried(server: LocalServer, client: HttpClient) -> None:
    result = client.fetch(server.url("/flaky/1"))
    assert result.status == 200
    assert result.content == b"recovered"
    assert result.attempts == 2
    assert len(server.hits_to("/flaky/1")) == 2


def test_persistent_5xx_gives_up_after_the_retries(server: LocalServer, client: HttpClient) -> None:
    with pytest.raises(FetchError) as caught:
        client.fetch(server.url("/status/503"))
    assert caught.value.status == 503
    assert caught.value.attempts == 3  # the first try and retries=2
    assert "503" in caught.value.reason and "gave up after 3 attempts" in caught.value.reason
    assert len(server.hits_to("/status/503")) == 3


def test_429_waits_for_retry_after(server: LocalServer, client: HttpClient) -> None:
    result = client.fetch(server.url("/throttled/a?retry_after=1"))
    assert result.status == 200 and result.attempts == 2
    first, second = server.hits_to("/throttled/a")
    # backoff is 0.01 s: only honouring Retry-After explains a one-second pause.
    assert second.at - first.at >= 1.0 - ARRIVAL_SLACK


def test_retry_after_is_capped(server: LocalServer, tmp_path: Path) -> None:
    with _fast(tmp_path, max_retry_after=0.3) as http:
        result = http.fetch(server.url("/throttled/b?retry_after=3600"))
    assert result.status == 200 and result.attempts == 2
    first, second = server.hits_to("/throttled/b")
    assert 0.3 - ARRIVAL_SLACK <= second.at - first.at < 60  # not the hour the server asked for


def test_parse_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now) == 90.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=90), usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


def test_slow_response_times_out_after_retries(server: LocalServer, tmp_path: Path) -> None:
    with _fast(tmp_path, timeout=0.2, retries=1) as http, pytest.raises(FetchError) as caught:
        http.fetch(server.url("/slow/a?delay=5"))
    assert "timed out" in caught.value.reason
    assert caught.value.attempts == 2
    assert len(server.hits_to("/slow/a")) == 2


def test_connection_refused_is_retried_then_reported(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with _fast(tmp_path, retries=1) as http, pytest.raises(FetchError) as caught:
        http.fetch(f"http://127.0.0.1:{port}/")
    assert "connection failed" in caught.value.reason
    assert caught.value.attempts == 2


def test_redirect_chain_reports_the_final_url(server: LocalServer, client: HttpClient) -> None:
    result = client.fetch(server.url("/redirect/3"))
    assert result.url == server.url("/redirect/3")
    assert result.final_url == server.url("/redirect/0")
    assert result.content == b"landed"
    assert [hit.path for hit in server.hits] == ["/redirect/3", "/redirect/2", "/redirect/1", "/redirect/0"]


def test_at_most_five_redirects(server: LocalServer, client: HttpClient) -> None:
    assert client.fetch(server.url(f"/redirect/{MAX_REDIRECTS}")).final_url == server.url("/redirect/0")
    with pytest.raises(FetchError, match="too many redirects"):
        client.fetch(server.url(f"/redirect/{MAX_REDIRECTS + 1}"))


def test_redirect_loop_is_an_error(server: LocalServer, client: HttpClient) -> None:
    with pytest.raises(FetchError, match="redirect loop") as caught:
        client.fetch(server.url("/loop/a"))
    assert server.url("/loop/b") in caught.value.reason
    assert len(server.hits_to("/loop/")) == 2  # detected, not run into the hop limit


def test_a_redirect_cannot_lead_to_a_local_file(server: LocalServer, client: HttpClient) -> None:
    with pytest.raises(FetchError, match="scheme 'file' is not allowed for redirects"):
        client.fetch(server.url("/to-file"))


def test_windows_1252_bytes_are_preserved_and_the_encoding_reported(
    server: LocalServer, client: HttpClient
) -> None:
    result = client.fetch(server.url("/cp1252"))
    raw = (FIXTURES / "article_cp1252.html").read_bytes()
    assert result.content == raw
    assert result.encoding == "windows-1252"
    assert "\u201cquoted\u201d" in result.content.decode(result.encoding)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is not UTF-8


def test_charset_of() -> None:
    assert charset_of('text/html; charset="ISO-8859-1"') == "iso-8859-1"
    assert charset_of("text/html") is None
    assert charset_of("text/html; charset=no-such-codec") is None
    assert charset_of(None) is None


def test_etag_conditional_get_survives_a_new_client(server: LocalServer, tmp_path: Path) -> None:
    state = validators_path(tmp_path / "state")
    with _fast(tmp_path, state_path=state) as first:
        fresh = first.fetch(server.url("/etag"))
    assert fresh.content == b"etag body" and fresh.etag == '"v1"' and not fresh.not_modified
    with _fast(tmp_path, state_path=state) as second:
        again = second.fetch(server.url("/etag"))
        forced = second.fetch(server.url("/etag"), conditional=False)
    assert again.not_modified and again.status == 304 and again.content is None
    assert again.etag == '"v1"'
    assert forced.content == b"etag body" and not forced.not_modified
    sent = [hit.headers.get("if-none-match") for hit in server.hits_to("/etag")]
    assert sent == [None, '"v1"', None]


def test_last_modified_conditional_get(server: LocalServer, tmp_path: Path) -> None:
    state = tmp_path / "validators.sqlite"
    with _fast(tmp_path, state_path=state) as first:
        stamp = first.fetch(server.url("/lastmod")).last_modified
    assert stamp == server.last_modified
    with _fast(tmp_path, state_path=state) as second:
        again = second.fetch(server.url("/lastmod"))
    assert again.not_modified and again.content is None and again.last_modified == stamp
    assert [hit.headers.get("if-modified-since") for hit in server.hits_to("/lastmod")] == [None, stamp]


def test_without_a_state_file_nothing_is_conditional(server: LocalServer, tmp_path: Path) -> None:
    with _fast(tmp_path, state_path=None) as http:
        http.fetch(server.url("/etag"))
        assert not http.fetch(server.url("/etag")).not_modified
    assert all("if-none-match" not in hit.headers for hit in server.hits)


def test_validators_belong_to_the_final_url_of_a_redirect(server: LocalServer, client: HttpClient) -> None:
    url = server.url("/to-fixture/article2.html")
    assert client.fetch(url).content is not None
    again = client.fetch(url)
    assert again.not_modified and again.url == url
    assert again.final_url == server.url("/fixtures/article2.html")


def _assert_spaced(arrivals: list[float], interval: float) -> None:
    """The k-th request after the first arrives no sooner than k intervals after it. Measured from
    the first arrival only, so one late arrival (scheduling jitter) cannot make the next gap look
    short; a client that skipped or raced the limit still fails at k = 1."""
    offsets = [at - arrivals[0] for at in arrivals]
    assert all(offset >= k * interval - ARRIVAL_SLACK for k, offset in enumerate(offsets)), offsets


def test_rate_limit_spaces_requests_to_one_host(server: LocalServer, tmp_path: Path) -> None:
    interval = 0.2
    with _fast(tmp_path, min_interval_per_host=interval) as http:
        http.fetch(server.url("/fixtures/article1.html"))  # opens the connection, outside the measure
        for _ in range(3):
            http.fetch(server.url("/ok"))
    arrivals = [hit.at for hit in server.hits_to("/ok")]
    assert {hit.host for hit in server.hits} == {server.base_url.removeprefix("http://")}
    _assert_spaced(arrivals, interval)


def test_rate_limit_holds_across_threads(server: LocalServer, tmp_path: Path) -> None:
    interval = 0.2
    errors: list[BaseException] = []
    with _fast(tmp_path, min_interval_per_host=interval) as http:

        def work() -> None:
            try:
                http.fetch(server.url("/ok"))
            except BaseException as exc:  # surfaced by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    arrivals = sorted(hit.at for hit in server.hits_to("/ok"))
    assert len(arrivals) == 5
    _assert_spaced(arrivals, interval)


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("ftp://example.org/file.txt", "ftp"),
        ("javascript:alert(1)", "javascript"),
        ("data:text/html,hi", "data"),
    ],
)
def test_schemes_outside_the_allow_list_are_refused(client: HttpClient, url: str, scheme: str) -> None:
    with pytest.raises(FetchError, match=f"scheme '{scheme}' is not allowed"):
        client.fetch(url)


def test_a_narrower_allow_list_refuses_plain_http(server: LocalServer, tmp_path: Path) -> None:
    with (
        _fast(tmp_path, allowed_schemes=("https",)) as http,
        pytest.raises(FetchError, match="'http' is not"),
    ):
        http.fetch(server.url("/ok"))
    assert server.hits == []


def test_relative_url_is_refused(client: HttpClient) -> None:
    with pytest.raises(FetchError, match="not an absolute URL"):
        client.fetch("/fixtures/article1.html")


def test_file_urls_read_local_files(client: HttpClient, tmp_path: Path) -> None:
    page = tmp_path / "a page.html"
    page.write_bytes(b"<p>local</p>")
    result = client.fetch(page.as_uri())
    assert result.content == b"<p>local</p>" and result.status == 200
    assert result.content_type == "text/html"
    with pytest.raises(FetchError, match="no such file"):
        client.fetch((tmp_path / "missing.html").as_uri())


def test_an_unchanged_local_file_is_not_read_again(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>first</p>")
    state = tmp_path / "validators.sqlite"
    with _fast(tmp_path, state_path=state) as first:
        read = first.fetch(page.as_uri())
        assert read.content == b"<p>first</p>" and read.etag
    with _fast(tmp_path, state_path=state) as second:  # the validator outlives the client
        again = second.fetch(page.as_uri())
        assert again.not_modified and again.content is None and again.status == 304
        assert second.fetch(page.as_uri(), conditional=False).content == b"<p>first</p>"
        page.write_bytes(b"<p>second, longer</p>")  # another size: another validator
        changed = second.fetch(page.as_uri())
        assert changed.content == b"<p>second, longer</p>" and changed.etag != read.etag
        assert second.fetch(page.as_uri()).not_modified
        # Same size, later modification time: read again.
        page.write_bytes(b"<p>third, longer!</p>")
        later = page.stat().st_mtime_ns + 5_000_000_000
        os.utime(page, ns=(later, later))
        assert second.fetch(page.as_uri()).content == b"<p>third, longer!</p>"
        # Another file renamed into place, with the same size and modification time: read again.
        replacement = tmp_path / "replacement.html"
        replacement.write_bytes(b"<p>fourth, longer</p>")
        before = page.stat()
        os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
        os.replace(replacement, page)
        assert second.fetch(page.as_uri()).content == b"<p>fourth, longer</p>"


def test_a_local_file_read_without_remembering_stays_unconditional(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>kept later</p>")
    with _fast(tmp_path) as http:
        read = http.fetch(page.as_uri(), remember=False)
        assert not http.fetch(page.as_uri(), remember=False).not_modified  # nothing was stored
        http.remember_all([(read.final_url, read.etag, None)])  # "the page is safely kept"
        assert http.fetch(page.as_uri()).not_modified
        http.remember_all([(read.final_url, None, None)])  # forgetting
        assert not http.fetch(page.as_uri()).not_modified


def test_size_cap_with_content_length(server: LocalServer, tmp_path: Path) -> None:
    with _fast(tmp_path, max_bytes=1000) as http:
        assert http.fetch(server.url("/big?size=1000")).content == b"x" * 1000
        with pytest.raises(FetchError, match="too large: Content-Length 5000"):
            http.fetch(server.url("/big?size=5000"))


def test_size_cap_while_streaming(server: LocalServer, tmp_path: Path) -> None:
    with _fast(tmp_path, max_bytes=2500) as http, pytest.raises(FetchError, match="download aborted"):
        http.fetch(server.url("/big-unannounced?size=1000000"))


def test_size_cap_on_local_files(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"z" * 2000)
    with _fast(tmp_path, max_bytes=1000) as http, pytest.raises(FetchError, match="too large"):
        http.fetch(big.as_uri())


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        HttpClient(timeout=0)
    with pytest.raises(ValueError):
        HttpClient(retries=-1)
    with pytest.raises(ValueError):
        HttpClient(max_bytes=0)


def test_validators_can_be_remembered_after_the_content_is_kept(server: LocalServer, tmp_path: Path) -> None:
    state = tmp_path / "validators.sqlite"
    with _fast(tmp_path, state_path=state) as first:
        fresh = first.fetch(server.url("/etag"), remember=False)
    with _fast(tmp_path, state_path=state) as second:
        assert not second.fetch(server.url("/etag"), remember=False).not_modified  # nothing was stored
        second.remember(fresh.final_url, fresh.etag, fresh.last_modified)  # "the page is safely kept"
    with _fast(tmp_path, state_path=state) as third:
        assert third.fetch(server.url("/etag")).not_modified
        third.remember(fresh.final_url, None, None)  # forgetting
        assert not third.fetch(server.url("/etag")).not_modified
    sent = [hit.headers.get("if-none-match") for hit in server.hits_to("/etag")]
    assert sent == [None, None, '"v1"', None]
