"""Countries named in text, as ISO 3166 alpha-3 codes via pycountry.

pycountry resolves names ("Bolivia") but not demonyms ("Colombian") or the short forms news
uses ("US", "the Netherlands"); the two tables below add them and are resolved through pycountry,
so every code this module returns is one pycountry knows. Some country names are left out of
text matching because in prose they are usually something else (a person named Jordan, the US
state of Georgia, Chad, Turkey the bird...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry

# Demonyms and adjectives of the countries this warehouse covers and their main partners.
DEMONYMS: dict[str, str] = {
    "American": "United States",
    "Argentine": "Argentina",
    "Argentinian": "Argentina",
    "Bahamian": "Bahamas",
    "Barbadian": "Barbados",
    "Belizean": "Belize",
    "Bolivian": "Bolivia",
    "Brazilian": "Brazil",
    "British": "United Kingdom",
    "Canadian": "Canada",
    "Chilean": "Chile",
    "Chinese": "China",
    "Colombian": "Colombia",
    "Costa Rican": "Costa Rica",
    "Cuban": "Cuba",
    "Dominican": "Dominican Republic",
    "Dutch": "Netherlands",
    "Ecuadorian": "Ecuador",
    "Ecuadoran": "Ecuador",
    "French": "France",
    "German": "Germany",
    "Guatemalan": "Guatemala",
    "Guyanese": "Guyana",
    "Haitian": "Haiti",
    "Honduran": "Honduras",
    "Italian": "Italy",
    "Jamaican": "Jamaica",
    "Mexican": "Mexico",
    "Nicaraguan": "Nicaragua",
    "Panamanian": "Panama",
    "Paraguayan": "Paraguay",
    "Peruvian": "Peru",
    "Portuguese": "Portugal",
    "Puerto Rican": "Puerto Rico",
    "Russian": "Russian Federation",
    "Salvadoran": "El Salvador",
    "Salvadorean": "El Salvador",
    "Spanish": "Spain",
    "Surinamese": "Suriname",
    "Trinidadian": "Trinidad and Tobago",
    "Uruguayan": "Uruguay",
    "Venezuelan": "Venezuela",
    "Afghan": "Afghanistan",
    "Belgian": "Belgium",
    "Nigerian": "Nigeria",
    "Albanian": "Albania",
    "Australian": "Australia",
    "Indian": "India",
    "Turkish": "Türkiye",
}
# Short and common forms pycountry does not list as names.
SHORT_NAMES: dict[str, str] = {
    "US": "United States",
    "U.S.": "United States",
    "USA": "United States",
    "U.S.A.": "United States",
    "United States of America": "United States",
    "America": "United States",
    "UK": "United Kingdom",
    "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
    "Holland": "Netherlands",
    "the Netherlands": "Netherlands",
    "Russia": "Russian Federation",
    "Venezuela": "Venezuela",
    "Bolivia": "Bolivia",
    "Vietnam": "Viet Nam",
    "Turkey": "Türkiye",
    "Ivory Coast": "Côte d'Ivoire",
    "Syria": "Syrian Arab Republic",
    "Iran": "Iran",
    "Laos": "Lao People's Democratic Republic",
    "Burma": "Myanmar",
    "South Korea": "Korea, Republic of",
    "North Korea": "Korea, Democratic People's Republic of",
    "Czech Republic": "Czechia",
    "Cape Verde": "Cabo Verde",
    "Swaziland": "Eswatini",
    "Macedonia": "North Macedonia",
}
# Names that in prose are mostly not the country; they are still resolved by country_code().
_NOT_IN_PROSE = {
    "Jordan",
    "Chad",
    "Georgia",
    "Jersey",
    "Guernsey",
    "Turkey",
    "Niger",
    "Dominica",
    "Guinea",
    "Man",
    "America",
}
# Words before "American" etc. that make it a region, not the United States.
_REGION_PREFIX = re.compile(r"(Latin|South|North|Central|Native|Afro|Ibero|Pan|Spanish|Hispanic)[\s-]+$")


@dataclass(frozen=True)
class CountryMention:
    text: str
    iso3: str
    start: int
    end: int
    demonym: bool


@cache
def _names() -> dict[str, str]:
    """Every name, common name, official name and short form -> alpha-3."""
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                index[value] = country.alpha_3
                # "Bolivia, Plurinational State of" -> "Bolivia"
                if "," in value:
                    index.setdefault(value.split(",")[0].strip(), country.alpha_3)
    for short, name in SHORT_NAMES.items():
        index[short] = pycountry.countries.lookup(name).alpha_3
    return index


@cache
def _demonyms() -> dict[str, str]:
    return {d: pycountry.countries.lookup(name).alpha_3 for d, name in DEMONYMS.items()}


@cache
def _folded_names() -> dict[str, str]:
    return {name.casefold(): code for name, code in _names().items()}


@cache
def country_code(label: str) -> str | None:
    """ISO3 for a country name, short form or demonym, or None.

    Codes are not accepted as names: "DE" or "Co" in prose are not Germany or Colombia.
    """
    label = label.strip()
    if label.endswith(("'s", "’s")):
        label = label[:-2]
    if label in _names():
        return _names()[label]
    if label in _demonyms():
        return _demonyms()[label]
    singular = label[:-1] if label.endswith("s") else label  # "Colombians"
    if singular in _demonyms():
        return _demonyms()[singular]
    return _folded_names().get(label.casefold()) if len(label) > 3 else None


@cache
def _pattern() -> re.Pattern[str]:
    names = [n for n in _names() if n not in _NOT_IN_PROSE and len(n) > 1]
    demonyms = list(_demonyms())
    alternatives = sorted({*names, *demonyms}, key=len, reverse=True)
    # Demonyms also in the plural ("Colombians"); names are matched whole, case-sensitively.
    body = "|".join(re.escape(a) + ("s?" if a in _demonyms() else "") for a in alternatives)
    return re.compile(rf"(?<![\w.])(?:{body})(?![\w])")


def find_countries(text: str) -> list[CountryMention]:
    found: list[CountryMention] = []
    for match in _pattern().finditer(text):
        label = match.group(0)
        start = match.start()
        if label.startswith("American") and _REGION_PREFIX.search(text[max(0, start - 12) : start]):
            continue
        if label == "Mexico" and text[max(0, start - 4) : start] == "New ":
            continue  # the US state
        if label in {"US", "USA"} and not text[start : match.end()].isupper():
            continue
        code = country_code(label)
        if code:
            found.append(CountryMention(label, code, start, match.end(), label not in _names()))
    return found
