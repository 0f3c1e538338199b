"""Query results as the command line prints them: an aligned table (duckdb's conventions: numbers
right-aligned, a row limit that keeps the first and last rows and says how many were not shown),
CSV, or JSON Lines. Rows are streamed; only the table keeps the rows it shows."""

from __future__ import annotations

import csv
import json
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from drugtrade.warehouse.query import StatementResult, is_numeric_type

DEFAULT_MAX_ROWS = 40


def _cell(value: Any) -> str:
    return "NULL" if value is None else str(value)


def write_table(result: StatementResult, out: TextIO, max_rows: int = DEFAULT_MAX_ROWS) -> None:
    """``max_rows`` 0 shows every row; otherwise at most that many, half from the top and half
    from the bottom of the result, with a marker row between them."""
    shown_first: list[tuple[Any, ...]] = []
    tail_size = max_rows // 2
    last: deque[tuple[Any, ...]] = deque(maxlen=tail_size or None) if max_rows else deque()
    total = 0
    for batch in result.batches:
        for row in batch:
            total += 1
            if not max_rows or len(shown_first) < max_rows:
                shown_first.append(row)
            if max_rows and tail_size:
                last.append(row)
    truncated = bool(max_rows) and total > max_rows
    if truncated:
        head = shown_first[: max_rows - tail_size]
        rows = [[_cell(v) for v in row] for row in head]
        tail = [[_cell(v) for v in row] for row in last]
    else:
        rows = [[_cell(v) for v in row] for row in shown_first]
        tail = []
    right = [is_numeric_type(t) for t in result.types]
    widths = [max([len(c)] + [len(r[i]) for r in rows + tail]) for i, c in enumerate(result.columns)]

    def line(cells: Sequence[str]) -> str:
        return " | ".join(
            (cell.rjust(width) if align_right else cell.ljust(width))
            for cell, width, align_right in zip(cells, widths, right, strict=True)
        ).rstrip()

    out.write(line(result.columns) + "\n")
    out.write("-+-".join("-" * width for width in widths) + "\n")
    for row in rows:
        out.write(line(row) + "\n")
    if truncated:
        out.write(line(["·" for _ in widths]) + "\n")
        for row in tail:
            out.write(line(row) + "\n")
        shown = len(rows) + len(tail)
        out.write(f"({total:,} rows, {shown:,} shown; --max-rows 0 shows all)\n")
    else:
        out.write(f"({total:,} row{'' if total == 1 else 's'})\n")


def write_csv(result: StatementResult, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    for batch in result.batches:
        writer.writerows(batch)


def write_json_lines(result: StatementResult, out: TextIO) -> None:
    for batch in result.batches:
        for row in batch:
            out.write(
                json.dumps(dict(zip(result.columns, row, strict=True)), default=str, ensure_ascii=False)
                + "\n"
            )


def write_results(
    results: Iterable[StatementResult], out: TextIO, output_format: str, max_rows: int = DEFAULT_MAX_ROWS
) -> None:
    """Every statement's result in order; table and CSV results are separated by a blank line.
    A statement without a result set (none in a read-only session, but SET has none) prints nothing."""
    first = True
    for result in results:
        if not result.columns:
            continue
        if not first and output_format != "json":
            out.write("\n")
        first = False
        if output_format == "json":
            write_json_lines(result, out)
        elif output_format == "csv":
            write_csv(result, out)
        else:
            write_table(result, out, max_rows)
        out.flush()
