"""Where a redirect leads, and whether it may be followed."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import httpx

from drugtrade.sources.fetch_result import FetchError

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Redirects may only lead to the network: a remote server must never be able to make us read a
# local file by answering "302 Location: file:///etc/passwd".
NETWORK_SCHEMES = frozenset({"http", "https"})


def redirect_target(
    url: str, current: str, response: httpx.Response, *, attempts: int, allowed_schemes: frozenset[str]
) -> str:
    """The absolute URL a redirect ``response`` from ``current`` points to; FetchError (naming the
    requested ``url``) when it has no Location or leads off the network or out of ``allowed_schemes``."""
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
    if scheme not in NETWORK_SCHEMES or scheme not in allowed_schemes:
        raise FetchError(
            url,
            f"redirect from {current} to {target}: scheme {scheme!r} is not allowed for redirects",
            status=response.status_code,
            attempts=attempts,
        )
    return target
