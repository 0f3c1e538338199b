"""The drug vocabulary, kept once as a dbt seed and read here by the extractors and parsers."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from drugtrade.config import REPO_SEEDS_DIR
from drugtrade.vocab.text import label_key as _key

VOCABULARY_CSV = REPO_SEEDS_DIR / "drug_vocabulary.csv"


@dataclass(frozen=True, kw_only=True)
class Drug:
    drug: str
    drug_group: str
    description: str
    synonyms: tuple[str, ...]


@cache
def load_vocabulary(path: Path = VOCABULARY_CSV) -> tuple[Drug, ...]:
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(
            Drug(
                drug=row["drug"],
                drug_group=row["drug_group"],
                description=row["description"],
                synonyms=tuple(s for s in row["synonyms"].split("|") if s),
            )
            for row in csv.DictReader(handle)
        )


@cache
def _synonym_index(path: Path = VOCABULARY_CSV) -> dict[str, str]:
    index: dict[str, str] = {}
    for drug in load_vocabulary(path):
        index[_key(drug.drug)] = drug.drug
        for synonym in drug.synonyms:
            index.setdefault(_key(synonym), drug.drug)
    return index


def normalize_drug(label: str) -> str | None:
    """Map a published drug label (``Marijuana (herb)``, ``Other Drugs**``) to a vocabulary term.

    Returns None for labels the vocabulary does not know, so callers can quarantine them.
    """
    index = _synonym_index()
    key = _key(label)
    if key in index:
        return index[key]
    stripped = _key(re.sub(r"\*+$", "", key))
    if stripped in index:
        return index[stripped]
    return None


def drug_terms() -> dict[str, str]:
    """Every synonym (lower case) with its vocabulary term, longest first, for text matching."""
    index = _synonym_index()
    return dict(sorted(index.items(), key=lambda item: -len(item[0])))
