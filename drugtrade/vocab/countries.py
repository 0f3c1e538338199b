"""The one country vocabulary: ISO 3166 alpha-3 codes for the labels of statistical files and
for the names, demonyms, possessives and institutions of article text.

Kept whole because both sides must read one set of tables in one place: the text side only adds
what prose needs on top of them.

Statistics (``resolve_country``), each step a rule rather than a list of spellings:

1. a published code that is a current ISO 3166-1 alpha-3 code, or one of the former codes in
   ``FORMER_AND_USER_ASSIGNED`` (publishers keep series for states that no longer exist);
2. the label, with footnote letters stripped (``"  Colombia a"``), looked up in pycountry by
   name, official name or common name;
3. the same label compared without accents and case against pycountry names and their UN-style
   inversions (``"Korea, Republic of"`` is also ``"Republic of Korea"``; UNODC's
   ``"Bolivia (Plurinational State of)"`` is pycountry's ``"Bolivia, Plurinational State of"``),
   the former states and ``OVERRIDES`` (the few UN spellings none of the rules reach).

Anything else is not guessed: ``resolve_country`` returns None and the caller quarantines the row.
The aliases news uses ("Britain", "Russia") are deliberately not part of this path: a statistics
label "America" is a region, not the United States.

Text (``country_code``, ``find_countries``, ``country_of_text``): every name of the statistics
side, plus ``SHORT_NAMES`` (the short forms news uses), ``DEMONYMS`` ("Colombian", also plural),
possessives ("Mexico's") and, for ``country_of_text`` and ``find_countries(...,
institutions=True)``, the national agencies and forces of drugtrade.vocab.institutions
("Royal Canadian Mounted Police" -> CAN), the states and provinces and the navy ship prefixes of
drugtrade.vocab.places ("Mississippi Bureau of Narcotics" -> USA, "HMS Trent" -> GBR). Some country names are left out of text matching
because in prose they are usually something else (a person named Jordan, the US state of
Georgia, Chad, Turkey the bird...).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pycountry

from drugtrade.vocab.country_names import (
    CBP_COUNTRY,
    DEMONYMS,
    FORMER_AND_USER_ASSIGNED,
    NOT_IN_PROSE,
    OVERRIDES,
    SHORT_NAMES,
    FormerCountry,
)
from drugtrade.vocab.institutions import INSTITUTIONS
from drugtrade.vocab.places import PLACES, SHIP_PREFIXES
from drugtrade.vocab.text import folded_key as _fold

__all__ = [
    "CBP_COUNTRY",
    "DEMONYMS",
    "FORMER_AND_USER_ASSIGNED",
    "OVERRIDES",
    "SHORT_NAMES",
    "CountryMention",
    "FormerCountry",
    "country_code",
    "country_of_text",
    "find_countries",
    "is_known_code",
    "resolve_country",
    "split_footnotes",
]

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


# ---- article text --------------------------------------------------------------------------

# Words before "American" etc. that make it a region, not the United States.
_REGION_PREFIX = re.compile(r"(Latin|South|North|Central|Native|Afro|Ibero|Pan|Spanish|Hispanic)[\s-]+$")


@dataclass(frozen=True, kw_only=True)
class CountryMention:
    text: str
    iso3: str
    start: int
    end: int
    demonym: bool  # a demonym or possessive adjective rather than the country's name
    institution: bool = False  # an agency or force of the country ("RCMP")


@cache
def _code_of(name: str) -> str:
    """ISO3 of a name in pycountry or among the former and user-assigned codes."""
    for former in FORMER_AND_USER_ASSIGNED:
        if former.name == name:
            return former.iso3
    return str(pycountry.countries.lookup(name).alpha_3)


@cache
def _names() -> dict[str, str]:
    """Every name, common name, official name, former name and short form -> alpha-3."""
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                index[value] = country.alpha_3
                # "Bolivia, Plurinational State of" -> "Bolivia"
                if "," in value:
                    index.setdefault(value.split(",")[0].strip(), country.alpha_3)
    for former in FORMER_AND_USER_ASSIGNED:
        index.setdefault(former.name, former.iso3)
    for short, name in SHORT_NAMES.items():
        index[short] = _code_of(name)
    # news often drops the accents: "Curacao", "Cote d'Ivoire", "Sao Tome and Principe"
    for name, code in list(index.items()):
        index.setdefault(_without_accents(name), code)
    return index


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _demonyms() -> dict[str, str]:
    return {d: _code_of(name) for d, name in DEMONYMS.items()}


@cache
def _institutions() -> dict[str, str]:
    """Institutions, places inside a country and navy ship prefixes -> the country's ISO3."""
    tables = (INSTITUTIONS, PLACES, SHIP_PREFIXES)
    return {name: iso3 for table in tables for iso3, names in table.items() for name in names}


