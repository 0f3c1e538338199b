"""Ingest article sources for one day: fetch pages, keep the raw bytes, extract the article,
its statements, mentions and numeric facts in batches (on both cores, or as mapped Airflow tasks
on any worker), and land them in the lake.

Idempotent per day: everything a day writes goes to partitions keyed on that ingest date (and
source), replaced whole on a re-run. An article already in the lake with the same content hash
adds nothing; a changed article becomes a new version.

Kept whole (a little over 350 lines) because its three stages, fetch, extract and land, share
one work-folder layout (the day's manifest and its batch files), which lives only here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import pyarrow as pa

from drugtrade import lake
from drugtrade.balance import check_article_balance
from drugtrade.config import Settings
from drugtrade.pipeline.article_pages import PageJob, process_page
from drugtrade.pipeline.article_versions import ArticleIndex, collect_page_rows
from drugtrade.registry import ArticleSource, load_registry
from drugtrade.schemas import ARTICLES, ARTICLES_REJECTED, MENTIONS, STATEMENTS, TEXT_FACTS

if TYPE_CHECKING:
    from drugtrade.sources.articles import FetchedPage
    from drugtrade.sources.http import HttpClient

# One row of a lake table (articles, statements, mentions, text_facts, articles_rejected),
# keyed by the column names of its Arrow schema in drugtrade/schemas.py.
LakeRow = dict[str, Any]

log = logging.getLogger(__name__)

# Pages per extraction batch: the unit the ingest_articles DAG maps over, so that a backfill's
# or a large day's extraction spreads over every worker. Extraction costs about 0.1-0.5 s of CPU
# a page, so a batch is seconds to a minute of work, well above Airflow's per-task overhead.
DEFAULT_BATCH_SIZE = int(os.environ.get("DRUGTRADE_EXTRACT_BATCH_SIZE", "25"))
# A fresh interpreter spends about 0.5 s importing the extractor, the time this process takes to
# extract some 150 pages (about 310 pages a second on one core, measured on the benchmark's
# pages): each extra core pays for itself once it takes a few hundred pages.
PAGES_PER_EXTRA_PROCESS = int(os.environ.get("DRUGTRADE_PAGES_PER_EXTRA_PROCESS", "500"))


@dataclass(kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class PageRef:
    """A fetched page waiting for extraction: its content is the kept raw file."""

    source_id: str
    url: str
    content_type: str | None
    fetched_at: datetime
    raw_path: str

    def job(self) -> PageJob:
        return PageJob(
            source_id=self.source_id,
            url=self.url,
            content=Path(self.raw_path).read_bytes(),
            content_type=self.content_type,
            fetched_at=self.fetched_at,
            raw_path=self.raw_path,
        )


@dataclass(kw_only=True)
class FetchedDay:
    """What fetching one source's day left for extraction and landing."""

    source_id: str
    ingest_date: date
    pages: list[PageRef]
    summary: ArticleIngestSummary
    rejected: list[LakeRow]
    validators: list[tuple[str, str | None, str | None]]
    batch_size: int


def _raw_path(settings: Settings, source_id: str, content: bytes, url: str) -> Path:
    digest = hashlib.sha256(content).hexdigest()
    suffix = Path(url.split("?")[0]).suffix.lower()
    suffix = suffix if suffix in {".html", ".htm", ".txt", ".xml", ".json"} else ".html"
    return settings.raw_dir / "articles" / source_id / digest[:2] / f"{digest}{suffix}"


def _jobs(
    source: ArticleSource,
    settings: Settings,
    client: HttpClient,
    summary: ArticleIngestSummary,
    rejected: list[LakeRow],
    index: ArticleIndex,
    ingest_date: date,
    validators: list[tuple[str, str | None, str | None]],
) -> Iterator[PageJob]:
    from drugtrade.sources.articles import FetchedPage, fetch_articles

    registry = load_registry(settings.registry_path)
    # remember=False: a page's ETag / Last-Modified are stored only once the page is in the
    # lake, so a run that dies half way fetches the page again instead of getting a 304.
    for page in fetch_articles(source, client, base_dir=registry.base_dir, remember=False):
        summary.pages_seen += 1
        if not isinstance(page, FetchedPage):
            rejected.append(
                {
                    "source_id": source.id,
                    "url": page.url,
                    "reason": page.reason,
                    "raw_path": None,
                    "retrieved_at": page.fetched_at,
                    "ingest_date": ingest_date,
                }
            )
            log.warning("%s: rejected %s: %s", source.id, page.url, page.reason)
            continue
        url = page.final_url or page.url
        content = page.content
        if page.not_modified or content is None:
            kept = index.raw_by_url.get(url)
            if kept in index.raw_paths:
                # The lake holds this copy already; its validators are the ones just confirmed.
                summary.unchanged += 1
                continue
            if kept is not None and Path(kept).exists():
                content = Path(kept).read_bytes()  # landed on the day now run again
            elif urlsplit(url).scheme == "file":
                # A local file the lake lost: reading it again costs no request.
                page = _read_again(source, client, url, page)
                content = page.content
                if content is None:
                    summary.not_modified += 1
                    continue
            else:
                summary.not_modified += 1
                continue
        validators.append((url, page.etag, page.last_modified))
        raw = _raw_path(settings, source.id, content, url)
        if str(raw) in index.raw_paths:
            summary.unchanged += 1
            continue
        if not raw.exists():
            lake.atomic_write_bytes(raw, content)
        yield PageJob(
            source_id=source.id,
            url=url,
            content=content,
            content_type=page.content_type,
            fetched_at=page.fetched_at,
            raw_path=str(raw),
        )


