"""A polite HTTP client for fetching article pages and feeds.

Politeness and robustness live here so that no caller can forget them: a per-host minimum
interval between requests, retries with exponential backoff and jitter on transient failures
(connection errors, timeouts, 429, 5xx; Retry-After honoured up to a cap), conditional GETs whose
validators (ETag / Last-Modified) survive across runs in a small SQLite file, a size cap enforced
while streaming, and a scheme allow-list that also applies to redirect targets.
"""

from __future__ import annotations

import codecs
import email.message
import email.utils
import mimetypes
import random
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import httpx

from drugtrade.errors import DrugtradeError

DEFAULT_USER_AGENT = (
    "drugtrade/0.1 (open-source data warehouse of the drug trade in the Americas; "
    "+https://github.com/drugtrade/drugtrade)"
)
DEFAULT_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml;q=0.9,"
    "application/atom+xml;q=0.9,application/json;q=0.9,*/*;q=0.5"
)
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
STATE_FILE_NAME = "http_validators.sqlite"
# Redirects may only lead to the network: a remote server must never be able to make us read a
# local file by answering "302 Location: file:///etc/passwd".
_NETWORK_SCHEMES = frozenset({"http", "https"})


def validators_path(state_dir: Path) -> Path:
    """Where the conditional-GET validators live inside ``Settings.state_dir``."""
    return Path(state_dir) / STATE_FILE_NAME


class FetchError(DrugtradeError, RuntimeError):
    """A URL could not be fetched. The message names the URL and the reason."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, attempts: int = 0) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.attempts = attempts


@dataclass(frozen=True)
class FetchResult:
    url: str  # as requested
    final_url: str  # after redirects
    status: int
    content: bytes | None  # None when not_modified
    content_type: str | None
    encoding: str | None  # charset declared in Content-Type, when Python knows it; else None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    fetched_at: datetime  # UTC
    attempts: int  # 1 when the first try succeeded
    # Lower-cased response headers of the final hop (pagination headers, for instance).
    headers: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


class _Retryable(Exception):
    """A transient failure of one attempt; the caller decides whether to try again."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def charset_of(content_type: str | None) -> str | None:
    """The charset declared in a Content-Type header, lower-cased, or None when absent or unknown
    to Python (the extractor then sniffs it from the bytes)."""
    if not content_type:
        return None
    message = email.message.Message()
    message["content-type"] = content_type
    charset = message.get_content_charset()
    if not charset:
        return None
    try:
        codecs.lookup(charset)
    except LookupError:
        return None
    return charset


