"""Bytes to text for fetched pages: binary sniffing and charset resolution.

Order: byte-order mark, the charset of the Content-Type header, the page's own <meta> charset,
strict UTF-8, then charset_normalizer's guess. Like browsers (WHATWG Encoding), a page that
declares ISO-8859-1 or ASCII is decoded as windows-1252, which is what such pages really use.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from drugtrade.errors import DrugtradeError

_BINARY_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"BZh",
    b"\xd0\xcf\x11\xe0",  # OLE2: .doc, .xls
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x00\x00\x01\x00",
)
_TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/rss", "application/atom")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}


class DecodeFailure(DrugtradeError):
    """Raised with kind 'binary', 'undecodable' or 'truncated'; content.py turns it into an ExtractionError."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return _WHATWG_ALIASES.get(name, _WHATWG_ALIASES.get(label.strip().lower(), name))


_UNICODE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def looks_binary(content: bytes, content_type: str | None) -> str | None:
    """Why the content is not text, or None."""
    if content_type:
        mime = content_type.split(";")[0].strip().lower()
        if mime and not mime.startswith(_TEXT_TYPES) and mime not in {"application/octet-stream", ""}:
            return f"content type {mime!r} is not text"
    head = content[:8192]
    for magic in _BINARY_MAGIC:
        if head.startswith(magic):
            return f"starts with the signature of a binary format ({magic[:4]!r})"
    if b"\x00" in head and not head.startswith(_UNICODE_BOMS):
        return "contains NUL bytes"
    return None


def declared_charset(content: bytes, content_type: str | None) -> tuple[str | None, str]:
    """(codec, where it was declared)."""
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "byte-order mark"
    # UTF-32's little-endian mark begins with UTF-16's (FF FE), so it is tested first.
    if content.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32", "byte-order mark"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "byte-order mark"
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match and _codec(match.group(1)):
            return _codec(match.group(1)), "Content-Type header"
    meta = _META_CHARSET.search(content[:8192])
    if meta and _codec(meta.group(1).decode("ascii", "replace")):
        return _codec(meta.group(1).decode("ascii", "replace")), "meta charset"
    return None, "none"


def decode(content: bytes, content_type: str | None = None) -> str:
    reason = looks_binary(content, content_type)
    if reason:
        raise DecodeFailure("binary", reason)
    codec, where = declared_charset(content, content_type)
    attempts: list[str] = []
    if codec:
        try:
            return content.decode(codec)
        except UnicodeDecodeError as error:
            attempts.append(f"{codec} (declared by {where}) failed at byte {error.start}")
            if codec == "cp1252":
                # Bytes cp1252 leaves undefined are C1 controls in latin-1, as browsers read them.
                return content.decode("latin-1")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.start >= len(content) - 4:
            raise DecodeFailure("truncated", "the content ends inside a multi-byte UTF-8 character") from None
        attempts.append(f"utf-8 failed at byte {error.start}")
    best = charset_normalizer.from_bytes(content).best()
    if best is not None and best.encoding:
        return str(best)
    raise DecodeFailure("undecodable", "no charset decodes the content: " + "; ".join(attempts))
