"""The raw lake: Parquet files under ``<warehouse>/lake/<dataset>/<key>=<value>/.../data.parquet``.

A partition is exactly one file, written to a temporary name in the same folder and renamed into
place, so a reader or a retried task never sees half a batch, and re-running a task replaces
exactly the partition it wrote before. Every partition file is written even when it has no rows,
so that readers always find the dataset with its full schema.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from drugtrade.schemas import DATASETS

T = TypeVar("T")

PARTITION_FILE = "data.parquet"
SCHEMA_FOLDER = "_schema"


def partition_dir(lake_dir: Path, dataset: str, partition: dict[str, str]) -> Path:
    path = lake_dir / dataset
    for key, value in partition.items():
        if "/" in value or value in ("", ".", ".."):
            raise ValueError(f"partition value {key}={value!r} is not a safe folder name")
        path = path / f"{key}={value}"
    return path


def conform(table: pa.Table | pa.RecordBatch, schema: pa.Schema) -> pa.Table:
    """Order and cast columns to the dataset schema; a missing or extra column is an error."""
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    missing = [name for name in schema.names if name not in table.column_names]
    extra = [name for name in table.column_names if name not in schema.names]
    if missing or extra:
        raise ValueError(f"columns do not match the lake schema: missing {missing}, unexpected {extra}")
    return table.select(schema.names).cast(schema)


def write_partition(
    lake_dir: Path,
    dataset: str,
    partition: dict[str, str],
    tables: Iterable[pa.Table | pa.RecordBatch],
) -> tuple[Path, int]:
    """Stream ``tables`` into one partition file, atomically replacing any earlier one.

    Returns the file path and the number of rows written.
    """
    schema = DATASETS[dataset]
    folder = partition_dir(lake_dir, dataset, partition)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / PARTITION_FILE

    def stream(temporary: Path) -> int:
        rows = 0
        with pq.ParquetWriter(temporary, schema, compression="zstd") as writer:
            for table in tables:
                conformed = conform(table, schema)
                if conformed.num_rows:
                    writer.write_table(conformed, row_group_size=128_000)
                    rows += conformed.num_rows
        return rows

    return final, atomic_write(final, stream)


def partition_exists(lake_dir: Path, dataset: str, partition: dict[str, str]) -> bool:
    return (partition_dir(lake_dir, dataset, partition) / PARTITION_FILE).exists()


def dataset_files(lake_dir: Path, dataset: str) -> list[Path]:
    """The dataset's partition files (its empty schema file, if any, is not a partition)."""
    root = lake_dir / dataset
    if not root.exists():
        return []
    return sorted(p for p in root.rglob(PARTITION_FILE) if p.is_file() and SCHEMA_FOLDER not in p.parts)


def ensure_schema_files(lake_dir: Path) -> list[str]:
    """Give every dataset an empty file with its schema, ``<dataset>/_schema/data.parquet``, so a
    reader's ``<dataset>/**/data.parquet`` glob finds the dataset's columns before anything has
    landed there (a first transform run triggered by the statistics before any article arrived).
    It holds no rows and sits outside the partitions, so no writer ever replaces or races it.
    Returns the datasets it created the file for."""
    created = []
    for dataset, schema in DATASETS.items():
        path = lake_dir / dataset / SCHEMA_FOLDER / PARTITION_FILE
        if path.exists():
            continue
        sink = pa.BufferOutputStream()
        pq.write_table(schema.empty_table(), sink)
        atomic_write_bytes(path, sink.getvalue().to_pybytes())
        created.append(dataset)
    return created


def iter_batches(
    files: Iterable[Path], batch_rows: int = 100_000, columns: list[str] | None = None
) -> Iterator[pa.RecordBatch]:
    """Read partition files batch by batch, in bounded memory."""
    for path in files:
        parquet = pq.ParquetFile(path)
        yield from parquet.iter_batches(batch_size=batch_rows, columns=columns)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def atomic_write(path: Path, write: Callable[[Path], T], *, durable: bool = True) -> T:
    """Replace ``path`` whole with what ``write`` writes to a temporary file beside it (a reader
    sees the old file or the new one, never half of one; a failed write leaves the old file and
    no temporary). ``durable`` also flushes the new file to disk before the rename, so a crash
    cannot leave an empty file in place of the old one. Returns what ``write`` returned."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        result = write(temporary)
        if durable:
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return result


def atomic_write_bytes(path: Path, data: bytes) -> None:
    # Small state and raw inputs kept beside the lake: replaced atomically, not fsynced (a lost
    # marker or ledger is rewritten by the next run; raw inputs are fetched again).
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda temporary: temporary.write_bytes(data), durable=False)
