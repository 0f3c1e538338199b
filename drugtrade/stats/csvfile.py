"""Streaming CSV reading shared by the CSV families: one record at a time, whatever the size."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path


class UnknownFileFamily(ValueError):
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


def _open(path: Path):
    # newline="" lets csv see CRLF line endings and quoted newlines as they are.
    return path.open(encoding="utf-8-sig", newline="")


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


def raw_cells(header: list[str], row: list[str]) -> dict[str, object]:
    """The record as a JSON-able dict: header -> cell, extra cells under ``_extra``."""
    raw: dict[str, object] = dict(zip(header, row, strict=False))
    if len(row) > len(header):
        raw["_extra"] = row[len(header) :]
    return raw
