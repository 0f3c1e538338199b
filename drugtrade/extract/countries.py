"""Countries named in article text: kept as an import path for the extractors; the vocabulary
itself is drugtrade.vocab.countries, shared with the statistics side."""

from drugtrade.vocab.countries import (
    DEMONYMS,
    SHORT_NAMES,
    CountryMention,
    country_code,
    country_of_text,
    find_countries,
)

__all__ = ["DEMONYMS", "SHORT_NAMES", "CountryMention", "country_code", "country_of_text", "find_countries"]
