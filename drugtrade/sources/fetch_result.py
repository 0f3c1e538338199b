"""What a fetch gives back: the FetchResult of a page, or the FetchError that says why there is none."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from drugtrade.errors import DrugtradeError


class FetchError(DrugtradeError, RuntimeError):
    """A URL could not be fetched. The message names the URL and the reason."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, attempts: int = 0) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.attempts = attempts


@dataclass(frozen=True, kw_only=True)
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
