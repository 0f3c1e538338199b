"""Country labels as publishers write them to ISO 3166 alpha-3 codes.

Resolution order, each step a rule rather than a list of spellings:

1. a published code that is a current ISO 3166-1 alpha-3 code, or one of the former codes in
   ``FORMER_AND_USER_ASSIGNED`` (publishers keep series for states that no longer exist);
2. the label, with footnote letters stripped (``"  Colombia a"``), looked up in pycountry by
   name, official name or common name;
3. the same label compared without accents and case against pycountry names and their UN-style
   inversions (``"Korea, Republic of"`` is also ``"Republic of Korea"``; UNODC's
   ``"Bolivia (Plurinational State of)"`` is pycountry's ``"Bolivia, Plurinational State of"``);
4. ``OVERRIDES``: the few UN spellings none of the rules reach, each with the reason.

Anything else is not guessed: ``resolve_country`` returns None and the caller quarantines the row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry

# CBP publishes seizures by US agency unit (field office, Border Patrol sector, AMO branch). The
# country of those figures is the reporting country, as in UNODC's tables, even where a branch
# works abroad (AMO's "Mexico City IAC", "AMO Operation Bahamas, Turks And Caicos").
CBP_COUNTRY = "USA"


@dataclass(frozen=True)
class FormerCountry:
    iso3: str
    iso2: str
    name: str
    region: str
    subregion: str
    why: str


# Codes outside current ISO 3166-1 that real statistics use. UN M49 no longer lists these, so
# region and subregion follow where M49 lists the successor states (documented in
# sources/statistics/README.md). The countries seed includes these rows, so no observation points
# at a code the country dimension lacks.
FORMER_AND_USER_ASSIGNED: tuple[FormerCountry, ...] = (
    FormerCountry(
        "ANT",
        "AN",
        "Netherlands Antilles",
        "Americas",
        "Caribbean",
        "ISO 3166-1 until 2010 (ISO 3166-3 ANHH); UNODC seizures use ANT",
    ),
    FormerCountry(
        "CSK", "CS", "Czechoslovakia", "Europe", "Eastern Europe", "ISO 3166-1 until 1993 (ISO 3166-3 CSHH)"
    ),
    FormerCountry(
        "DDR",
        "DD",
        "German Democratic Republic",
        "Europe",
        "Western Europe",
        "ISO 3166-1 until 1990 (ISO 3166-3 DDDE)",
    ),
    FormerCountry(
        "SCG",
        "CS",
        "Serbia and Montenegro",
        "Europe",
        "Southern Europe",
        "ISO 3166-1 until 2006 (ISO 3166-3 CSXX)",
    ),
    FormerCountry("SUN", "SU", "USSR", "Europe", "Eastern Europe", "ISO 3166-1 until 1992 (ISO 3166-3 SUHH)"),
    FormerCountry(
        "YUG", "YU", "Yugoslavia", "Europe", "Southern Europe", "ISO 3166-1 until 2003 (ISO 3166-3 YUCS)"
    ),
    FormerCountry(
        "XKX",
        "XK",
        "Kosovo",
        "Europe",
        "Southern Europe",
        "user-assigned code (ISO 3166 reserves X..) used by the EU, IMF and World Bank",
    ),
)

# UN spellings that neither pycountry nor the inversion rule reach. Keys are folded (see _fold).
OVERRIDES: dict[str, str] = {
    "china, hong kong sar": "HKG",  # UN style "China, <area> SAR"
    "china, macao sar": "MAC",
    "china, taiwan province of china": "TWN",
    "turkey": "TUR",  # pycountry follows the 2022 rename to Türkiye and drops the old name
    "united states virgin islands": "VIR",  # pycountry: "Virgin Islands, U.S."
    "saint helena": "SHN",  # pycountry: "Saint Helena, Ascension and Tristan da Cunha"
    "kosovo": "XKX",
    "kosovo under unscr 1244": "XKX",  # UNODC's label
    "ussr": "SUN",
    "union of soviet socialist republics": "SUN",
    "czechoslovakia": "CSK",
    "yugoslavia": "YUG",
    "united states": "USA",
    "united kingdom": "GBR",
}

_FOOTNOTES = re.compile(r"^(?P<label>.*?\S)(?:\s+(?P<letters>[a-z](?:\s*,\s*[a-z]|\s+[a-z])*),?)?\s*$", re.S)


def split_footnotes(label: str) -> tuple[str, tuple[str, ...]]:
    """``"  Colombia a"`` -> ``("Colombia", ("a",))``; ``"Peru b,c"`` -> ``("Peru", ("b", "c"))``.

    Only single lower-case letters after a space count as footnote marks: no country or region
    name ends in one.
    """
    text = re.sub(r"\s+", " ", label).strip()
    if not text:
        return "", ()
    match = _FOOTNOTES.match(text)
    if match is None or not match.group("letters"):
        return text, ()
    letters = tuple(re.findall(r"[a-z]", match.group("letters")))
    return match.group("label").strip(), letters


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[’`]", "'", plain).casefold()
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain.removeprefix("the ").strip()


def _inversions(name: str) -> list[str]:
    """``"Congo, The Democratic Republic of the"`` -> ``"The Democratic Republic of the Congo"``."""
    if "," not in name:
        return []
    head, _, tail = name.partition(",")
    return [f"{tail.strip()} {head.strip()}"]


@cache
def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        names = [country.name]
        names += [
            getattr(country, attr) for attr in ("official_name", "common_name") if hasattr(country, attr)
        ]
        for name in list(names):
            names += _inversions(name)
        for name in names:
            index.setdefault(_fold(name), country.alpha_3)
    for former in FORMER_AND_USER_ASSIGNED:
        index.setdefault(_fold(former.name), former.iso3)
    index.update(OVERRIDES)
    return index


@cache
def _known_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries) | {f.iso3 for f in FORMER_AND_USER_ASSIGNED}


def is_known_code(code: str) -> bool:
    return code in _known_codes()


@cache
def resolve_country(label: str | None, code: str | None = None) -> str | None:
    """ISO 3166 alpha-3 code for a published (code, label), or None when it cannot be placed.

    A valid published code wins over the label: publishers sometimes file a former state's series
    under its successor's code (UNODC files Czechoslovakia under CZE), and that attribution is
    theirs to make; the label stays on the row as published.
    """
    if code:
        candidate = code.strip().upper()
        if is_known_code(candidate):
            return candidate
    if not label:
        return None
    name, _ = split_footnotes(label)
    if not name:
        return None
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        pass
    folded = _fold(name)
    index = _name_index()
    if folded in index:
        return index[folded]
    # UN style "Bolivia (Plurinational State of)" is pycountry's "Bolivia, Plurinational State of".
    bracketed = re.fullmatch(r"(.+?)\s*\((.+)\)", folded)
    if bracketed:
        comma_form = f"{bracketed.group(1)}, {bracketed.group(2)}"
        if comma_form in index:
            return index[comma_form]
    return None