def _read_again(source: ArticleSource, client: HttpClient, url: str, page: FetchedPage) -> FetchedPage:
    """A local page fetched unconditionally (its stored validator said unchanged, but the lake
    holds no copy of it)."""
    from drugtrade.sources.fetch_result import FetchError

    try:
        result = client.fetch(url, conditional=False, remember=False)
    except FetchError as exc:
        log.warning("%s: %s could not be read again: %s", source.id, url, exc.reason)
        return page
    return dataclasses.replace(
        page, content=result.content, content_type=result.content_type, etag=result.etag, not_modified=False
    )


def _batches(count: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def work_dir(settings: Settings, source_id: str, ingest_date: date) -> Path:
    """Where one source's day waits between fetching, extraction and landing: the fetched-page
    manifest and one results file per extracted batch. Removed once the day has landed."""
    return settings.state_dir / "articles_work" / ingest_date.isoformat() / source_id


def _manifest_path(folder: Path) -> Path:
    return folder / "fetched.pkl"


def _batch_path(folder: Path, batch: int) -> Path:
    return folder / "extracted" / f"batch-{batch:05d}.pkl"


def fetch_source(
    source: ArticleSource, settings: Settings, ingest_date: date, batch_size: int = DEFAULT_BATCH_SIZE
) -> FetchedDay:
    """Fetch one source's pages, keep every new raw page, and write the manifest of the pages
    still to extract. Nothing reaches the lake yet: `land_source` does that once every batch of
    the manifest is extracted, so a fetch that dies half way leaves no partial partition."""
    from drugtrade.sources.http import HttpClient, validators_path

    summary = ArticleIngestSummary(source_id=source.id, ingest_date=ingest_date)
    index = ArticleIndex(settings.lake_dir, ingest_date, source.id)
    rejected: list[LakeRow] = []
    validators: list[tuple[str, str | None, str | None]] = []
    with HttpClient(state_path=validators_path(settings.state_dir)) as client:
        pages = [
            PageRef(
                source_id=job.source_id,
                url=job.url,
                content_type=job.content_type,
                fetched_at=job.fetched_at,
                raw_path=job.raw_path,
            )
            for job in _jobs(source, settings, client, summary, rejected, index, ingest_date, validators)
        ]
    folder = work_dir(settings, source.id, ingest_date)
    if folder.exists():
        shutil.rmtree(folder)  # an earlier try's batches belong to an earlier manifest
    fetched = FetchedDay(
        source_id=source.id,
        ingest_date=ingest_date,
        pages=pages,
        summary=summary,
        rejected=rejected,
        validators=validators,
        batch_size=batch_size,
    )
    lake.atomic_write_bytes(_manifest_path(folder), pickle.dumps(fetched))
    return fetched


def _load_manifest(folder: Path) -> FetchedDay:
    path = _manifest_path(folder)
    if not path.exists():
        raise FileNotFoundError(f"no fetched-page manifest at {path}: fetch the source's day first")
    return cast(FetchedDay, pickle.loads(path.read_bytes()))  # noqa: S301 - written by fetch_source above


def extract_batch(settings: Settings, source_id: str, ingest_date: date, batch: int) -> int:
    """Extract one batch of a fetched day's pages in this process and keep the results beside the
    manifest. Pure computation on the kept raw pages: any number of batches, on any workers."""
    folder = work_dir(settings, source_id, ingest_date)
    return extract_batch_file(_manifest_path(folder), batch)


def extract_batch_file(manifest: Path, batch: int) -> int:
    fetched = _load_manifest(manifest.parent)
    batches = _batches(len(fetched.pages), fetched.batch_size)
    if not 0 <= batch < len(batches):
        raise IndexError(f"{manifest}: batch {batch} does not exist ({len(batches)} batches)")
    first, last = batches[batch]
    results = [process_page(page.job()) for page in fetched.pages[first:last]]
    lake.atomic_write_bytes(_batch_path(manifest.parent, batch), pickle.dumps(results))
    return len(results)


def extract_all(settings: Settings, source_id: str, ingest_date: date, processes: int = 2) -> None:
    """Extract every batch of a fetched day on up to `processes` cores: this process takes one
    lane of batches, each extra core another. The extra cores are separate interpreters
    (`python -m drugtrade.pipeline.extract_batch`), never a multiprocessing pool: a pool's
    spawned children re-import their parent's main module (Airflow's task runner, under a
    supervisor that blocks the metadata database), and a daemonic Celery worker process may not
    have multiprocessing children at all. A day too small to repay an interpreter's start-up
    (PAGES_PER_EXTRA_PROCESS) stays in this process."""
    folder = work_dir(settings, source_id, ingest_date)
    fetched = _load_manifest(folder)
    pending = list(range(len(_batches(len(fetched.pages), fetched.batch_size))))
    processes = min(processes, -(-len(fetched.pages) // PAGES_PER_EXTRA_PROCESS), len(pending))
    if processes <= 1:
        for batch in pending:
            extract_batch(settings, source_id, ingest_date, batch)
        return
    own, *others = [pending[lane::processes] for lane in range(processes)]
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "drugtrade.pipeline.extract_batch",
                str(_manifest_path(folder)),
                *map(str, lane),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for lane in others
    ]
    failures = []
    try:
        for batch in own:
            extract_batch(settings, source_id, ingest_date, batch)
    finally:
        for child in children:
            _, stderr = child.communicate()
            if child.returncode != 0:
                failures.append(f"exit {child.returncode}: {stderr.decode(errors='replace').strip()[-2000:]}")
    if failures:
        raise RuntimeError(f"{source_id} {ingest_date}: extraction process failed: {'; '.join(failures)}")


def batch_count(fetched: FetchedDay) -> int:
    return len(_batches(len(fetched.pages), fetched.batch_size))


def land_source(source: ArticleSource, settings: Settings, ingest_date: date) -> ArticleIngestSummary:
    """Write one source's day to the lake from its manifest and extracted batches: versions
    against what the lake holds now, one partition per dataset replaced whole, then the HTTP
    validators remembered. Removes the day's work folder."""
    from drugtrade.sources.http import HttpClient, validators_path

    folder = work_dir(settings, source.id, ingest_date)
    fetched = _load_manifest(folder)
    summary = fetched.summary
    rejected = list(fetched.rejected)
    index = ArticleIndex(settings.lake_dir, ingest_date, source.id)
    tables: dict[str, list[LakeRow]] = {"articles": [], "statements": [], "mentions": [], "text_facts": []}
    seen_in_run: set[tuple[str, str]] = set()
    for batch in range(batch_count(fetched)):
        path = _batch_path(folder, batch)
        if not path.exists():
            raise FileNotFoundError(f"{source.id} {ingest_date}: batch {batch} was never extracted ({path})")
        for result in pickle.loads(path.read_bytes()):  # noqa: S301 - written by extract_batch_file
            if result.error or result.article is None:
                rejected.append(
                    {
                        "source_id": source.id,
                        "url": result.url,
                        "reason": result.error,
                        "raw_path": result.raw_path,
                        "retrieved_at": result.fetched_at,
                        "ingest_date": ingest_date,
                    }
                )
                log.warning("%s: rejected %s: %s", source.id, result.url, result.error)
                continue
            collect_page_rows(result, source, ingest_date, index, summary, tables, seen_in_run)

    partition = {"ingest_date": ingest_date.isoformat(), "source_id": source.id}
    schemas = {"articles": ARTICLES, "statements": STATEMENTS, "mentions": MENTIONS, "text_facts": TEXT_FACTS}
    for dataset, rows in tables.items():
        lake.write_partition(
            settings.lake_dir, dataset, partition, [pa.Table.from_pylist(rows, schema=schemas[dataset])]
        )
    lake.write_partition(
        settings.lake_dir,
        "articles_rejected",
        partition,
        [pa.Table.from_pylist(rejected, schema=ARTICLES_REJECTED)],
    )
    summary.rejected = len(rejected)
    check_article_balance(summary, settings.lake_dir, partition)
    with HttpClient(state_path=validators_path(settings.state_dir)) as remembering:
        remembering.remember_all(
            (url, etag, modified) for url, etag, modified in fetched.validators if etag or modified
        )
    shutil.rmtree(folder, ignore_errors=True)
    with contextlib.suppress(OSError):  # the day's folder, once its last source has landed
        folder.parent.rmdir()
    return summary


def ingest_article_source(
    source: ArticleSource, settings: Settings, ingest_date: date, workers: int = 2
) -> ArticleIngestSummary:
    """Fetch, extract (on `workers` processes) and land one source's day: the three steps the
    ingest_articles DAG runs as separate, mapped tasks."""
    fetch_source(source, settings, ingest_date)
    extract_all(settings, source.id, ingest_date, processes=workers)
    return land_source(source, settings, ingest_date)


def ingest_articles(
    settings: Settings, ingest_date: date, source_ids: list[str] | None = None, workers: int = 2
) -> list[ArticleIngestSummary]:
    registry = load_registry(settings.registry_path)
    sources = [s for s in registry.articles if source_ids is None or s.id in source_ids]
    return [ingest_article_source(source, settings, ingest_date, workers) for source in sources]
