"""Hostile variants of real files: the damage publishers, proxies and attackers do to a file,
as functions from the real bytes (plus a few drawn numbers) to new bytes.

Each mutation is small and named so a failure report says which one broke what; the numbers
that steer it (which row, which column, where to cut) come from hypothesis, not from us."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Callable

# Cells as a hostile or careless publisher writes them in a figure column.
HOSTILE_CELLS = (
    "",
    " ",
    "..",
    "NULL",
    "n/a",
    "abc",
    "1,2,3",
    "12.5.6",
    "-1",
    "-0",
    "-1e3",
    "0",
    "1e309",
    "-1e309",
    "9" * 400,
    "9" * 5000,
    "1" + "0" * 4400,
    "1e999999999",
    "1e-999999999",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "0x1F",
    "1_000",
    "١٢٣",
    "１２３",
    "1\u00a0234",
    "12 345 678 901 234 567 890",
    "1,234,567,890,123,456,789,012",
    "\x00",
    "12\x0034",
    '"',
    "'" * 50,
    "=SUM(A1:A9)",
    "TRUE",
    "2019-01-01",
    "½",
    "1e+",
    "+",
    ".",
    "1.",
    "\u202e123",
    "\ufeff12",
)
# Cells for label columns (years, months, drug names, countries).
HOSTILE_LABELS = (
    "",
    "FY2019",
    "2019.5",
    "0",
    "-2019",
    "99999",
    "9" * 5000,
    "OCT",
    "13",
    "Cocaine" * 1000,
    "\x00",
    "ÇÖÇÄ",
    "Colombia a b c d e f",
    "Total",
    "ATLANTA FIELD OFFICE\n",
    '"quoted"',
    "\r\n",
    "\u0000" * 10,
)
ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig", "utf-7")


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


# -- byte-level damage, for any file ----------------------------------------------------------------


def truncate(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


def flip_bytes(data: bytes, seed: int, count: int) -> bytes:
    damaged = bytearray(data)
    rng = random.Random(seed)
    for _ in range(count):
        if damaged:
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    return bytes(damaged)


def insert_nul(data: bytes, fraction: float) -> bytes:
    at = int(len(data) * fraction)
    return data[:at] + b"\x00" * 16 + data[at:]


def reencode(data: bytes, encoding: str) -> bytes:
    text = data.decode("utf-8-sig", errors="replace")
    return text.encode(encoding, errors="replace")


def add_bom(data: bytes, bom: bytes) -> bytes:
    return bom + data


def empty(_data: bytes) -> bytes:
    return b""


def binary(_data: bytes, seed: int) -> bytes:
    return random.Random(seed).randbytes(4096)


# -- CSV structure ------------------------------------------------------------------------------


def set_cell(data: bytes, row: int, column: int, value: str) -> bytes:
    rows = csv_rows(data)
    if len(rows) < 2:
        return data
    target = rows[1 + row % (len(rows) - 1)]
    if target:
        target[column % len(target)] = value
    return csv_bytes(rows)


def set_column(data: bytes, column: int, value: str) -> bytes:
    """Every data row gets the same hostile cell in one column."""
    rows = csv_rows(data)
    for target in rows[1:]:
        if target:
            target[column % len(target)] = value
    return csv_bytes(rows)


def rename_header(data: bytes, column: int, name: str) -> bytes:
    rows = csv_rows(data)
    if rows and rows[0]:
        rows[0][column % len(rows[0])] = name
    return csv_bytes(rows)


def drop_column(data: bytes, column: int) -> bytes:
    rows = csv_rows(data)
    if not rows or not rows[0]:
        return data
    at = column % len(rows[0])
    return csv_bytes([row[:at] + row[at + 1 :] for row in rows])


def shuffle_columns(data: bytes, seed: int) -> bytes:
    rows = csv_rows(data)
    if not rows or not rows[0]:
        return data
    order = list(range(len(rows[0])))
    random.Random(seed).shuffle(order)
    return csv_bytes([[row[i] for i in order if i < len(row)] for row in rows])


def shuffle_rows(data: bytes, seed: int) -> bytes:
    rows = csv_rows(data)
    body = rows[1:]
    random.Random(seed).shuffle(body)
    return csv_bytes(rows[:1] + body)


def duplicate_header(data: bytes, row: int) -> bytes:
    rows = csv_rows(data)
    if not rows:
        return data
    at = 1 + row % max(1, len(rows))
    return csv_bytes(rows[:at] + [rows[0]] + rows[at:])


def ragged_row(data: bytes, row: int, extra: int) -> bytes:
    rows = csv_rows(data)
    if len(rows) < 2:
        return data
    target = rows[1 + row % (len(rows) - 1)]
    if extra > 0:
        target.extend(["x"] * extra)
    else:
        del target[extra:]
    return csv_bytes(rows)


def quotation_marks(data: bytes, fraction: float, count: int) -> bytes:
    at = int(len(data) * fraction)
    return data[:at] + b'"' * count + data[at:]


def long_line(data: bytes, fraction: float, size: int, filler: bytes = b"9") -> bytes:
    """A line of ``size`` bytes inserted at a line boundary."""
    at = data.find(b"\n", int(len(data) * fraction))
    at = len(data) if at < 0 else at + 1
    return data[:at] + filler * size + b"\n" + data[at:]


def empty_rows(data: bytes, count: int, row: bytes = b"\r\n") -> bytes:
    return data + row * count


# -- workbooks ------------------------------------------------------------------------------------


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _sheets(members: dict[str, bytes]) -> list[str]:
    return sorted(
        name for name in members if name.startswith("xl/worksheets/sheet") and name.endswith(".xml")
    )


def workbook_set_values(data: bytes, seed: int, count: int, value: str) -> bytes:
    """Replace the cached value of ``count`` numeric cells of the first sheet with a hostile one."""
    members = _members(data)
    sheet = _sheets(members)[0]
    xml = members[sheet].decode("utf-8")
    import re

    values = list(re.finditer(r"<v>([^<]*)</v>", xml))
    rng = random.Random(seed)
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = "".join(
        ch for ch in escaped if ch in "\t\n\r" or ord(ch) >= 0x20
    )  # XML 1.0 cannot hold the rest
    for match in sorted(rng.sample(values, min(count, len(values))), key=lambda m: m.start(), reverse=True):
        xml = xml[: match.start(1)] + escaped + xml[match.end(1) :]
    members[sheet] = xml.encode("utf-8")
    return _zip(members)


def workbook_drop_member(data: bytes, seed: int) -> bytes:
    members = _members(data)
    name = random.Random(seed).choice(sorted(members))
    del members[name]
    return _zip(members)


def workbook_flip_member(data: bytes, seed: int, count: int) -> bytes:
    members = _members(data)
    name = random.Random(seed).choice(sorted(members))
    members[name] = flip_bytes(members[name], seed, count)
    return _zip(members)


def xml_bomb(data: bytes) -> bytes:
    """Billion laughs in the shared strings: ten levels of ten entity references."""
    members = _members(data)
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    members["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    ).encode()
    return _zip(members)


def external_entity(data: bytes) -> bytes:
    """An external entity pointing at a local file (XXE)."""
    members = _members(data)
    members["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        b"<si><t>&secret;</t></si></sst>"
    )
    return _zip(members)


def zip_bomb(data: bytes, megabytes: int) -> bytes:
    """A sheet that inflates from a few kB to ``megabytes`` MB of whitespace."""
    members = _members(data)
    sheet = _sheets(members)[0]
    members[sheet] = members[sheet].replace(b"<sheetData>", b"<sheetData>" + b" " * (megabytes << 20), 1)
    return _zip(members)


def workbook_empty_rows(data: bytes, count: int) -> bytes:
    """``count`` rows of one empty-text cell appended to the first sheet (what a careless
    select-all-and-clear leaves behind)."""
    members = _members(data)
    sheet = _sheets(members)[0]
    xml = members[sheet]
    start = 2000
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t></t></is></c></row>' % (n, n)
        for n in range(start, start + count)
    )
    members[sheet] = xml.replace(b"</sheetData>", rows + b"</sheetData>", 1)
    return _zip(members)


Mutation = Callable[..., bytes]
