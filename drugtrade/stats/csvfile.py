"""Streaming CSV reading shared by the CSV families: one record at a time, whatever the size."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from drugtrade.errors import DrugtradeError
from drugtrade.stats.limits import MAX_RAW_CELL_CHARS


class UnknownFileFamily(DrugtradeError, ValueError):
    """A file no parser recognises; the message names the file and the header it saw."""


def normalize_column(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().lower()


def read_header(path: Path) -> list[str]:
    """The first non-empty record of a CSV file, as published (BOM removed)."""
    try:
        with _open(path) as handle:
            for row in csv.reader(handle):
                if any(cell.strip() for cell in row):
                    return row
    except UnicodeDecodeError as error:
        raise ValueError(f"{path.name}: not UTF-8 text: {error}") from error
    except csv.Error as error:
        raise ValueError(f"{path.name}: unreadable CSV header: {error}") from error
    return []


# Byte order marks of the Unicode encodings a spreadsheet may save CSV in ("Unicode text" in
# Excel is UTF-16 LE with a BOM). Longest first: the UTF-32 LE mark starts with UTF-16 LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def encoding_of(path: Path) -> str:
    """UTF-8 (with or without a BOM) unless the file starts with a UTF-16 or UTF-32 BOM."""
    with path.open("rb") as handle:
        head = handle.read(4)
    return next((encoding for bom, encoding in _BOMS if head.startswith(bom)), "utf-8-sig")


def _open(path: Path) -> TextIO:
    # newline="" lets csv see CRLF line endings and quoted newlines as they are.
    return path.open(encoding=encoding_of(path), newline="")


def iter_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each non-empty record after the header.

    The line number is where the record ends in the file (1 = header), so for the usual one-line
    records it is the row a spreadsheet shows. Empty lines are not records.
    """
    with _open(path) as handle:
        reader = csv.reader(handle)
        seen_header = False
        try:
            for row in reader:
                if not any(row):  # an empty line, or one of empty cells only: not a record
                    continue
                if not seen_header:
                    seen_header = True
                    continue
                yield reader.line_num, row
        except UnicodeDecodeError as error:
            raise ValueError(f"{path.name}: not UTF-8 text after line {reader.line_num}: {error}") from error
        except csv.Error as error:
            raise ValueError(f"{path.name}: unreadable CSV at line {reader.line_num}: {error}") from error


def column_index(
    header: list[str], path: Path, family: str, wanted: dict[str, tuple[str, ...]]
) -> dict[str, int]:
    """Position of each wanted column, found by any of its (normalised) names.

    Raises UnknownFileFamily naming the file, the family and the header seen when one is missing.
    """
    positions = {normalize_column(name): index for index, name in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    missing: list[str] = []
    for key, names in wanted.items():
        for name in names:
            if name in positions:
                found[key] = positions[name]
                break
        else:
            missing.append(" or ".join(repr(n) for n in names))
    if missing:
        raise UnknownFileFamily(
            f"{path.name}: not a {family} file: missing column(s) {', '.join(missing)}; header seen: {header}"
        )
    return found


def _bounded(cell: str) -> str:
    if len(cell) <= MAX_RAW_CELL_CHARS:
        return cell
    return f"{cell[:MAX_RAW_CELL_CHARS]}... ({len(cell)} characters)"


def raw_cells(header: list[str], row: list[str]) -> dict[str, object]:
    """The record as a JSON-able dict: header -> cell, extra cells under ``_extra``.

    A cell longer than MAX_RAW_CELL_CHARS is kept cut, with its length: a quarantine of a
    hostile file must not hold the file's megabytes once per row (the raw copy holds them)."""
    raw: dict[str, object] = {_bounded(name): _bounded(cell) for name, cell in zip(header, row, strict=False)}
    if len(row) > len(header):
        extra = row[len(header) :]
        extra_cells: list[object] = [_bounded(cell) for cell in extra[:MAX_RAW_CELL_CHARS]]
        if len(extra) > MAX_RAW_CELL_CHARS:
            extra_cells.append(f"... ({len(extra)} extra cells)")
        raw["_extra"] = extra_cells
    return raw
