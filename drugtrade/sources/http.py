"""A polite HTTP client for fetching article pages and feeds.

Politeness and robustness live here so that no caller can forget them; the client composes them:
a per-host minimum interval between requests (rate_limit.py), retries with exponential backoff
and jitter on transient failures (connection errors, timeouts, 429, 5xx; Retry-After honoured up
to a cap: retry_policy.py), conditional GETs whose validators (ETag / Last-Modified) survive
across runs in a small SQLite file (validator_store.py), a size cap enforced while streaming
(size_cap.py), a scheme allow-list that also applies to redirect targets (redirects.py), and
``file://`` reads (local_files.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from drugtrade.sources.charset import charset_of
from drugtrade.sources.fetch_result import FetchError, FetchResult
from drugtrade.sources.local_files import read_file_url
from drugtrade.sources.rate_limit import HostRateLimiter
from drugtrade.sources.redirects import MAX_REDIRECTS, NETWORK_SCHEMES, REDIRECT_STATUSES, redirect_target
from drugtrade.sources.retry_policy import Retryable, RetryPolicy, parse_retry_after
from drugtrade.sources.size_cap import read_capped
from drugtrade.sources.validator_store import STATE_FILE_NAME, ValidatorStore, validators_path

__all__ = [
    "DEFAULT_ACCEPT",
    "DEFAULT_USER_AGENT",
    "MAX_REDIRECTS",
    "REDIRECT_STATUSES",
    "STATE_FILE_NAME",
    "FetchError",
    "FetchResult",
    "HttpClient",
    "charset_of",
    "parse_retry_after",
    "validators_path",
]

DEFAULT_USER_AGENT = (
    "drugtrade/0.1 (open-source data warehouse of the drug trade in the Americas; "
    "+https://github.com/drugtrade/drugtrade)"
)
DEFAULT_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml;q=0.9,"
    "application/atom+xml;q=0.9,application/json;q=0.9,*/*;q=0.5"
)


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
        self._retry = RetryPolicy(
            retries=retries,
            backoff=backoff,
            max_backoff=max_backoff,
            max_retry_after=max_retry_after,
            seed=seed,
        )
        self._limiter = HostRateLimiter(min_interval_per_host)
        self._max_bytes = max_bytes
        self._schemes = frozenset(scheme.lower() for scheme in allowed_schemes)
        self._http = httpx.Client(
            headers={"User-Agent": user_agent, "Accept": DEFAULT_ACCEPT},
            timeout=httpx.Timeout(
                timeout, connect=connect_timeout if connect_timeout is not None else timeout
            ),
            follow_redirects=False,  # followed by hand: each hop is rate-limited and scheme-checked
        )
        self._store = ValidatorStore(Path(state_path)) if state_path is not None else None

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
            known = self._store.get(url)[0] if (conditional and self._store) else None
            result = read_file_url(url, max_bytes=self._max_bytes, if_none_match=known)
            if remember and not result.not_modified:
                self.remember(url, result.etag, None)
            return result
        attempts = 0
        while True:
            attempts += 1
            try:
                result = self._follow(url, conditional=conditional, attempts=attempts)
            except Retryable as failure:
                if self._retry.gives_up(attempts):
                    raise FetchError(
                        url,
                        f"{failure.reason}; gave up after {attempts} attempts",
                        status=failure.status,
                        attempts=attempts,
                    ) from failure
                time.sleep(self._retry.delay(attempts, failure.retry_after))
                continue
            if remember:
                self.remember(result.final_url, result.etag, result.last_modified)
            return result

    def remember(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Store the validators of ``url`` (a FetchResult's final_url) for later conditional GETs
        (a file:// URL's are its size and modification time); both None forgets them. Does
        nothing without a state file."""
        self.remember_all([(url, etag, last_modified)])

    def remember_all(self, validators: Iterable[tuple[str, str | None, str | None]]) -> None:
        """``remember`` for many URLs at once, in one transaction of the state file (a day of
        ten thousand pages would otherwise commit ten thousand times)."""
        if self._store is not None:
            self._store.put_many(
                [v for v in validators if urlsplit(v[0]).scheme.lower() in (*NETWORK_SCHEMES, "file")]
            )

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
            self._limiter.wait_turn(current)
            try:
                with self._http.stream("GET", current, headers=headers) as response:
                    status = response.status_code
                    if status in REDIRECT_STATUSES:
                        target = redirect_target(
                            url, current, response, attempts=attempts, allowed_schemes=self._schemes
                        )
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
                        return _result(
                            url,
                            current,
                            response,
                            content=None,
                            etag=response.headers.get("etag", etag),
                            last_modified=response.headers.get("last-modified", last_modified),
                            attempts=attempts,
                        )
                    if status == 429 or 500 <= status <= 599:
                        raise Retryable(
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
                    content = read_capped(url, response, max_bytes=self._max_bytes, attempts=attempts)
                    return _result(
                        url,
                        current,
                        response,
                        content=content,
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                        attempts=attempts,
                    )
            except httpx.TimeoutException as exc:
                raise Retryable(f"timed out ({type(exc).__name__}) fetching {current}") from exc
            except httpx.TransportError as exc:
                raise Retryable(f"connection failed fetching {current}: {type(exc).__name__}: {exc}") from exc
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchError(url, f"{type(exc).__name__}: {exc}", attempts=attempts) from exc
        raise FetchError(
            url, f"too many redirects (more than {MAX_REDIRECTS}): " + " -> ".join(chain), attempts=attempts
        )

    def _check_scheme(self, url: str) -> str:
        scheme = urlsplit(url).scheme.lower()
        if not scheme:
            raise FetchError(url, "not an absolute URL (no scheme)")
        if scheme not in self._schemes:
            allowed = ", ".join(sorted(self._schemes))
            raise FetchError(url, f"scheme {scheme!r} is not allowed (allowed: {allowed})")
        return scheme


def _result(
    url: str,
    final_url: str,
    response: httpx.Response,
    *,
    content: bytes | None,
    etag: str | None,
    last_modified: str | None,
    attempts: int,
) -> FetchResult:
    """The FetchResult of the final hop: a page (``content``) or, with ``content`` None, a 304."""
    content_type = response.headers.get("content-type") if content is not None else None
    return FetchResult(
        url=url,
        final_url=final_url,
        status=response.status_code,
        content=content,
        content_type=content_type,
        encoding=charset_of(content_type),
        etag=etag,
        last_modified=last_modified,
        not_modified=content is None,
        fetched_at=datetime.now(UTC),
        attempts=attempts,
        headers={key.lower(): value for key, value in response.headers.items()},
    )
