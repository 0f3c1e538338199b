"""The country a speaker represents, from what the article says about them.

Evidence is tried from the closest to the loosest, through the shared country vocabulary
(drugtrade.vocab.countries: names, demonyms, possessives, national agencies and forces):

  1. the speaker's role or organisation ("Colombia's Defence Minister", "the Royal Navy", "SEMAR");
  2. the clause of the speaker's first mention ("U.S. Attorney Martin Estrada for ...", "Vice Admiral
     X, the Coast Guard's Atlantic Area Commander");
  3. the country the article is about, when one country clearly dominates its mentions (a police
     commissioner in a Trinidad story speaks for Trinidad and Tobago): at least half of all country
     mentions and twice as many as the next country.

The third rule is an inference, used only when the first two find nothing: the clause of the first
mention is where an article says whom a speaker works for, so any country named there wins.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property

from drugtrade.vocab.countries import country_of_text, find_countries

_CLAUSE_END = re.compile(r"[.;:!?\"“”\n]")
_DOMINANT_SHARE = 0.5


class CountryEvidence:
    """Country evidence of one article, computed once and consulted per speaker."""

    def __init__(self, body: str) -> None:
        self.body = body

    @cached_property
    def dominant(self) -> str | None:
        counts = Counter(m.iso3 for m in find_countries(self.body, institutions=True))
        if not counts:
            return None
        ranked = counts.most_common(2)
        top, top_count = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        total = sum(counts.values())
        if top_count >= _DOMINANT_SHARE * total and top_count >= 2 * runner_up:
            return top
        return None

    def clause_around(self, position: int, width: int = 160) -> str:
        """The clause that holds ``position``: back and forth to the nearest sentence punctuation."""
        start = max(0, position - width)
        before = self.body[start:position]
        cut = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
        after = self.body[position : position + width]
        stop = _CLAUSE_END.search(after)
        return before[cut:] + (after[: stop.start()] if stop else after)

    def country_of(self, name: str | None, role: str | None, mention: int | None) -> str | None:
        for phrase in (role, name):
            if phrase:
                code = country_of_text(phrase)
                if code:
                    return code
        if mention is not None:
            code = country_of_text(self.clause_around(mention))
            if code:
                return code
        return self.dominant
