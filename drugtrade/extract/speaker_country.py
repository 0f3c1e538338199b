"""The country a speaker represents, from what the article says about them.

Evidence is tried from the closest to the loosest, through the shared country vocabulary
(drugtrade.vocab.countries: names, demonyms, possessives, national agencies and forces):

  1. the speaker's role or organisation ("Colombia's Defence Minister", "the Royal Navy", "SEMAR");
  2. the clause of the speaker's first mention ("U.S. Attorney Martin Estrada for ...", "Vice Admiral
     X, the Coast Guard's Atlantic Area Commander");
  3. for officials (a role, or an organisation) only, the country the article is about: the one it
     names most, on a tie the one named first (a police commissioner in a Trinidad story speaks for
     Trinidad and Tobago; a resident quoted in a story about another country does not).

The third rule is an inference, used only when the first two find nothing: the clause of the first
mention is where an article says whom a speaker works for, so any country named there wins.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property

from drugtrade.vocab.countries import country_of_text, find_countries

_CLAUSE_END = re.compile(r"[.;:!?\"“”\n]")
_OTHER_PERSON_BEFORE = re.compile(r"\b(?:his|her|their|its)\s+(?:\w+\s+)?$", re.IGNORECASE)
_COUNTERPART_AFTER = re.compile(r"\s+(?:counterparts?|colleagues?|partners?|allies|ally)\b", re.IGNORECASE)


class CountryEvidence:
    """Country evidence of one article, computed once and consulted per speaker."""

    def __init__(self, body: str, clause_text: str | None = None) -> None:
        self.body = body
        # the same text with abbreviation stops masked ("U.S. Attorney" is not a clause end)
        self.clause_text = clause_text if clause_text is not None else body

    @cached_property
    def dominant(self) -> str | None:
        mentions = find_countries(self.body, institutions=True)
        counts = Counter(m.iso3 for m in mentions)
        if not counts:
            return None
        most = max(counts.values())
        # the most named country; on a tie, the one named first (the lead names the story's country)
        return next(m.iso3 for m in mentions if counts[m.iso3] == most)

    def clause_around(self, position: int, width: int = 160) -> str:
        """The clause that holds ``position``: back and forth to the nearest sentence punctuation."""
        start = max(0, position - width)
        before = self.clause_text[start:position]
        cut = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
        after = self.clause_text[position : position + width]
        stop = _CLAUSE_END.search(after)
        end = position + (stop.start() if stop else len(after))
        return self.body[start + cut : end]

    def country_of(
        self, name: str | None, role: str | None, mention: int | None, official: bool = True
    ) -> str | None:
        """``official``: the speaker holds a role or is an organisation; only officials are taken to
        speak for the article's country (a resident quoted in a foreign story is not)."""
        for phrase in (role, name):
            if phrase:
                code = country_of_text(phrase)
                if code:
                    return code
        if mention is not None:
            code = self._clause_country(self.clause_around(mention))
            if code:
                return code
        return self.dominant if official else None

    @staticmethod
    def _clause_country(clause: str) -> str | None:
        """The first country of the clause that describes the speaker, not someone else:
        "According to X, his American counterpart ..." says nothing of X's country."""
        for found in find_countries(clause, institutions=True):
            if _OTHER_PERSON_BEFORE.search(clause[max(0, found.start - 24) : found.start]):
                continue
            if _COUNTERPART_AFTER.match(clause, found.end):
                continue
            return found.iso3
        return None
