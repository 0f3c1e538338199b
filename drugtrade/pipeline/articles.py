"""Ingest article sources for one day: fetch pages, keep the raw bytes, extract the article,
its statements, mentions and numeric facts on both cores, and land them in the lake.

Idempotent per day: everything a day writes goes to partitions keyed on that ingest date (and
source), replaced whole on a re-run. An article already in the lake with the same content hash
adds nothing; a changed article becomes a new version.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from drugtrade import lake
from drugtrade.balance import check_article_balance
from drugtrade.config import Settings
from drugtrade.registry import ArticleSource, load_registry
from drugtrade.schemas import ARTICLES, ARTICLES_REJECTED, MENTIONS, STATEMENTS, TEXT_FACTS

log = logging.getLogger(__name__)


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class PageJob:
    source_id: str
    url: str
    content: bytes
    content_type: str | None
    fetched_at: datetime
    raw_path: str


@dataclass
class PageResult:
    url: str
    source_id: str
    raw_path: str
    fetched_at: datetime
    error: str | None = None
    article: dict | None = None
    statements: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    facts: list[dict] = field(default_factory=list)


def process_page(job: PageJob) -> PageResult:
    """Extract one page. Runs in a worker process; any failure becomes a rejection reason."""
    from drugtrade.extract.content import extract_article
    from drugtrade.extract.facts import extract_facts
    from drugtrade.extract.mentions import extract_mentions
    from drugtrade.extract.statements import extract_statements

    result = PageResult(url=job.url, source_id=job.source_id, raw_path=job.raw_path, fetched_at=job.fetched_at)
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
                "quote": s.quote, "start": s.start, "end": s.end, "speaker": s.speaker,
                "speaker_role": s.speaker_role, "speaker_country": s.speaker_country,
                "attribution": s.attribution, "topics": list(s.topics),
            }
            for s in extract_statements(article.body)
        ]
        result.mentions = [
            {"kind": m.kind, "text": m.text, "normalized": m.normalized, "start": m.start, "end": m.end}
            for m in extract_mentions(article.body)
        ]
        result.facts = [
            {
                "kind": f.kind, "value": f.value, "value_max": f.value_max, "unit": f.unit, "drug": f.drug, "country": f.country,
                "year": f.year, "text": f.text, "start": f.start, "end": f.end,
            }
            for f in extract_facts(article.body, published_date=article.published_date)
        ]
    except Exception as error:  # noqa: BLE001 - a page's failure must not lose the batch
        result.error = f"{type(error).__name__}: {error}"
    return result


@dataclass
class ArticleIngestSummary:
    source_id: str
    ingest_date: date
    pages_seen: int = 0
    not_modified: int = 0
    unchanged: int = 0
    new_articles: int = 0
    new_versions: int = 0
    rejected: int = 0
    statements: int = 0
    mentions: int = 0
    facts: int = 0


class ArticleIndex:
    """What the lake already holds: (article_id -> newest version, content hash) and the raw
    files already extracted, outside the partitions this run is about to replace."""

    def __init__(self, lake_dir: Path, exclude_ingest_date: date, source_id: str) -> None:
        self.versions: dict[str, tuple[int, str]] = {}
        self.raw_paths: set[str] = set()
        # The kept raw copy of every page this source ever landed, this day's included: a page the
        # server now answers 304 for is re-extracted from it when the day is run again.
        self.raw_by_url: dict[str, str] = {}
        all_files = [p for p in lake.dataset_files(lake_dir, "articles") if f"source_id={source_id}" in p.parts]
        files = [str(p) for p in all_files if f"ingest_date={exclude_ingest_date.isoformat()}" not in p.parts]
        with duckdb.connect() as connection:
            if all_files:
                self.raw_by_url = dict(connection.execute(
                    "select url, arg_max(raw_path, retrieved_at) from read_parquet($files, union_by_name = true) "
                    "where raw_path is not null group by url",
                    {"files": [str(p) for p in all_files]},
                ).fetchall())
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


def _raw_path(settings: Settings, source_id: str, content: bytes, url: str) -> Path:
    digest = hashlib.sha256(content).hexdigest()
    suffix = Path(url.split("?")[0]).suffix.lower()
    suffix = suffix if suffix in {".html", ".htm", ".txt", ".xml", ".json"} else ".html"
    return settings.raw_dir / "articles" / source_id / digest[:2] / f"{digest}{suffix}"


def _jobs(source: ArticleSource, settings: Settings, client, summary: ArticleIngestSummary,
          rejected: list[dict], index: ArticleIndex, ingest_date: date,
          validators: list[tuple[str, str | None, str | None]]) -> Iterator[PageJob]:
    from drugtrade.sources.articles import FetchedPage, fetch_articles

    registry = load_registry(settings.registry_path)
    # remember=False: a page's ETag / Last-Modified are stored only once the page is in the
    # lake, so a run that dies half way fetches the page again instead of getting a 304.
    for page in fetch_articles(source, client, base_dir=registry.base_dir, remember=False):
        summary.pages_seen += 1
        if not isinstance(page, FetchedPage):
            rejected.append({"source_id": source.id, "url": page.url, "reason": page.reason,
                             "raw_path": None, "retrieved_at": page.fetched_at, "ingest_date": ingest_date})
            log.warning("%s: rejected %s: %s", source.id, page.url, page.reason)
            continue
        url = page.final_url or page.url
        content = page.content
        if page.not_modified or content is None:
            kept = index.raw_by_url.get(url)
            if not kept or not Path(kept).exists():
                summary.not_modified += 1
                continue
            content = Path(kept).read_bytes()
        validators.append((url, page.etag, page.last_modified))
        raw = _raw_path(settings, source.id, content, url)
        if str(raw) in index.raw_paths:
            summary.unchanged += 1
            continue
        if not raw.exists():
            lake.atomic_write_bytes(raw, content)
        yield PageJob(source.id, url, content, page.content_type, page.fetched_at, str(raw))


def _chunked(items: Iterable[PageJob], size: int) -> Iterator[list[PageJob]]:
    chunk: list[PageJob] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ingest_article_source(source: ArticleSource, settings: Settings, ingest_date: date,
                          workers: int = 2) -> ArticleIngestSummary:
    summary = ArticleIngestSummary(source_id=source.id, ingest_date=ingest_date)
    index = ArticleIndex(settings.lake_dir, ingest_date, source.id)
    rejected: list[dict] = []
    tables: dict[str, list[dict]] = {"articles": [], "statements": [], "mentions": [], "text_facts": []}
    seen_in_run: set[tuple[str, str]] = set()

    from drugtrade.sources.http import HttpClient, validators_path

    validators: list[tuple[str, str | None, str | None]] = []
    client = HttpClient(state_path=validators_path(settings.state_dir))
    context = multiprocessing.get_context("spawn")
    with client, ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        jobs = _jobs(source, settings, client, summary, rejected, index, ingest_date, validators)
        for chunk in _chunked(jobs, 64):
            for result in pool.map(process_page, chunk, chunksize=8):
                if result.error or result.article is None:
                    summary.rejected += 1
                    rejected.append({"source_id": source.id, "url": result.url, "reason": result.error,
                                     "raw_path": result.raw_path, "retrieved_at": result.fetched_at,
                                     "ingest_date": ingest_date})
                    log.warning("%s: rejected %s: %s", source.id, result.url, result.error)
                    continue
                _collect(result, source, ingest_date, index, summary, tables, seen_in_run)

    partition = {"ingest_date": ingest_date.isoformat(), "source_id": source.id}
    schemas = {"articles": ARTICLES, "statements": STATEMENTS, "mentions": MENTIONS, "text_facts": TEXT_FACTS}
    for dataset, rows in tables.items():
        lake.write_partition(settings.lake_dir, dataset, partition,
                             [pa.Table.from_pylist(rows, schema=schemas[dataset])])
    lake.write_partition(settings.lake_dir, "articles_rejected", partition,
                         [pa.Table.from_pylist(rejected, schema=ARTICLES_REJECTED)])
    summary.rejected = len(rejected)
    check_article_balance(summary, settings.lake_dir, partition)
    with HttpClient(state_path=validators_path(settings.state_dir)) as remembering:
        for url, etag, last_modified in validators:
            if etag or last_modified:
                remembering.remember(url, etag, last_modified)
    return summary


def _collect(result: PageResult, source: ArticleSource, ingest_date: date, index: ArticleIndex,
             summary: ArticleIngestSummary, tables: dict[str, list[dict]],
             seen_in_run: set[tuple[str, str]]) -> None:
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
        "article_id": article_id, "version": version, "source_id": source.id, "url": result.url,
        "content_hash": content_hash, "retrieved_at": result.fetched_at.astimezone(UTC), "ingest_date": ingest_date,
    }
    tables["articles"].append({**provenance, **article, "raw_path": result.raw_path})
    for statement in result.statements:
        tables["statements"].append({
            **provenance, **statement, "published_date": article.get("published_date"),
            "statement_id": _hash(article_id, version, statement["start"], statement["end"]),
        })
    summary.statements += len(result.statements)
    for mention in result.mentions:
        tables["mentions"].append({**provenance, **mention,
                                   "mention_id": _hash(article_id, version, mention["kind"], mention["start"])})
    summary.mentions += len(result.mentions)
    for fact in result.facts:
        tables["text_facts"].append({**provenance, **fact,
                                     "fact_id": _hash(article_id, version, fact["kind"], fact["start"])})
    summary.facts += len(result.facts)


def ingest_articles(settings: Settings, ingest_date: date, source_ids: list[str] | None = None,
                    workers: int = 2) -> list[ArticleIngestSummary]:
    registry = load_registry(settings.registry_path)
    sources = [s for s in registry.articles if source_ids is None or s.id in source_ids]
    return [ingest_article_source(source, settings, ingest_date, workers) for source in sources]
