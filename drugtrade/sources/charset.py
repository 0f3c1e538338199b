"""The text encoding a Content-Type header declares."""

from __future__ import annotations

import codecs
import email.message


def charset_of(content_type: str | None) -> str | None:
    """The charset declared in a Content-Type header, lower-cased, or None when absent or unknown
    to Python (the extractor then sniffs it from the bytes)."""
    if not content_type:
        return None
    message = email.message.Message()
    message["content-type"] = content_type
    charset = message.get_content_charset()
    if not charset:
        return None
    try:
        codecs.lookup(charset)
    except LookupError:
        return None
    return charset
