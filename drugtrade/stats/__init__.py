"""Parsers for official statistical files, by family of file rather than by copy of a file.

Each family reads a file as published and yields normalised observations (lake schema
``OBSERVATIONS``) and quarantined rows with their reason (``QUARANTINE``). For every file,
``rows_read = rows_loaded + rows_quarantined``, where a "row" (record) is, per family:

* ``cbp_nationwide``, ``cbp_air_marine``, ``unodc_seizures``, ``production_estimates``: a
  non-empty CSV data row;
* ``unodc_annex``: a year cell of a data row (data rows x year columns).

    >>> for batch in iter_parse(Path("nationwide-drugs-fy19-fy22.csv"), source_id="cbp_nationwide"):
    ...     lake.write(batch.observations); lake.write(batch.quarantine)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from drugtrade.stats import cbp, estimates, unodc_annex, unodc_seizures
from drugtrade.stats.csvfile import UnknownFileFamily, normalize_column, read_header
from drugtrade.stats.limits import FileTooLarge, check_file_size
from drugtrade.stats.records import FileContext, ParseBatch, Record, batches, concat

_PARSERS: dict[str, Callable[[FileContext], Iterator[Record]]] = {
    unodc_annex.FAMILY: unodc_annex.parse,
    unodc_seizures.FAMILY: unodc_seizures.parse,
    cbp.NATIONWIDE: cbp.parse,
    cbp.AIR_MARINE: cbp.parse,
    estimates.FAMILY: estimates.parse,
}
# The families of file a registry entry may name: those with a parser.
FAMILIES: tuple[str, ...] = tuple(_PARSERS)

__all__ = [
    "FAMILIES",
    "FileTooLarge",
    "ParseBatch",
    "UnknownFileFamily",
    "detect_family",
    "file_sha256",
    "iter_parse",
    "parse_file",
]

_ZIP_MAGIC = b"PK\x03\x04"


def _is_workbook(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == _ZIP_MAGIC


def detect_family(path: Path) -> str:
    """The family of a file, from its content (header row, workbook layout), not its name.

    Raises UnknownFileFamily naming the file and the columns or header rows it saw.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no file at {path}")
    if _is_workbook(path):
        try:
            tables = unodc_annex.read_tables(path, strict=False)
        except Exception as error:  # a zip that is not a workbook, a damaged workbook
            raise UnknownFileFamily(
                f"{path.name}: a zip file that cannot be read as a workbook: {error}"
            ) from error
        if tables:
            return unodc_annex.FAMILY
        raise UnknownFileFamily(
            f"{path.name}: no parser for this workbook (looking for a title naming cultivation, eradication or "
            f"production of a drug above a header row of years); {unodc_annex.workbook_outline(path)}"
        )
    try:
        header = read_header(path)
    except ValueError as error:
        raise UnknownFileFamily(f"{path.name}: neither a workbook nor UTF-8 CSV text: {error}") from error
    columns = {normalize_column(name) for name in header}
    family = cbp.family_of(columns, header)
    if family is not None:
        return family
    if unodc_seizures.matches(columns):
        return unodc_seizures.FAMILY
    if estimates.matches(columns):
        return estimates.FAMILY
    raise UnknownFileFamily(f"{path.name}: no parser for a CSV file with header columns {header}")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _context(
    path: Path, source_id: str, family: str | None, retrieved_at: datetime | None, estimator: str | None
) -> FileContext:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no file at {path}")
    if not source_id:
        raise ValueError("source_id is required")
    check_file_size(path)
    family = family or detect_family(path)
    if family not in _PARSERS:
        raise UnknownFileFamily(f"{path.name}: unknown family {family!r}; known: {', '.join(FAMILIES)}")
    if retrieved_at is None:
        retrieved_at = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    elif retrieved_at.tzinfo is None:
        raise ValueError(f"retrieved_at must be timezone-aware, got {retrieved_at!r}")
    return FileContext(
        source_id=source_id,
        family=family,
        path=path,
        file_sha256=file_sha256(path),
        retrieved_at=retrieved_at.astimezone(UTC),
        estimator=estimator,
    )


def iter_parse(
    path: Path,
    *,
    source_id: str,
    family: str | None = None,
    retrieved_at: datetime | None = None,
    estimator: str | None = None,
    batch_rows: int = 100_000,
) -> Iterator[ParseBatch]:
    """Parse a file in batches of ``batch_rows`` records, holding one batch in memory at a time.

    ``family`` defaults to ``detect_family(path)``; ``retrieved_at`` to the file's mtime (UTC);
    ``estimator`` overrides the family's default (UNODC, CBP) and fills blank estimator cells.
    Yields at least one batch, so an empty file still reports rows_read = 0.
    """
    # Not a generator itself: a missing file or an unknown family fails at the call, not later.
    ctx = _context(path, source_id, family, retrieved_at, estimator)
    return batches(_PARSERS[ctx.family](ctx), batch_rows)


def parse_file(
    path: Path,
    *,
    source_id: str,
    family: str | None = None,
    retrieved_at: datetime | None = None,
    estimator: str | None = None,
    batch_rows: int = 100_000,
) -> ParseBatch:
    """The whole file in one batch: for small files and tests."""
    return concat(
        iter_parse(
            path,
            source_id=source_id,
            family=family,
            retrieved_at=retrieved_at,
            estimator=estimator,
            batch_rows=batch_rows,
        )
    )
