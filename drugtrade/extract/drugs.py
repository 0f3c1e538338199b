"""Drug names in text, read from the project's vocabulary (drugtrade.vocab.drug_terms()).

A few vocabulary synonyms are right in a statistics table but wrong in prose ("other",
"paste", "crack" as in "crack down", "coke" the drink); they are matched only through their
longer forms ("crack cocaine", "coca paste"), which stay in the vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from drugtrade.vocab import drug_terms

PROSE_AMBIGUOUS = frozenset(
    {"other", "others", "other drugs", "other drugs**", "paste", "crack", "coke", "weed", "base"}
)
# Crops are measured in hectares; a drug named next to an area is its crop.
CROP_OF = {
    "coca leaf": "coca bush",
    "coca paste": "coca bush",
    "opium": "opium poppy",
    "cocaine": "coca bush",
}


@dataclass(frozen=True, kw_only=True)
class DrugMention:
    text: str
    drug: str
    start: int
    end: int


@cache
def _pattern(ambiguous: bool = False) -> tuple[re.Pattern[str], dict[str, str]]:
    terms = {k: v for k, v in drug_terms().items() if ambiguous or k not in PROSE_AMBIGUOUS}
    alternatives = "|".join(re.escape(k) for k in sorted(terms, key=len, reverse=True))
    # first letters checked before the long alternation, which the engine tries one by one
    first = "".join(sorted({re.escape(k[0]) for k in terms}))
    return re.compile(rf"(?<![\w-])(?=[{first}])(?:{alternatives})(?![\w])", re.IGNORECASE), terms


def find_drugs(
    text: str, start: int = 0, end: int | None = None, *, ambiguous: bool = False
) -> list[DrugMention]:
    """Drug names in ``text[start:end]``. ``ambiguous`` also matches the words that are drugs only
    where the context says so, as after a quantity ("two kilos of crack", "of weed")."""
    pattern, terms = _pattern(ambiguous)
    found = []
    for match in pattern.finditer(text, start, len(text) if end is None else end):
        label = match.group(0)
        found.append(
            DrugMention(
                text=label,
                drug=terms[re.sub(r"\s+", " ", label.lower())],
                start=match.start(),
                end=match.end(),
            )
        )
    return found
