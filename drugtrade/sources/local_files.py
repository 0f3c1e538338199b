"""``file://`` URLs read from the local disk, under the same size cap as downloads."""

from __future__ import annotations

import mimetypes
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from drugtrade.sources.fetch_result import FetchError, FetchResult


def file_validator(status: os.stat_result) -> str:
    """The ETag of a local file: its inode, size and modification time, as Apache derives its
    own. A file rewritten with other content, or replaced by another (a rename into place keeps
    the size and can keep the time), gets another one."""
    return f'"{status.st_ino:x}-{status.st_size:x}-{status.st_mtime_ns:x}"'


def read_file_url(url: str, *, max_bytes: int, if_none_match: str | None = None) -> FetchResult:
    """The file a ``file://`` URL names on this machine; FetchError for a remote host, a missing
    or unreadable file, or one over ``max_bytes``. With ``if_none_match`` (the ``etag`` of an
    earlier read) an unchanged file is not read: it comes back ``not_modified``, without content,
    as a conditional GET would."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FetchError(url, f"file URL names a remote host {parts.netloc!r}; only local files are read")
    path = Path(url2pathname(parts.path))
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise FetchError(url, f"no such file: {path}")
        etag = file_validator(status)
        unchanged = if_none_match is not None and if_none_match == etag
        if status.st_size > max_bytes and not unchanged:
            raise FetchError(url, f"too large: {status.st_size} bytes exceeds the cap of {max_bytes} bytes")
        content = None if unchanged else path.read_bytes()
    except FileNotFoundError as exc:
        raise FetchError(url, f"no such file: {path}") from exc
    except OSError as exc:
        raise FetchError(url, f"cannot read {path}: {exc}") from exc
    content_type, _ = mimetypes.guess_type(path.name)
    return FetchResult(
        url=url,
        final_url=url,
        status=304 if content is None else 200,
        content=content,
        content_type=None if content is None else content_type,
        encoding=None,
        etag=etag,
        last_modified=None,
        not_modified=content is None,
        fetched_at=datetime.now(UTC),
        attempts=1,
    )
