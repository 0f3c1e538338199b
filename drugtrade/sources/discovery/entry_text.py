"""Titles and dates of index entries as feeds, sitemaps and WordPress write them."""

from __future__ import annotations

import email.utils
import html
import re
from datetime import UTC, datetime


def clean_text(text: str | None) -> str | None:
    if not text:
        return None
    cleaned = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(text)).split())
    return cleaned or None


def parse_date(text: str | None) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps, WordPress) to an aware UTC datetime; None if unreadable.
    A date without a zone is taken as UTC."""
    if not text:
        return None
    text = text.strip()
    parsed: datetime | None = None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