class _ValidatorStore:
    """ETag / Last-Modified per URL in SQLite: safe when several workers share the state dir."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS validators ("
            " url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, updated_at TEXT NOT NULL)"
        )

    def get(self, url: str) -> tuple[str | None, str | None]:
        with self._lock:
            row = self._connection.execute(
                "SELECT etag, last_modified FROM validators WHERE url = ?", (url,)
            ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            if etag is None and last_modified is None:
                self._connection.execute("DELETE FROM validators WHERE url = ?", (url,))
            else:
                self._connection.execute(
                    "INSERT INTO validators (url, etag, last_modified, updated_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
                    " last_modified = excluded.last_modified, updated_at = excluded.updated_at",
                    (url, etag, last_modified, datetime.now(UTC).isoformat()),
                )

    def close(self) -> None:
        with self._lock:
            self._connection.close()


class HttpClient:
    """Fetch URLs politely. One instance may be shared by threads; the per-host rate limit and
    the validator store are per instance, so two instances do not throttle each other."""

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 20.0,
        connect_timeout: float | None = None,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_retry_after: float = 60.0,
        min_interval_per_host: float = 1.0,
        max_bytes: int = 10_000_000,
        state_path: Path | None = None,
        allowed_schemes: Iterable[str] = ("http", "https", "file"),
        seed: int | None = None,
    ) -> None:
        if timeout <= 0 or (connect_timeout is not None and connect_timeout <= 0):
            raise ValueError("timeouts must be positive")
        if retries < 0 or backoff < 0 or min_interval_per_host < 0 or max_retry_after < 0:
            raise ValueError(
                "retries, backoff, max_retry_after and min_interval_per_host must not be negative"
            )
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self._retries = retries
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._max_retry_after = max_retry_after
        self._min_interval = min_interval_per_host
        self._max_bytes = max_bytes
        self._schemes = frozenset(scheme.lower() for scheme in allowed_schemes)
        self._http = httpx.Client(
            headers={"User-Agent": user_agent, "Accept": DEFAULT_ACCEPT},
            timeout=httpx.Timeout(
                timeout, connect=connect_timeout if connect_timeout is not None else timeout
            ),
            follow_redirects=False,  # followed by hand: each hop is rate-limited and scheme-checked
        )
        self._store = _ValidatorStore(Path(state_path)) if state_path is not None else None
        self._random = random.Random(seed)
        self._random_lock = threading.Lock()
        self._slots_lock = threading.Lock()
        self._next_slot: dict[str, float] = {}

    # -- public -----------------------------------------------------------------------------

    def fetch(self, url: str, *, conditional: bool = True, remember: bool = True) -> FetchResult:
        """GET ``url``. With ``conditional`` and a stored validator, an unchanged page comes back
        as ``not_modified=True`` with no content. Raises FetchError on any failure.

        With ``remember=False`` the response's validators are not stored: call ``remember`` once the
        content is safely kept, so that a crash in between cannot turn the next run's answer into a
        304 for a page that was never stored."""
        url = url.strip()
        scheme = self._check_scheme(url)
        if scheme == "file":
            return self._fetch_file(url)
        attempts = 0
        while True:
            attempts += 1
            try:
                result = self._follow(url, conditional=conditional, attempts=attempts)
            except _Retryable as failure:
                if attempts > self._retries:
                    raise FetchError(
                        url,
                        f"{failure.reason}; gave up after {attempts} attempts",
                        status=failure.status,
                        attempts=attempts,
                    ) from failure
                time.sleep(self._delay(attempts, failure.retry_after))
                continue
            if remember:
                self.remember(result.final_url, result.etag, result.last_modified)
            return result

    def remember(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Store the validators of ``url`` (a FetchResult's final_url) for later conditional GETs;
        both None forgets them. Does nothing without a state file or for file:// URLs."""
        if self._store is not None and urlsplit(url).scheme.lower() in _NETWORK_SCHEMES:
            self._store.put(url, etag, last_modified)

    def close(self) -> None:
        self._http.close()
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- one attempt: follow the redirect chain -----------------------------------------------

    def _follow(self, url: str, *, conditional: bool, attempts: int) -> FetchResult:
        chain = [url]
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            etag, last_modified = self._store.get(current) if (conditional and self._store) else (None, None)
            headers: dict[str, str] = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            self._wait_turn(current)
            try:
                with self._http.stream("GET", current, headers=headers) as response:
                    status = response.status_code
                    if status in REDIRECT_STATUSES:
                        target = self._redirect_target(url, current, response, attempts)
                        if target in chain:
                            raise FetchError(
                                url,
                                "redirect loop: " + " -> ".join([*chain, target]),
                                status=status,
                                attempts=attempts,
                            )
                        chain.append(target)
                        current = target
                        continue
                    if status == 304 and headers:
                        return self._not_modified(url, current, response, etag, last_modified, attempts)
                    if status == 429 or 500 <= status <= 599:
                        raise _Retryable(
                            f"HTTP {status} {response.reason_phrase} from {current}",
                            status=status,
                            retry_after=parse_retry_after(response.headers.get("retry-after")),
                        )
                    if not 200 <= status <= 299:
                        where = "" if current == url else f" (at {current})"
                        raise FetchError(
                            url,
                            f"HTTP {status} {response.reason_phrase}{where}",
                            status=status,
                            attempts=attempts,
                        )
                    content = self._read_capped(url, response, attempts)
                    return self._complete(url, current, response, content, attempts)
            except httpx.TimeoutException as exc:
                raise _Retryable(f"timed out ({type(exc).__name__}) fetching {current}") from exc
            except httpx.TransportError as exc:
                raise _Retryable(
                    f"connection failed fetching {current}: {type(exc).__name__}: {exc}"
                ) from exc
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchError(url, f"{type(exc).__name__}: {exc}", attempts=attempts) from exc
        raise FetchError(
            url, f"too many redirects (more than {MAX_REDIRECTS}): " + " -> ".join(chain), attempts=attempts
        )

    def _redirect_target(self, url: str, current: str, response: httpx.Response, attempts: int) -> str:
        location = response.headers.get("location")
        if not location:
            raise FetchError(
                url,
                f"HTTP {response.status_code} redirect from {current} has no Location header",
                status=response.status_code,
                attempts=attempts,
            )
        target: str = urljoin(current, location.strip())
        scheme = urlsplit(target).scheme.lower()
        if scheme not in _NETWORK_SCHEMES or scheme not in self._schemes:
            raise FetchError(
                url,
                f"redirect from {current} to {target}: scheme {scheme!r} is not allowed for redirects",
                status=response.status_code,
                attempts=attempts,
            )
        return target

    def _read_capped(self, url: str, response: httpx.Response, attempts: int) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise FetchError(
                url,
                f"too large: Content-Length {declared} bytes exceeds the cap of {self._max_bytes} bytes",
                status=response.status_code,
                attempts=attempts,
            )
        body = bytearray()
        # iter_bytes yields decoded bytes, so the cap also stops a compression bomb.
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self._max_bytes:
                raise FetchError(
                    url,
                    f"too large: body exceeds the cap of {self._max_bytes} bytes (download aborted)",
                    status=response.status_code,
                    attempts=attempts,
                )
        return bytes(body)

    def _complete(
        self, url: str, final_url: str, response: httpx.Response, content: bytes, attempts: int
    ) -> FetchResult:
        etag = response.headers.get("etag")
        last_modified = response.headers.get("last-modified")
        content_type = response.headers.get("content-type")
        return FetchResult(
            url=url,
            final_url=final_url,
            status=response.status_code,
            content=content,
            content_type=content_type,
            encoding=charset_of(content_type),
            etag=etag,
            last_modified=last_modified,
            not_modified=False,
            fetched_at=datetime.now(UTC),
            attempts=attempts,
            headers={key.lower(): value for key, value in response.headers.items()},
        )

    def _not_modified(
        self,
        url: str,
        final_url: str,
        response: httpx.Response,
        etag: str | None,
        last_modified: str | None,
        attempts: int,
    ) -> FetchResult:
        etag = response.headers.get("etag", etag)
        last_modified = response.headers.get("last-modified", last_modified)
        return FetchResult(
            url=url,
            final_url=final_url,
            status=304,
            content=None,
            content_type=None,
            encoding=None,
            etag=etag,
            last_modified=last_modified,
            not_modified=True,
            fetched_at=datetime.now(UTC),
            attempts=attempts,
            headers={key.lower(): value for key, value in response.headers.items()},
        )

    # -- local files ----------------------------------------------------------------------------

    def _fetch_file(self, url: str) -> FetchResult:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchError(url, f"file URL names a remote host {parts.netloc!r}; only local files are read")
        path = Path(url2pathname(parts.path))
        try:
            if not path.is_file():
                raise FetchError(url, f"no such file: {path}")
            size = path.stat().st_size
            if size > self._max_bytes:
                raise FetchError(url, f"too large: {size} bytes exceeds the cap of {self._max_bytes} bytes")
            content = path.read_bytes()
        except OSError as exc:
            raise FetchError(url, f"cannot read {path}: {exc}") from exc
        content_type, _ = mimetypes.guess_type(path.name)
        return FetchResult(
            url=url,
            final_url=url,
            status=200,
            content=content,
            content_type=content_type,
            encoding=None,
            etag=None,
            last_modified=None,
            not_modified=False,
            fetched_at=datetime.now(UTC),
            attempts=1,
        )

    # -- politeness -----------------------------------------------------------------------------

    def _check_scheme(self, url: str) -> str:
        scheme = urlsplit(url).scheme.lower()
        if not scheme:
            raise FetchError(url, "not an absolute URL (no scheme)")
        if scheme not in self._schemes:
            allowed = ", ".join(sorted(self._schemes))
            raise FetchError(url, f"scheme {scheme!r} is not allowed (allowed: {allowed})")
        return scheme

    def _wait_turn(self, url: str) -> None:
        """Reserve the next request slot for the URL's host, then sleep until it comes.

        Slots are reserved under the lock and slept outside it, so concurrent threads hitting
        one host queue up at min_interval spacing while other hosts are not held back."""
        host = (urlsplit(url).hostname or "").lower()
        with self._slots_lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self._min_interval
        if slot > now:
            time.sleep(slot - now)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self._max_retry_after)
        base: float = min(self._backoff * 2 ** (attempt - 1), self._max_backoff)
        with self._random_lock:
            spread = self._random.random()
        # Jitter keeps parallel workers that failed together from retrying in lockstep.
        return base * (0.5 + spread)
