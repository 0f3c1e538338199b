"""One fetched page through the extractors: its article, statements, mentions and numeric facts
as plain rows (a PageResult), or the reason it gave none. Runs in extraction worker processes;
articles.py batches the pages of a day and lands the results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, kw_only=True)
class PageJob:
    source_id: str
    url: str
    content: bytes
    content_type: str | None
    fetched_at: datetime
    raw_path: str


@dataclass(kw_only=True)
class PageResult:
    url: str
    source_id: str
    raw_path: str
    fetched_at: datetime
    error: str | None = None
    article: dict[str, Any] | None = None
    statements: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)


def process_page(job: PageJob) -> PageResult:
    """Extract one page. Runs in a worker process; any failure becomes a rejection reason."""
    from drugtrade.extract.content import extract_article
    from drugtrade.extract.facts import extract_facts
    from drugtrade.extract.mentions import extract_mentions
    from drugtrade.extract.statements import extract_statements

    result = PageResult(
        url=job.url, source_id=job.source_id, raw_path=job.raw_path, fetched_at=job.fetched_at
    )
    try:
        article = extract_article(job.content, url=job.url, content_type=job.content_type)
        result.article = {
            "canonical_url": article.canonical_url,
            "title": article.title,
            "author": article.author,
            "published_date": article.published_date,
            "language": article.language,
            "body": article.body,
        }
        result.statements = [
            {
                "quote": s.quote,
                "start": s.start,
                "end": s.end,
                "speaker": s.speaker,
                "speaker_role": s.speaker_role,
                "speaker_country": s.speaker_country,
                "attribution": s.attribution,
                "topics": list(s.topics),
            }
            for s in extract_statements(article.body)
        ]
        result.mentions = [
            {"kind": m.kind, "text": m.text, "normalized": m.normalized, "start": m.start, "end": m.end}
            for m in extract_mentions(article.body)
        ]
        result.facts = [
            f.as_row() for f in extract_facts(article.body, published_date=article.published_date)
        ]
    except Exception as error:  # noqa: BLE001 - a page's failure must not lose the batch
        result.error = f"{type(error).__name__}: {error}"
    return result
