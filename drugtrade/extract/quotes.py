"""Quoted spans in a body text: where each quotation opens and closes.

Curly, straight and angle double quotes are paired per paragraph; a straight quote opens or
closes according to the characters around it. Single quotes count as quotation marks only
outside double quotes (inside they are nested quotes and stay part of the text) and only where
they cannot be apostrophes. A paragraph that leaves a quote open ends the quote at its end; if
the next paragraph opens with a quote mark, that quote continues the open one (the newspaper
convention for a quotation running over several paragraphs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drugtrade.extract.lexicon import QUOTE_CLOSE, QUOTE_OPEN

_BEFORE_OPEN = set(" \t\n([{—–-/:;,") | set(QUOTE_OPEN)
_AFTER_CLOSE = set(" \t\n.,;:!?)]}—–-…") | set(QUOTE_CLOSE)


@dataclass(frozen=True, kw_only=True)
class Paragraph:
    index: int
    start: int
    end: int


@dataclass(frozen=True, kw_only=True)
class QuoteSpan:
    start: int  # first character of the quoted text (after the mark)
    end: int  # one past its last character (before the closing mark)
    open_mark: int  # offset of the opening mark
    close_mark: int | None  # offset of the closing mark; None when the paragraph ends the quote
    paragraph: int
    single: bool = False  # delimited by single quotes
    continues: int | None = None  # index of the span this one continues (quote over paragraphs)

    @property
    def after(self) -> int:
        """Offset just past the closing mark (or the text, when unclosed)."""
        return self.close_mark + 1 if self.close_mark is not None else self.end


def paragraphs(body: str) -> list[Paragraph]:
    found: list[Paragraph] = []
    for match in re.finditer(r"[^\n]+", body):
        if match.group(0).strip():
            found.append(Paragraph(index=len(found), start=match.start(), end=match.end()))
    return found


def _char(text: str, i: int) -> str:
    return text[i] if 0 <= i < len(text) else " "


_NESTED_MAX = 80  # characters a quotation nested inside another one may span ('the "Majors" list')


def _nested_close(text: str, marks: list[int], k: int) -> int | None:
    """When the mark ``marks[k]`` opens a quotation inside an open one, the index in ``marks`` of
    the mark closing the nested one: the next mark, close by, ending a word, with no sentence end
    between, and a further mark after it to close the outer quotation. None otherwise."""
    if k + 2 >= len(marks):
        return None
    i, j = marks[k], marks[k + 1]
    inner = text[i + 1 : j]
    if j - i > _NESTED_MAX or not inner.strip() or inner[-1:].isspace() or re.search(r"[.!?]\s", inner):
        return None
    if not _char(text, i + 1).isalnum():
        return None
    return k + 1


def _double_spans(text: str, base: int) -> list[tuple[int, int | None]]:
    """(open offset, close offset or None) pairs of double quotes in one paragraph. A short
    quotation nested inside an open one ('... on the U.S. "Majors" list - ...') stays inside it."""
    spans: list[tuple[int, int | None]] = []
    open_at: int | None = None
    marks = [i for i, c in enumerate(text) if c in '"“”„«»']
    k = -1
    while k + 1 < len(marks):
        k += 1
        i = marks[k]
        c = text[i]
        prev, nxt = _char(text, i - 1), _char(text, i + 1)
        opener_like = i == 0 or prev in _BEFORE_OPEN
        closer_like = i > 0 and not prev.isspace() and (nxt in _AFTER_CLOSE or i == len(text) - 1)
        if open_at is not None and opener_like and not closer_like and c not in QUOTE_CLOSE:
            nested = _nested_close(text, marks, k)
            if nested is not None:
                k = nested  # skip the nested pair; the outer quotation stays open
                continue
        if c in QUOTE_OPEN and not (open_at is not None and closer_like and not opener_like):
            if open_at is None:
                open_at = i
            continue
        if c in QUOTE_CLOSE and not (open_at is None and opener_like and nxt.isalnum()):
            if open_at is not None:
                spans.append((base + open_at, base + i))
                open_at = None
            continue
        # straight quote, or a curly one used the wrong way round
        if open_at is None:
            if opener_like or not closer_like:
                open_at = i
        elif closer_like or not opener_like:
            spans.append((base + open_at, base + i))
            open_at = None
        else:
            # an opening-looking mark while a quote is open: the previous one was never closed
            spans.append((base + open_at, base + i))
            open_at = None
    if open_at is not None:
        spans.append((base + open_at, None))
    return spans


_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))['‘](?=[^\W\d_])")
_SINGLE_CLOSE = re.compile(r"(?<=[^\s'‘])['’](?=[\s.,;:!?)\]—–-]|$)")


def _single_spans(text: str, base: int, taken: list[tuple[int, int]]) -> list[tuple[int, int | None]]:
    spans: list[tuple[int, int | None]] = []
    pos = 0
    while True:
        opening = _SINGLE_OPEN.search(text, pos)
        if not opening:
            break
        closing = _SINGLE_CLOSE.search(text, opening.end())
        if not closing:
            # "X said: 'This ..." with no closing mark in the paragraph: a quotation running on
            # (British style), when the mark opens the paragraph or follows a colon
            lead = text[: opening.start()].rstrip()
            if not lead or lead.endswith(":"):
                a = base + opening.start()
                if not any(s <= a <= e for s, e in taken):
                    spans.append((a, None))
            break
        a, b = base + opening.start(), base + closing.start()
        pos = closing.end()
        if any(s <= a <= e for s, e in taken):
            continue  # nested in a double-quoted span
        # a closing mark right after a plural noun ("growers' ") is an apostrophe, not a quote,
        # unless the quoted text reads as a sentence fragment (contains a space before it)
        spans.append((a, b))
    return spans


def _trim(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def find_quotes(body: str) -> list[QuoteSpan]:
    found: list[QuoteSpan] = []
    open_previous: int | None = None  # index in found of an unclosed quote ending the previous paragraph
    for para in paragraphs(body):
        text = body[para.start : para.end]
        doubles = _double_spans(text, para.start)
        closed = [(a, b if b is not None else para.end) for a, b in doubles]
        singles = _single_spans(text, para.start, closed)
        marks: list[tuple[int, int | None, bool]] = [(a, b, False) for a, b in doubles]
        marks += [(a, b, True) for a, b in singles]
        marks.sort()
        starts_with_quote = text.lstrip()[:1] in '"“„«‘'
        for k, (open_mark, close_mark, single) in enumerate(marks):
            end = close_mark if close_mark is not None else para.end
            start, end = _trim(body, open_mark + 1, end)
            if end <= start:
                continue
            continues = (
                open_previous if (k == 0 and starts_with_quote and open_previous is not None) else None
            )
            found.append(
                QuoteSpan(
                    start=start,
                    end=end,
                    open_mark=open_mark,
                    close_mark=close_mark,
                    paragraph=para.index,
                    single=single,
                    continues=continues,
                )
            )
        last = found[-1] if found else None
        open_previous = (
            len(found) - 1
            if last is not None and last.paragraph == para.index and last.close_mark is None
            else None
        )
    return found
