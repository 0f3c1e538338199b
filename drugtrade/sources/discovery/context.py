"""What a discovery kind is given, and the helpers every kind shares: fetching an index
document, reading options, failing with the source named, keeping recent entries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from drugtrade.registry import ArticleSource
from drugtrade.sources.discovery.refs import DiscoveryError
from drugtrade.sources.http import FetchError, FetchResult, HttpClient


@dataclass(frozen=True, kw_only=True)
class DiscoveryContext:
    """What every discovery kind is given: the source, the client, the project folder and ``since``."""

    source: ArticleSource
    client: HttpClient
    base_dir: Path
    since: date | None

    def fail(self, url: str, reason: str) -> DiscoveryError:
        return DiscoveryError(f"source {self.source.id!r}: {url}: {reason}")

    def location_url(self) -> str:
        """The source location as a URL; a plain path is a local file relative to the project."""
        location = self.source.location.strip()
        if "://" in location:
            return location
        path = Path(location)
        return (path if path.is_absolute() else self.base_dir / path).resolve().as_uri()

    def get(self, url: str, what: str) -> FetchResult:
        try:
            return self.client.fetch(url, conditional=False)
        except FetchError as exc:
            raise self.fail(url, f"cannot fetch the {what}: {exc.reason}") from exc

    def option(self, name: str, default: Any) -> Any:
        return self.source.options.get(name, default)


def option_regex(source: ArticleSource, name: str) -> re.Pattern[str] | None:
    pattern = source.options.get(name)
    if pattern in (None, ""):
        return None
    try:
        return re.compile(str(pattern))
    except re.error as exc:
        raise DiscoveryError(f"source {source.id!r}: option {name!r} is not a valid regex: {exc}") from exc


def is_recent(when: datetime | None, since: date | None) -> bool:
    """Undated entries are kept: dropping them would lose articles the extractor can still date."""
    return since is None or when is None or when.astimezone(UTC).date() >= since
