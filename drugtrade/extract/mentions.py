"""People, countries and drugs named in a body text, with offsets into it."""

from __future__ import annotations

from dataclasses import dataclass

from drugtrade.extract.drugs import find_drugs
from drugtrade.extract.people import build_people
from drugtrade.vocab.countries import find_countries


@dataclass(frozen=True, kw_only=True)
class Mention:
    kind: str  # person | country | drug
    text: str  # as written
    normalized: str  # full name, ISO 3166 alpha-3, or vocabulary drug
    start: int
    end: int


def extract_mentions(body: str) -> list[Mention]:
    """Every mention, in text order. A surname ("Tillerson") is normalised to the full name
    given earlier in the article; demonyms and possessives ("Colombian", "Mexico's") to ISO3."""
    found: list[Mention] = []
    for ref in build_people(body).refs:
        if ref.person is not None:
            found.append(
                Mention(
                    kind="person", text=ref.text, normalized=ref.person.name, start=ref.start, end=ref.end
                )
            )
    for country in find_countries(body):
        found.append(
            Mention(
                kind="country",
                text=country.text,
                normalized=country.iso3,
                start=country.start,
                end=country.end,
            )
        )
    for drug in find_drugs(body):
        found.append(
            Mention(kind="drug", text=drug.text, normalized=drug.drug, start=drug.start, end=drug.end)
        )
    found.sort(key=lambda m: (m.start, m.kind))
    return found
