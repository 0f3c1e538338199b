"""Published drug labels to drug vocabulary terms.

The vocabulary (``dbt_project/seeds/drug_vocabulary.csv``) is the single list of terms, and its
synonyms are also what the article extractors match in running text. Labels that only make
sense as a publisher's table category (UNODC's ``Non-specified``, ``Alcohol``, ``ATS``) would
turn ordinary words in news text into drug mentions, so they live here instead, each mapped to a
vocabulary term. ``normalize_drug_label`` returns None for anything else, and the caller
quarantines the row with the label it saw.
"""

from __future__ import annotations

from functools import cache

from drugtrade.vocab import load_vocabulary, normalize_drug
from drugtrade.vocab.text import label_key as _key

# Publisher table categories (UNODC annual seizures questionnaire) -> vocabulary term.
TABLE_CATEGORIES: dict[str, str] = {
    "non-specified": "other drugs",
    "any illicit drugs": "other drugs",  # reported without a drug; small amounts, not totals
    "multiple drugs": "other drugs",
    "other miscellaneous": "other drugs",
    "psychotropic substances": "other drugs",
    "other prescription medicines": "other drugs",
    "other substances not under int. control": "other drugs",
    "non-specified substances not under int. control": "other drugs",
    "other plant-based substances": "other drugs",
    "anabolic steroids": "other drugs",
    "alcohol": "other drugs",
    "caffeine": "other drugs",
    "ats": "amphetamine",  # the vocabulary's amphetamine term covers amphetamine-type stimulants
    "other stimulants": "amphetamine",
    "poppy seed": "opium poppy",
}


@cache
def _vocabulary_terms() -> frozenset[str]:
    return frozenset(drug.drug for drug in load_vocabulary())


def normalize_drug_label(label: str | None) -> str | None:
    """``'Marijuana (herb)'`` -> ``'marijuana'``, ``'Other Drugs**'`` -> ``'other drugs'``; None if unknown."""
    if label is None or not label.strip():
        return None
    term = normalize_drug(label)
    if term is not None:
        return term
    term = TABLE_CATEGORIES.get(_key(label))
    if term is not None and term not in _vocabulary_terms():
        raise LookupError(f"TABLE_CATEGORIES maps {label!r} to {term!r}, which is not in the drug vocabulary")
    return term
