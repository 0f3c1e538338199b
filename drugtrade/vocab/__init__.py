"""One vocabulary per concept, read by both the statistics parsers and the article extractors.

- drugs (``drugs.py``): the drug vocabulary, kept once as a dbt seed;
- countries (``countries.py``, ``institutions.py``): ISO 3166 alpha-3 codes for statistical
  labels and for country names, demonyms, possessives and national institutions in text;
- units (``units.py``): mass and area units as tables and prose print them, with exact factors.
"""

from drugtrade.vocab.countries import (
    CountryMention,
    country_code,
    country_of_text,
    find_countries,
    is_known_code,
    resolve_country,
)
from drugtrade.vocab.drugs import VOCABULARY_CSV, Drug, drug_terms, load_vocabulary, normalize_drug

__all__ = [
    "VOCABULARY_CSV",
    "CountryMention",
    "Drug",
    "country_code",
    "country_of_text",
    "drug_terms",
    "find_countries",
    "is_known_code",
    "load_vocabulary",
    "normalize_drug",
    "resolve_country",
]
