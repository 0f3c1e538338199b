"""Full stops that do not end a sentence: rank and title abbreviations ("Cmdr. Bill Sanson",
"Lt. Col.", "Supt."), initials ("John F. Kelly") and dotted acronyms before a name ("U.S. Attorney").

The attribution rules read clauses up to the next full stop; masking these stops with a
look-alike character (U+2024 ONE DOT LEADER, same length, so every offset stays valid) lets a
speaker phrase such as "Cmdr. Bill Sanson, Commanding Officer, HMCS Shawinigan" stay one clause.
Text shown to users is always taken from the unmasked body; ``unmask`` restores names and roles.
"""

from __future__ import annotations

import re

from drugtrade.extract.lexicon import TITLE_ABBREVIATIONS

MASK = "\u2024"
_TITLE_STOP = re.compile(
    r"(?<![\w.])(?:" + "|".join(sorted(TITLE_ABBREVIATIONS, key=len, reverse=True)) + r")(\.)(?=\s+[A-Z])"
)
# "U.S. Attorney", "John F. Kelly": the last stop of a dotted capital run before a capitalised word
_INITIAL_STOP = re.compile(r"(?<![\w.])(?:[A-Z]\.){0,3}[A-Z]\.(?=[ \t]+[A-Z][a-z])")


def mask_abbreviation_stops(text: str) -> str:
    chars = list(text)
    for match in _TITLE_STOP.finditer(text):
        chars[match.start(1)] = MASK
    for match in _INITIAL_STOP.finditer(text):
        for i in range(match.start(), match.end()):
            if chars[i] == ".":
                chars[i] = MASK
    return "".join(chars)


def unmask(text: str | None) -> str | None:
    return text.replace(MASK, ".") if text is not None else None
