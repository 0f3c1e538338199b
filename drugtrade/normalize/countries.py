"""Country labels of statistical files to ISO 3166 alpha-3: kept as an import path for the
parsers; the vocabulary itself is drugtrade.vocab.countries, shared with the article side."""

from drugtrade.vocab.countries import (
    CBP_COUNTRY,
    FORMER_AND_USER_ASSIGNED,
    OVERRIDES,
    FormerCountry,
    is_known_code,
    resolve_country,
    split_footnotes,
)

__all__ = [
    "CBP_COUNTRY",
    "FORMER_AND_USER_ASSIGNED",
    "OVERRIDES",
    "FormerCountry",
    "is_known_code",
    "resolve_country",
    "split_footnotes",
]