@cache
def _folded_names() -> dict[str, str]:
    """The statistics side's folded names, then the text side's names folded."""
    index = dict(_name_index())
    for name, code in _names().items():
        index.setdefault(_fold(name), code)
    return index


@cache
def country_code(label: str) -> str | None:
    """ISO3 for a country name, short form, demonym or possessive ("Mexico's"), or None.

    Codes are not accepted as names: "DE" or "Co" in prose are not Germany or Colombia.
    Institutions are not countries here (see ``country_of_text``).
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
    return _folded_names().get(_fold(label)) if len(label) > 3 else None


@cache
def _alternatives(institutions: bool) -> tuple[tuple[str, ...], frozenset[str]]:
    """Every label text matching looks for, longest first, and which of them are demonyms."""
    names = [n for n in _names() if n not in NOT_IN_PROSE and len(n) > 1]
    agencies = list(_institutions()) if institutions else []
    labels = sorted({*names, *_demonyms(), *agencies}, key=len, reverse=True)
    if any(not label[0].isalpha() for label in labels):
        raise ValueError("every country label must start with a letter")
    return tuple(labels), frozenset(_demonyms())


_KEY = re.compile(r"[^\W_]+")
_WORD_START = re.compile(r"(?<![\w.])[^\W\d_][^\W_]*")  # a word's first run of letters and digits
_WORD_CHAR = re.compile(r"\w")


@cache
def _by_first_word(institutions: bool) -> dict[str, tuple[str, ...]]:
    """Labels by their first run of letters and digits ("U.S." under "U"), longest first;
    demonyms also under their plural ("Colombians")."""
    labels, demonyms = _alternatives(institutions)
    index: dict[str, list[str]] = {}
    for label in labels:
        key = _KEY.match(label).group(0)  # type: ignore[union-attr]  # labels start with a letter
        keys = [key, key + "s"] if label in demonyms and key == label else [key]
        for k in keys:
            index.setdefault(k, []).append(label)
    return {k: tuple(v) for k, v in index.items()}


def _labels_in(text: str, institutions: bool) -> Iterator[tuple[int, int]]:
    """(start, end) of every label in ``text``: at each word start, the longest label there
    (a demonym also with a plural "s") that ends at a word boundary; scanning resumes after it.

    A dictionary of labels by first word rather than one regular expression of ~1,500
    alternatives, which the regex engine would try one by one at every word (10x slower).
    """
    index = _by_first_word(institutions)
    demonyms = _alternatives(institutions)[1]
    resume = 0
    for word in _WORD_START.finditer(text):
        start = word.start()
        if start < resume:
            continue
        for label in index.get(word.group(0), ()):
            if not text.startswith(label, start):
                continue
            end = start + len(label)
            if label in demonyms and text.startswith("s", end) and not _WORD_CHAR.match(text, end + 1):
                end += 1
            if _WORD_CHAR.match(text, end):
                continue
            yield start, end
            resume = end
            break


# A country word right before an institution ("Colombian Coast Guard", "Trinidad and Tobago's
# Coast Guard") decides its country.
_JUST_BEFORE = re.compile(r"(?:['’]s)?\s+(?:the\s+)?$")


def find_countries(text: str, institutions: bool = False) -> list[CountryMention]:
    """Countries named in ``text`` in order: names, short forms, demonyms (also plural) and
    possessives; with ``institutions``, also agencies and forces ("RCMP" -> CAN) unless a country
    word stands right before them."""
    found: list[CountryMention] = []
    for start, end in _labels_in(text, institutions):
        label = text[start:end]
        if label.startswith("American") and _REGION_PREFIX.search(text[max(0, start - 12) : start]):
            continue
        if label == "Mexico" and text[max(0, start - 4) : start] == "New ":
            continue  # the US state
        if label in {"US", "USA"} and not label.isupper():
            continue
        if text.startswith("$", end):
            continue  # a currency: "US$", "TT$"
        if institutions and label in _institutions() and not (label in _names() or label in _demonyms()):
            previous = found[-1] if found else None
            if previous and _JUST_BEFORE.fullmatch(text, previous.end, start):
                continue
            found.append(
                CountryMention(
                    text=label,
                    iso3=_institutions()[label],
                    start=start,
                    end=end,
                    demonym=False,
                    institution=True,
                )
            )
            continue
        code = country_code(label)
        if code:
            found.append(
                CountryMention(text=label, iso3=code, start=start, end=end, demonym=label not in _names())
            )
    return found


def country_of_text(phrase: str) -> str | None:
    """ISO3 of the first country a phrase names by name, demonym, possessive or institution:
    ``"Ecuadorian naval inspectors"`` -> ECU, ``"the Royal Canadian Mounted Police"`` -> CAN,
    ``"a DEA agent"`` -> USA, ``"Colombia's Defence Minister"`` -> COL; None if it names none."""
    mentions = find_countries(phrase, institutions=True)
    return mentions[0].iso3 if mentions else None
