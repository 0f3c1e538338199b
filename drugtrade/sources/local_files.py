"""``file://`` URLs read from the local disk, under the same size cap as downloads."""

from __future__ import annotations

import mimetypes
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from drugtrade.sources.fetch_result import FetchError, FetchResult


def read_file_url(url: str, *, max_bytes: int) -> FetchResult:
    """The file a ``file://`` URL names on this machine; FetchError for a remote host, a missing
    or unreadable file, or one over ``max_bytes``."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FetchError(url, f"file URL names a remote host {parts.netloc!r}; only local files are read")
    path = Path(url2pathname(parts.path))
    try:
        if not path.is_file():
            raise FetchError(url, f"no such file: {path}")
        size = path.stat().st_size
        if size > max_bytes:
            raise FetchError(url, f"too large: {size} bytes exceeds the cap of {max_bytes} bytes")
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
