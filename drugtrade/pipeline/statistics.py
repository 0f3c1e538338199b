"""Ingest statistical sources: acquire each file (local path or HTTP), keep the raw copy, parse
it into normalised observations and quarantined rows, and land both in the lake.

A release is identified by the SHA-256 of the file's bytes: loading the same file again is a
no-op, and a new release lands beside the old ones (the warehouse takes the newest figure for
each key and keeps the rest as revisions).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import pyarrow as pa

from drugtrade import lake
from drugtrade.balance import ItemBalance, check_landed, rows_in
from drugtrade.config import Settings
from drugtrade.registry import Registry, StatisticsSource, load_registry
from drugtrade.schemas import LOADS

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class FileLoad:
    source_id: str
    family: str
    file_name: str
    file_sha256: str
    status: str  # loaded | unchanged
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    observations: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _acquire(source: StatisticsSource, registry: Registry, settings: Settings) -> tuple[Path, str, datetime]:
    """Bring the file into <warehouse>/raw/statistics/<source>/<sha256>/<name> and return it."""
    location = registry.resolve(source.location)
    retrieved_at = datetime.now(UTC)
    staging_dir = settings.raw_dir / "statistics" / source.id
    staging_dir.mkdir(parents=True, exist_ok=True)
    if location.startswith(("http://", "https://")):
        from drugtrade.sources.http import HttpClient

        # Statistical files are fetched whole every time (no conditional GET): the release is
        # recognised by its hash, and an unchanged file is then a no-op.
        with HttpClient(max_bytes=512_000_000) as client:
            result = client.fetch(location, conditional=False)
        name = Path(urlparse(result.final_url).path).name or f"{source.id}.bin"
        incoming = staging_dir / f".incoming-{name}"
        lake.atomic_write_bytes(incoming, result.content or b"")
        retrieved_at = result.fetched_at
    else:
        path = Path(location.removeprefix("file://"))
        if not path.is_file():
            raise FileNotFoundError(f"statistics source {source.id!r}: no file at {path}")
        name = path.name
        incoming = staging_dir / f".incoming-{name}"
        shutil.copyfile(path, incoming)
    digest = lake.sha256_file(incoming)
    kept = staging_dir / digest / name
    kept.parent.mkdir(parents=True, exist_ok=True)
    incoming.replace(kept)
    return kept, digest, retrieved_at


def _release_label(source: StatisticsSource) -> str | None:
    """The release the registry names for the file at the source's location, if any."""
    release = source.options.get("release")
    return None if release in (None, "") else str(release)


def ingest_source(source: StatisticsSource, registry: Registry, settings: Settings) -> FileLoad:
    from drugtrade.stats import iter_parse

    kept, digest, retrieved_at = _acquire(source, registry, settings)
    partition = {"source_id": source.id, "release": digest[:16]}
    if lake.partition_exists(settings.lake_dir, "loads", partition):
        log.info("%s: release %s already loaded, nothing to do", source.id, digest[:16])
        loaded = next(
            lake.iter_batches(
                [lake.partition_dir(settings.lake_dir, "loads", partition) / lake.PARTITION_FILE]
            )
        )
        row = loaded.to_pylist()[0]
        return FileLoad(
            source_id=source.id,
            family=source.family,
            file_name=kept.name,
            file_sha256=digest,
            status="unchanged",
            rows_read=row["rows_read"],
            rows_loaded=row["rows_loaded"],
            rows_quarantined=row["rows_quarantined"],
            observations=row["observations"],
        )

    counts = {"rows_read": 0, "rows_loaded": 0, "observations": 0, "quarantined": 0}
    quarantine_batches: list[pa.Table] = []

    def observations() -> Iterator[pa.Table]:
        for batch in iter_parse(
            kept,
            source_id=source.id,
            family=source.family,
            retrieved_at=retrieved_at,
            estimator=source.estimator,
        ):
            counts["rows_read"] += batch.rows_read
            counts["rows_loaded"] += batch.rows_loaded
            counts["observations"] += batch.observations.num_rows
            counts["quarantined"] += batch.quarantine.num_rows
            if batch.quarantine.num_rows:
                quarantine_batches.append(batch.quarantine)
            yield batch.observations

    # Observations first, the ledger row last: a load that dies half way leaves no 'loads'
    # partition, so the next run loads the release again from the start.
    observations_file, _ = lake.write_partition(settings.lake_dir, "observations", partition, observations())
    quarantine_file, _ = lake.write_partition(settings.lake_dir, "quarantine", partition, quarantine_batches)
    # Counted from the files as they landed: the ledger row is written only when they add up.
    what = f"statistics source {source.id} ({kept.name})"
    check_landed(what, counts["observations"], observations_file)
    rows_quarantined = rows_in(quarantine_file)
    rows_loaded = counts["rows_loaded"]
    ItemBalance(
        what=what, unit="records", read=counts["rows_read"], loaded=rows_loaded, quarantined=rows_quarantined
    ).check()
    ledger = pa.Table.from_pylist(
        [
            {
                "source_id": source.id,
                "family": source.family,
                "file_name": kept.name,
                "file_sha256": digest,
                "location": source.location,
                # Relative to the warehouse root: a warehouse copied elsewhere still finds it.
                "raw_path": kept.relative_to(settings.warehouse_dir).as_posix(),
                "retrieved_at": retrieved_at,
                "rows_read": counts["rows_read"],
                "rows_loaded": rows_loaded,
                "rows_quarantined": rows_quarantined,
                "observations": counts["observations"],
                "publisher_release": _release_label(source),
            }
        ],
        schema=LOADS,
    )
    lake.write_partition(settings.lake_dir, "loads", partition, [ledger])
    log.info(
        "%s: %s rows read, %s loaded as %s observations, %s quarantined",
        source.id,
        counts["rows_read"],
        rows_loaded,
        counts["observations"],
        rows_quarantined,
    )
    return FileLoad(
        source_id=source.id,
        family=source.family,
        file_name=kept.name,
        file_sha256=digest,
        status="loaded",
        rows_read=counts["rows_read"],
        rows_loaded=rows_loaded,
        rows_quarantined=rows_quarantined,
        observations=counts["observations"],
    )


def ingest_statistics(settings: Settings, source_ids: list[str] | None = None) -> list[FileLoad]:
    registry = load_registry(settings.registry_path)
    sources = [s for s in registry.statistics if source_ids is None or s.id in source_ids]
    if source_ids:
        unknown = set(source_ids) - {s.id for s in sources}
        if unknown:
            raise KeyError(f"unknown statistics sources: {sorted(unknown)}")
    return [ingest_source(source, registry, settings) for source in sources]
