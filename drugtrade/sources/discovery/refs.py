"""What discovery yields (ArticleRef) and how it fails (DiscoveryError)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from drugtrade.errors import DrugtradeError


class DiscoveryError(DrugtradeError, RuntimeError):
    """A source's index could not be read. The message names the source, the URL and the reason."""


@dataclass(frozen=True, kw_only=True)
class ArticleRef:
    url: str
    title: str | None = None
    published: datetime | None = None  # UTC
    inline_html: str | None = None  # the article's HTML when the index already carries it
    error: str | None = None  # this entry could not be used; the reason becomes a rejected row
