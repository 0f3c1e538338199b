"""The rows the parsers produce, in the order of the lake's OBSERVATIONS and QUARANTINE schemas,
and the batching that turns them into Arrow tables."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa

from drugtrade.schemas import OBSERVATIONS, QUARANTINE


@dataclass(frozen=True, kw_only=True)
class FileContext:
    """What every row of one file shares: where it came from and which parser reads it."""

    source_id: str
    family: str
    path: Path
    file_sha256: str
    retrieved_at: datetime
    estimator: str | None  # overrides the family's default estimator when given

    @property
    def file_name(self) -> str:
        return self.path.name


@dataclass(frozen=True, kw_only=True)
class Period:
    start: date
    end: date
    label: str  # as published: "FY2019 APR", "2016"
    is_partial: bool = False
    fiscal_year: int | None = None


class _ObservationFields(NamedTuple):
    observation_id: str
    source_id: str
    family: str
    file_name: str
    file_sha256: str
    sheet: str | None
    source_row: int
    retrieved_at: datetime
    period_start: date
    period_end: date
    period_label: str
    is_partial_period: bool
    fiscal_year: int | None
    country: str
    country_label: str | None
    area: str | None
    component: str | None
    region: str | None
    drug: str
    drug_label: str | None
    measure: str
    value: float
    unit: str
    value_as_published: str | None
    unit_as_published: str | None
    estimator: str
    notes: str | None


class Observation(_ObservationFields):
    """One published figure, a row of the lake's OBSERVATIONS table.

    Built from keywords only (a positional call raises TypeError): 27 fields, several of the same
    type side by side (area, component, region), are too easy to swap by position. Still a tuple,
    so a batch appends its values without conversion."""

    __slots__ = ()

    def __new__(
        cls,
        *,
        observation_id: str,
        source_id: str,
        family: str,
        file_name: str,
        file_sha256: str,
        sheet: str | None,
        source_row: int,
        retrieved_at: datetime,
        period_start: date,
        period_end: date,
        period_label: str,
        is_partial_period: bool,
        fiscal_year: int | None,
        country: str,
        country_label: str | None,
        area: str | None,
        component: str | None,
        region: str | None,
        drug: str,
        drug_label: str | None,
        measure: str,
        value: float,
        unit: str,
        value_as_published: str | None,
        unit_as_published: str | None,
        estimator: str,
        notes: str | None,
    ) -> Observation:
        return super().__new__(
            cls,
            observation_id,
            source_id,
            family,
            file_name,
            file_sha256,
            sheet,
            source_row,
            retrieved_at,
            period_start,
            period_end,
            period_label,
            is_partial_period,
            fiscal_year,
            country,
            country_label,
            area,
            component,
            region,
            drug,
            drug_label,
            measure,
            value,
            unit,
            value_as_published,
            unit_as_published,
            estimator,
            notes,
        )

    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, object]]:
        # pickle and copy rebuild the row through __new__, which takes keywords only
        return (), self._asdict()


class _QuarantineFields(NamedTuple):
    source_id: str
    family: str
    file_name: str
    file_sha256: str
    sheet: str | None
    source_row: int
    raw: str
    reason: str
    retrieved_at: datetime


class QuarantineRow(_QuarantineFields):
    """A record that gave no observation, with the reason; a row of the lake's QUARANTINE table.
    Built from keywords only, like Observation."""

    __slots__ = ()

    def __new__(
        cls,
        *,
        source_id: str,
        family: str,
        file_name: str,
        file_sha256: str,
        sheet: str | None,
        source_row: int,
        raw: str,
        reason: str,
        retrieved_at: datetime,
    ) -> QuarantineRow:
        return super().__new__(
            cls,
            source_id,
            family,
            file_name,
            file_sha256,
            sheet,
            source_row,
            raw,
            reason,
            retrieved_at,
        )

    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, object]]:
        # pickle and copy rebuild the row through __new__, which takes keywords only
        return (), self._asdict()


# A parser yields, for each record it reads, either the observations it gave (a tuple, one or
# more) or the QuarantineRow that says why it gave none.
Record = tuple[Observation, ...] | QuarantineRow


def observation_id(
    source_id: str,
    file_sha256: str,
    sheet: str | None,
    source_row: int,
    measure: str,
    column: str | None = None,
) -> str:
    """Stable id of a figure: the same file parsed again gives the same ids.

    ``column`` is only needed where one row holds several figures of one measure (a workbook row
    of years); for CSV families the key is (source_id, file_sha256, sheet, source_row, measure).
    """
    parts = [source_id, file_sha256, sheet or "", str(source_row), measure]
    if column is not None:
        parts.append(column)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


class ObservationIds:
    """``observation_id`` for one file and sheet, hashing the shared prefix once."""

    def __init__(self, source_id: str, file_sha256: str, sheet: str | None) -> None:
        self._prefix = hashlib.sha256("\x1f".join([source_id, file_sha256, sheet or "", ""]).encode("utf-8"))

    def __call__(self, source_row: int, measure: str, column: str | None = None) -> str:
        digest = self._prefix.copy()
        suffix = f"{source_row}\x1f{measure}" if column is None else f"{source_row}\x1f{measure}\x1f{column}"
        digest.update(suffix.encode("utf-8"))
        return digest.hexdigest()[:32]


def quarantine_row(
    ctx: FileContext, sheet: str | None, source_row: int, raw: dict[str, object], reason: str
) -> QuarantineRow:
    return QuarantineRow(
        source_id=ctx.source_id,
        family=ctx.family,
        file_name=ctx.file_name,
        file_sha256=ctx.file_sha256,
        sheet=sheet,
        source_row=source_row,
        raw=json.dumps(raw, ensure_ascii=False, default=str),
        reason=reason,
        retrieved_at=ctx.retrieved_at,
    )


@dataclass(kw_only=True)
class ParseBatch:
    """Observations and quarantined rows of up to ``batch_rows`` records of one file.

    ``rows_read = rows_loaded + quarantine.num_rows`` holds for every batch; a loaded record may
    give more than one observation (a CBP row gives a quantity and an event count).
    """

    observations: pa.Table
    quarantine: pa.Table
    rows_read: int
    rows_loaded: int = 0


class _Rows:
    """Rows of one schema kept as one flat list of values, row after row.

    A batch held as row tuples makes Python's cyclic GC walk them again and again; one flat list
    of plain values is cheap to keep, and each column is a strided slice of it.
    """

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.width = len(schema)
        self.values: list[object] = []
        self.rows = 0

    def add(self, row: tuple[object, ...]) -> None:
        self.values.extend(row)
        self.rows += 1

    def table(self) -> pa.Table:
        if not self.rows:
            return self.schema.empty_table()
        if len(self.values) != self.rows * self.width:
            raise ValueError(f"rows do not match the schema's {self.width} fields")
        arrays = []
        for index, field in enumerate(self.schema):
            column = self.values[index :: self.width]
            first = column[0]
            if column.count(first) == len(column):
                # Provenance columns are the same on every row of a file: no per-value conversion.
                arrays.append(pa.repeat(pa.scalar(first, type=field.type), len(column)))
            else:
                arrays.append(pa.array(column, type=field.type))
        return pa.Table.from_arrays(arrays, schema=self.schema)


def batches(records: Iterable[Record], batch_rows: int) -> Iterator[ParseBatch]:
    """Group records into ParseBatches of ``batch_rows`` records; always yields at least one."""
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be at least 1, got {batch_rows}")
    observations, quarantined = _Rows(OBSERVATIONS), _Rows(QUARANTINE)
    read = loaded = 0
    emitted = False
    for record in records:
        read += 1
        if isinstance(record, QuarantineRow):
            quarantined.add(record)
        else:
            loaded += 1
            for observation in record:
                observations.add(observation)
        if read >= batch_rows:
            yield ParseBatch(
                observations=observations.table(),
                quarantine=quarantined.table(),
                rows_read=read,
                rows_loaded=loaded,
            )
            emitted = True
            observations, quarantined = _Rows(OBSERVATIONS), _Rows(QUARANTINE)
            read = loaded = 0
    if read or not emitted:
        yield ParseBatch(
            observations=observations.table(),
            quarantine=quarantined.table(),
            rows_read=read,
            rows_loaded=loaded,
        )


def concat(parts: Iterable[ParseBatch]) -> ParseBatch:
    observations: list[pa.Table] = []
    quarantined: list[pa.Table] = []
    read = loaded = 0
    for part in parts:
        observations.append(part.observations)
        quarantined.append(part.quarantine)
        read += part.rows_read
        loaded += part.rows_loaded
    return ParseBatch(
        observations=pa.concat_tables(observations) if observations else OBSERVATIONS.empty_table(),
        quarantine=pa.concat_tables(quarantined) if quarantined else QUARANTINE.empty_table(),
        rows_read=read,
        rows_loaded=loaded,
    )
