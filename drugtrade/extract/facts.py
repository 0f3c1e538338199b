"""Numeric facts about drug seizures, cultivation, eradication and production stated in text.

A fact is a number with a unit of mass or area ("2.3 tons", "146,000 hectares", "1.5 million
hectares", "5 metric tonnes", "2,400 lbs", "640 kilos") in a sentence that says what happened
to it (a seizure, cultivation, eradication or production verb or noun). Units are normalised to
the measures of the warehouse (drugtrade.schemas.OBSERVATIONS):

  seizure              kg   tons/tonnes/metric tons are metric tonnes (1,000 kg): the sources are
                            Latin American governments and the UN, which report metric tonnes;
                            a US short ton (907.18 kg) would be overstated by 10%.
  production           t    potential production, as UNODC publishes it
  cultivation, eradication  ha   acres and square kilometres are converted

The drug is the drug named in the "of ..." phrase after the unit, else the nearest drug in the
sentence; for areas it is the crop (coca -> coca bush, opium -> opium poppy). Country and year
are taken only where the sentence states them ("in 2024", "last year" against the publication
date); nothing is carried over from other sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from drugtrade.extract.drugs import CROP_OF, find_drugs
from drugtrade.vocab.countries import find_countries

_SCALE = {"thousand": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
_MASS_KG = {
    "metric ton": 1000.0,
    "metric tonne": 1000.0,
    "tonne": 1000.0,
    "ton": 1000.0,
    "t": 1000.0,
    "kilogram": 1.0,
    "kilo": 1.0,
    "kg": 1.0,
    "pound": 0.45359237,
    "lb": 0.45359237,
    "gram": 0.001,
    "g": 0.001,
}
_AREA_HA = {
    "hectare": 1.0,
    "ha": 1.0,
    "acre": 0.40468564224,
    "square kilometre": 100.0,
    "square kilometer": 100.0,
    "km2": 100.0,
    "km²": 100.0,
}
_QUANTITY = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>thousand|million|billion|bn|m)\b)?\s*-?\s*"
    r"(?P<unit>metric\s+tonnes|metric\s+tonne|metric\s+tons|metric\s+ton|tonnes|tonne|tons|ton|t|kilograms|kilogram|"
    r"kilos|kilo|kgs|kg|pounds|pound|lbs|lb|grams|gram|g|hectares|hectare|ha|acres|acre|"
    r"square\s+kilomet(?:re|er)s?|km2|km²)(?![\w])\.?",
    re.IGNORECASE,
)
_CUES = {
    "eradication": r"eradicat\w*|destroy\w*|uproot\w*|fumigat\w*|sprayed|cleared|pulled up",
    "seizure": r"seiz\w*|confiscat\w*|intercept\w*|captur\w*|impound\w*|found|discover\w*|haul|bust|recover\w*|"
    r"netted|caught|stopped",
    "production": r"produc\w*|output|manufactur\w*|yield\w*",
    "cultivation": r"cultivat\w*|planted|grown|growing|crops?|plantations?|under coca|covered|acreage",
}
_CUE_PATTERNS = {kind: re.compile(rf"\b(?:{p})\b", re.IGNORECASE) for kind, p in _CUES.items()}
_YEAR = re.compile(r"\b(19[6-9]\d|20[0-9]\d)\b")
_RELATIVE_YEAR = {
    r"\blast year\b|\bthe previous year\b|\bthe year before\b|\ba year earlier\b|\ba year before\b": -1,
    r"\bthis year\b|\bso far this year\b|\bthe first (?:half|quarter) of the year\b|\bthe current year\b": 0,
}
_CROPS = {"coca bush", "opium poppy", "marijuana"}


@dataclass(frozen=True)
class TextFact:
    kind: str  # seizure | cultivation | eradication | production
    value: float
    unit: str  # kg | ha | t
    drug: str | None
    country: str | None
    year: int | None
    text: str
    start: int
    end: int


_BOUNDARY = re.compile(r"[.!?][\"”’]?\s+(?=[\"“]?[A-Z])")


def _sentence_bounds(body: str, position: int) -> tuple[int, int]:
    """The sentence around ``position``, within its paragraph."""
    start = body.rfind("\n", 0, position) + 1
    for boundary in _BOUNDARY.finditer(body, start, position):
        start = boundary.end()
    line_end = body.find("\n", position)
    line_end = len(body) if line_end < 0 else line_end
    boundary = _BOUNDARY.search(body, position, line_end)
    return start, boundary.end() if boundary else line_end


# "of" + up to five words of a noun phrase ("of cocaine base paste", "of methamphetamine precursors")
_OF_PHRASE = re.compile(
    r"\s+of\s+(?:(?!(?:in|at|on|from|to|and|or|with|hidden|worth|during|since|over|for|by|bound|a|the)\b)"
    r"[\w'’-]+\s*){1,5}"
)
_CLAUSE_BREAK = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s+|\s+and that\s+|,\s+while\s+")
_AWAY = re.compile(r"\b(?:for|to|towards?|from|via|through|into)\s+(?:[A-Z][\w'’-]*\s+(?:and|or)\s+)?$")


def _clause_bounds(body: str, sentence: tuple[int, int], position: int) -> tuple[int, int]:
    start, end = sentence
    for brk in _CLAUSE_BREAK.finditer(body, *sentence):
        if brk.end() <= position:
            start = brk.end()
        elif brk.start() >= position:
            end = brk.start()
            break
    return start, end


def _country(body: str, clause: tuple[int, int], position: int) -> str | None:
    """The country the clause places the fact in: not a destination or origin ("destined for Brazil")."""
    candidates = [
        c
        for c in find_countries(body[clause[0] : clause[1]])
        if not _AWAY.search(body[max(0, clause[0] + c.start - 40) : clause[0] + c.start])
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda c: abs(clause[0] + c.start - position)).iso3


def _unit_key(unit: str) -> str:
    unit = re.sub(r"\s+", " ", unit.lower().rstrip("."))
    for key in sorted({**_MASS_KG, **_AREA_HA}, key=len, reverse=True):
        if unit == key or unit == key + "s" or unit == key + "es":
            return key
    return unit


def _kind(sentence: str, offset: int, is_area: bool) -> str | None:
    allowed = ("cultivation", "eradication") if is_area else ("seizure", "production")
    best: tuple[int, str] | None = None
    for kind in allowed:
        for match in _CUE_PATTERNS[kind].finditer(sentence):
            distance = abs(match.start() - offset)
            if best is None or distance < best[0]:
                best = (distance, kind)
    if best is not None:
        return best[1]
    return None


def _year(
    body: str, sentence: tuple[int, int], start: int, end: int, following: int, published: date | None
) -> int | None:
    after = body[end:following]
    explicit = [
        (abs(m.start() - start), int(m.group(1)))
        for m in _YEAR.finditer(body, *sentence)
        if not (start <= m.start() < end)
    ]
    for pattern, delta in _RELATIVE_YEAR.items():
        if re.search(pattern, after, re.IGNORECASE):
            if (
                delta == -1
                and re.search(r"\ba year (?:earlier|before)\b|\bthe previous year\b", after)
                and explicit
            ):
                return min(explicit)[1] - 1
            return published.year + delta if published else None
    if explicit:
        return min(explicit)[1]
    before = body[sentence[0] : start]
    for pattern, delta in _RELATIVE_YEAR.items():
        if re.search(pattern, before, re.IGNORECASE) and published:
            return published.year + delta
    return None


def extract_facts(body: str, published_date: date | None = None) -> list[TextFact]:
    facts: list[TextFact] = []
    quantities = list(_QUANTITY.finditer(body))
    for index, match in enumerate(quantities):
        unit = _unit_key(match.group("unit"))
        if unit in {"t", "g", "m"} and not re.search(r"\s+of\b", body[match.end() : match.end() + 4]):
            continue  # bare "t"/"g" only as in "5 t of cocaine"
        value = float(match.group("num").replace(",", "")) * _SCALE.get(
            (match.group("scale") or "").lower(), 1.0
        )
        is_area = unit in _AREA_HA
        sentence = _sentence_bounds(body, match.start())
        kind = _kind(body[sentence[0] : sentence[1]], match.start() - sentence[0], is_area)
        if kind is None:
            continue
        # the drug: the "of ..." phrase after the unit, else the nearest drug in the sentence
        of_phrase = _OF_PHRASE.match(body, match.end(), sentence[1])
        drug_text_end = match.end()
        drugs = []
        if of_phrase:
            drugs = find_drugs(body, match.end(), of_phrase.end())
        if drugs:
            drug = drugs[-1].drug
            drug_text_end = drugs[-1].end
        else:
            nearby = find_drugs(body, *sentence)
            drug = min(nearby, key=lambda d: abs(d.start - match.start())).drug if nearby else None
        if is_area and drug is not None:
            drug = CROP_OF.get(drug, drug)
            if drug not in _CROPS:
                drug = None
        if is_area:
            out_value, out_unit = value * _AREA_HA[unit], "ha"
        elif kind == "production":
            out_value, out_unit = value * _MASS_KG[unit] / 1000.0, "t"
        else:
            out_value, out_unit = value * _MASS_KG[unit], "kg"
        country = _country(body, _clause_bounds(body, sentence, match.start()), match.start())
        following = quantities[index + 1].start() if index + 1 < len(quantities) else sentence[1]
        year = _year(body, sentence, match.start(), match.end(), min(following, sentence[1]), published_date)
        facts.append(
            TextFact(
                kind,
                round(out_value, 6),
                out_unit,
                drug,
                country,
                year,
                body[match.start() : drug_text_end],
                match.start(),
                drug_text_end,
            )
        )
    return facts
