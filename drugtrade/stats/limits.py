"""Size limits on the statistical files the parsers accept, and the workbook check that applies
them before openpyxl inflates anything.

The published files are small (the largest bundled CSV is 3.3 MB; an annex workbook inflates to
about 80 kB of XML). The limits sit far above that and far below what would exhaust a worker:
a file past them is refused whole, with the file and the limit named, and its raw copy is kept.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from drugtrade.errors import DrugtradeError

MAX_FILE_BYTES = 1 << 30  # one statistical file as published
MAX_RAW_CELL_CHARS = 200  # a quarantined row keeps this much of each cell (and the cell's length)
MAX_WORKBOOK_MEMBERS = 500
MAX_WORKBOOK_INFLATED_BYTES = 16 << 20  # all members of one workbook, uncompressed
MAX_COMPRESSION_RATIO = 100  # a member inflating more than this (past 1 MB) is a zip bomb
MAX_SHEET_CELLS = 1_000_000  # rows x columns of one sheet, as openpyxl sizes it
_DTD_SCAN_BYTES = 64 << 10


class FileTooLarge(DrugtradeError, ValueError):
    """A file or workbook past one of the limits above; the message names the file and the limit."""


def check_file_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileTooLarge(
            f"{path.name}: {size} bytes, over the limit of {MAX_FILE_BYTES} bytes for one file"
        )


def check_workbook(path: Path) -> None:
    """Refuse a workbook whose zip would inflate past the limits, or whose XML declares a DTD
    (entity expansion bombs and external entities need one; Excel never writes one)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise FileTooLarge(f"{path.name}: not a readable zip file: {error}") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_WORKBOOK_MEMBERS:
            raise FileTooLarge(
                f"{path.name}: {len(members)} zip members, over the limit of {MAX_WORKBOOK_MEMBERS}"
            )
        inflated = sum(member.file_size for member in members)
        if inflated > MAX_WORKBOOK_INFLATED_BYTES:
            raise FileTooLarge(
                f"{path.name}: inflates to {inflated} bytes, over the limit of {MAX_WORKBOOK_INFLATED_BYTES} bytes"
            )
        for member in members:
            if member.file_size > 1 << 20 and member.file_size > MAX_COMPRESSION_RATIO * max(
                1, member.compress_size
            ):
                raise FileTooLarge(
                    f"{path.name}: member {member.filename} inflates {member.compress_size} -> {member.file_size} "
                    f"bytes (ratio over {MAX_COMPRESSION_RATIO}): a zip bomb"
                )
            if not member.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(member) as stream:
                    head = stream.read(_DTD_SCAN_BYTES)
            except Exception as error:  # BadZipFile, EOFError, zlib.error: a damaged member, whichever
                raise FileTooLarge(
                    f"{path.name}: member {member.filename} cannot be read: {error}"
                ) from error
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise FileTooLarge(
                    f"{path.name}: member {member.filename} declares a DTD (entity expansion or external "
                    "entities); workbooks never need one"
                )


def check_sheet_size(path: Path, sheet: str, rows: int, columns: int) -> None:
    if rows * columns > MAX_SHEET_CELLS:
        raise FileTooLarge(
            f"{path.name}: sheet {sheet!r} spans {rows} rows x {columns} columns, over the limit of "
            f"{MAX_SHEET_CELLS} cells"
        )
