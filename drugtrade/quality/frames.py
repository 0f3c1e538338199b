"""Turn whatever a stage delivers (Arrow record batches or tables, pandas frames) into bounded
pandas chunks with a fixed dtype per Arrow type, so that GX's type expectations check the same
names whichever reader produced the batch.

Arrow type          pandas dtype (GX ``type_``)
int8..int64         nullable Int8..Int64 ("int32", "int64"): nulls do not turn ints into floats
uint8..uint64       nullable UInt8..UInt64 ("uint8".."uint64")
float32/float64     numpy float32/float64 ("float32", "float64")
bool                nullable boolean ("bool")
string/large_string pandas ``str`` ("str")
date32/date64       datetime64[ms], naive ("datetime64"): comparable with pandas Timestamps
timestamp with tz   datetime64[unit, tz] ("Timestamp"); without tz: datetime64[unit] ("datetime64")
list<...>           pandas ArrowDtype list ("list")
decimal128/256      float64 ("float64"): validation compares magnitudes, not exact decimals
dictionary<..>      decoded to its value type first
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Batch = pd.DataFrame | pa.RecordBatch | pa.Table

_NULLABLE_INTS: dict[pa.DataType, object] = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
}


def _types_mapper(arrow_type: pa.DataType) -> object | None:
    if arrow_type in _NULLABLE_INTS:
        return _NULLABLE_INTS[arrow_type]
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return pd.ArrowDtype(arrow_type)
    return None


def gx_type_name(arrow_type: pa.DataType) -> str:
    """The ``type_`` that ExpectColumnValuesToBeOfType sees for a column of this Arrow type."""
    if pa.types.is_dictionary(arrow_type):
        return gx_type_name(arrow_type.value_type)
    if pa.types.is_integer(arrow_type):
        return str(arrow_type)  # "int32", "uint8": numpy spells them the same way
    if pa.types.is_float64(arrow_type) or pa.types.is_decimal(arrow_type):
        return "float64"
    if pa.types.is_float32(arrow_type):
        return "float32"
    if pa.types.is_boolean(arrow_type):
        return "bool"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) or pa.types.is_string_view(
        arrow_type
    ):
        return "str"
    if pa.types.is_date(arrow_type):
        return "datetime64"
    if pa.types.is_timestamp(arrow_type):
        return "Timestamp" if arrow_type.tz else "datetime64"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return "list"
    raise ValueError(f"no pandas type is defined for Arrow type {arrow_type}")


def _plain_table(data: pa.RecordBatch | pa.Table) -> pa.Table:
    table = pa.Table.from_batches([data]) if isinstance(data, pa.RecordBatch) else data
    # Casting up front keeps the pandas dtype a function of the Arrow type alone.
    for index, field in enumerate(table.schema):
        column = table.column(index)
        if pa.types.is_dictionary(field.type):
            column = pc.cast(column, field.type.value_type)
        elif pa.types.is_decimal(field.type):
            column = pc.cast(column, pa.float64())
        elif pa.types.is_string_view(field.type):
            column = pc.cast(column, pa.string())
        else:
            continue
        table = table.set_column(index, pa.field(field.name, column.type, field.nullable), column)
    return table


def arrow_to_frame(data: pa.RecordBatch | pa.Table, first_row: int = 0) -> pd.DataFrame:
    """A pandas frame whose index counts rows from ``first_row``, so GX's unexpected indexes are
    row numbers of the whole dataset rather than of the chunk."""
    frame = _plain_table(data).to_pandas(types_mapper=_types_mapper, date_as_object=False, ignore_metadata=True)
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))
    return frame


def pandas_to_arrow(frame: pd.DataFrame) -> pa.Table | None:
    """Arrow view of a caller's frame, or None when its columns hold values Arrow cannot type
    (then the frame is validated as given and the type expectations report what they see)."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None


@dataclass(frozen=True)
class Chunk:
    frame: pd.DataFrame
    arrow: pa.Table | None  # the same rows as Arrow, for key projections
    first_row: int


def iter_chunks(batches: Iterable[Batch], chunk_rows: int) -> Iterator[Chunk]:
    """Re-slice the caller's batches into chunks of at most ``chunk_rows`` rows.

    Empty batches are passed through (the caller decides whether an empty chunk is worth a
    validation: it is when it is the only evidence of the schema)."""
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be positive, got {chunk_rows}")
    first_row = 0
    for batch in batches:
        if isinstance(batch, pd.DataFrame):
            arrow = pandas_to_arrow(batch)
            if arrow is None:
                for start in range(0, max(len(batch), 1), chunk_rows):
                    frame = batch.iloc[start : start + chunk_rows].copy()
                    frame.index = pd.RangeIndex(first_row, first_row + len(frame))
                    yield Chunk(frame, None, first_row)
                    first_row += len(frame)
                continue
            batch = arrow
        elif not isinstance(batch, pa.RecordBatch | pa.Table):
            raise TypeError(
                f"a batch must be a pandas DataFrame, a pyarrow RecordBatch or Table, not {type(batch).__name__}"
            )
        if batch.num_rows == 0:
            table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
            yield Chunk(arrow_to_frame(table, first_row), table, first_row)
            continue
        for start in range(0, batch.num_rows, chunk_rows):
            piece = batch.slice(start, chunk_rows)
            table = pa.Table.from_batches([piece]) if isinstance(piece, pa.RecordBatch) else piece
            yield Chunk(arrow_to_frame(table, first_row), table, first_row)
            first_row += table.num_rows
