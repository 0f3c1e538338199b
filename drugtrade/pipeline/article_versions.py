"""Which extracted pages are new: article identity (canonical URL), versions by content hash
against what the lake already holds, and the lake rows of a new article or version."""

from __future__ import annotations

import hashlib
from datetime import UTC, date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from drugtrade import lake
from drugtrade.pipeline.article_pages import PageResult
from drugtrade.registry import ArticleSource

if TYPE_CHECKING:
    from drugtrade.pipeline.articles import ArticleIngestSummary


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:24]


class ArticleIndex:
    """What the lake already holds: (article_id -> newest version, content hash) and the raw
    files already extracted, outside the partitions this run is about to replace."""

    def __init__(self, lake_dir: Path, exclude_ingest_date: date, source_id: str) -> None:
        self.versions: dict[str, tuple[int, str]] = {}
        self.raw_paths: set[str] = set()
        # The kept raw copy of every page this source ever landed, this day's included: a page the
        # server now answers 304 for is re-extracted from it when the day is run again.
        self.raw_by_url: dict[str, str] = {}
        all_files = [
            p for p in lake.dataset_files(lake_dir, "articles") if f"source_id={source_id}" in p.parts
        ]
        files = [str(p) for p in all_files if f"ingest_date={exclude_ingest_date.isoformat()}" not in p.parts]
        with duckdb.connect() as connection:
            if all_files:
                self.raw_by_url = dict(
                    connection.execute(
                        "select url, arg_max(raw_path, retrieved_at) from read_parquet($files, union_by_name = true) "
                        "where raw_path is not null group by url",
                        {"files": [str(p) for p in all_files]},
                    ).fetchall()
                )
            if not files:
                return
            rows = connection.execute(
                "select article_id, max(version), arg_max(content_hash, version), list(distinct raw_path) "
                "from read_parquet($files, union_by_name = true) group by article_id",
                {"files": files},
            ).fetchall()
        for article_id, version, content_hash, raw_paths in rows:
            self.versions[article_id] = (version, content_hash)
            self.raw_paths.update(p for p in raw_paths if p)


def collect_page_rows(
    result: PageResult,
    source: ArticleSource,
    ingest_date: date,
    index: ArticleIndex,
    summary: ArticleIngestSummary,
    tables: dict[str, list[dict[str, Any]]],
    seen_in_run: set[tuple[str, str]],
) -> None:
    """Add the lake rows of one extracted page to ``tables``: nothing when its body is already in
    the lake (or earlier in this run), else a new article or a new version of one, with its
    statements, mentions and facts, and count it in ``summary``."""
    article = result.article or {}
    identity_url = article.get("canonical_url") or result.url
    article_id = _hash(identity_url)[:16]
    content_hash = hashlib.sha256(article["body"].encode()).hexdigest()
    if (article_id, content_hash) in seen_in_run:
        summary.unchanged += 1
        return
    seen_in_run.add((article_id, content_hash))
    previous = index.versions.get(article_id)
    if previous and previous[1] == content_hash:
        summary.unchanged += 1
        return
    version = previous[0] + 1 if previous else 1
    if previous:
        summary.new_versions += 1
    else:
        summary.new_articles += 1
    index.versions[article_id] = (version, content_hash)
    provenance = {
        "article_id": article_id,
        "version": version,
        "source_id": source.id,
        "url": result.url,
        "content_hash": content_hash,
        "retrieved_at": result.fetched_at.astimezone(UTC),
        "ingest_date": ingest_date,
    }
    tables["articles"].append({**provenance, **article, "raw_path": result.raw_path})
    for statement in result.statements:
        tables["statements"].append(
            {
                **provenance,
                **statement,
                "published_date": article.get("published_date"),
                "statement_id": _hash(article_id, version, statement["start"], statement["end"]),
            }
        )
    summary.statements += len(result.statements)
    for mention in result.mentions:
        tables["mentions"].append(
            {
                **provenance,
                **mention,
                "mention_id": _hash(article_id, version, mention["kind"], mention["start"]),
            }
        )
    summary.mentions += len(result.mentions)
    for fact in result.facts:
        tables["text_facts"].append(
            {**provenance, **fact, "fact_id": _hash(article_id, version, fact["kind"], fact["start"])}
        )
    summary.facts += len(result.facts)
