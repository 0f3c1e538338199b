"""A response body read while streaming, aborted as soon as it passes the size cap."""

from __future__ import annotations

import httpx

from drugtrade.sources.fetch_result import FetchError


def read_capped(url: str, response: httpx.Response, *, max_bytes: int, attempts: int) -> bytes:
    """The decoded body of ``response``; FetchError when the declared or the actual size passes ``max_bytes``."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            url,
            f"too large: Content-Length {declared} bytes exceeds the cap of {max_bytes} bytes",
            status=response.status_code,
            attempts=attempts,
        )
    body = bytearray()
    # iter_bytes yields decoded bytes, so the cap also stops a compression bomb.
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(
                url,
                f"too large: body exceeds the cap of {max_bytes} bytes (download aborted)",
                status=response.status_code,
                attempts=attempts,
            )
    return bytes(body)
