"""Numeric facts about drug seizures, cultivation, eradication and production stated in text.

A fact is a quantity of mass or area (drugtrade.extract.quantities: "2.3 tons", "506kg",
"4-6 acres", "three ounces", "1.5 million hectares") that the text ties to a drug and to what
happened to it. Values are normalised to the measures of the warehouse:

  seizure                   kg  (tons are metric tonnes: see drugtrade.vocab.units)
  production                t   potential production, as UNODC publishes it
  cultivation, eradication  ha  (acres and square kilometres converted)

A range is stored as value (low end) and value_max (high end); every other fact has no value_max.

Kind: a mass is a seizure or a production figure by the nearest seizure or production word of
its sentence (for a seizure, also of the sentence before it in the paragraph: "intercepted a
parcel ... testing positive as 14 grams of fentanyl"); an area is an eradication where an
eradication word stands in its clause, else in its sentence, else cultivation where its sentence
has a cultivation word or names the crop. Not facts: targets, plans and promises ("plans to
eradicate"), prevented production ("neutralized the production of 153 tons"), rates ("per
hectare"), differences ("39,000 hectares less"), package sizes ("300 one-kilogram bricks"), a
restatement in another unit ("0.5-hectare (1.2-acre)"), and one figure for two drugs ("4 tons of
cocaine and marijuana").

Drug, in order: the head of the "of ..." phrase after the unit ("of illegal coca leaf crops";
"of methamphetamine precursors" are precursors; "crack", "coke", "weed" count there); the nearest
drug word of the clause, then of the sentence; then, for a mass, the drug named earlier in the
paragraph or, after "the drug", earlier in the article; for an area, the crop the article is
about (the crop named in most of its crop mentions). A generic word ("drugs", "narcotics")
where the drug would be leaves the drug unknown, and a figure with no known drug is not a fact:
a wrong drug in the warehouse is worse than a missing figure. Precursor chemicals are not drugs.

Country: the country named in the clause, else the sentence, else earlier in the paragraph, by
name, demonym or national institution (drugtrade.vocab.countries), never a destination or origin
("bound for Belgium"), a neighbour ("between Colombia and Peru") or a nationality ("a Colombian
trafficker"); where none is, the country of at least 60% of the article's country mentions, if
any. Year: only where the sentence states it, preferring the year printed right after the figure
("18,674 hectares in 2022"); relative years ("last year") against the publication date.

Every window is bounded (a sentence is cut to a few hundred characters around its figure), so
extraction stays linear in the length of the text however many numbers it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from drugtrade.extract.drugs import CROP_OF, find_drugs
from drugtrade.extract.fact_context import CROPS, PARAGRAPH_WINDOW, FactContext, clause_of
from drugtrade.extract.quantities import Quantity, find_quantities

# Figures that are not facts: aims, and production that did not happen.
_NOT_A_FACT_BEFORE = re.compile(
    r"\b(?:targets?|goals?|objectives?|aims?|quotas?|capacity)\s+(?:of|was|is|to)\s+(?:\w+\s+){0,2}$"
    r"|\b(?:neutrali[sz]\w*|prevent\w*|avert\w*|avoid\w*)\b(?:\s+[\w-]+){0,4}\s+$"
    # plans and promises: "plans to eradicate 25,000 hectares", "will destroy 3 tons"
    r"|\b(?:plans?|planned|aims?|seeks?|expects?|intends?|hopes?|wants?|vow(?:s|ed)?|pledg(?:e|es|ed)|"
    r"promis(?:e|es|ed)|will|would)\s+(?:to\s+)?(?:\w+\s+){1,2}$",
    re.IGNORECASE,
)
# Rates, differences and package sizes are not amounts: "5.6 tonnes per hectare", "39,000
# hectares less than", "300 one-kilogram bricks".
_NOT_A_FACT_AFTER = re.compile(
    r"\s*(?:per|/|a|an|each)\s+(?:hectare|acre|ha|plant|kilo|dose|gram)|\s+(?:less|fewer|more)\b"
    r"|\s*(?:packages|bricks|packets|bags|blocks|bales|bundles|parcels|containers|sacks)\b",
    re.IGNORECASE,
)
# A second drug joined to the first with no figure of its own ("of cocaine and marijuana").
_JOINED = re.compile(r"\s*(?:\b(?:and|or|plus)|&)\s+(?:(?:some|other|suspected)\s+)?", re.IGNORECASE)
_THE_DRUG = re.compile(r"\bthe drug\b(?!s)", re.IGNORECASE)
_NOT_DRUGS = frozenset({"precursors", "other drugs"})
_MASS_OF_CROP = {"coca bush": "coca leaf"}  # "10 tons of coca" is leaf, not the crop
_YEAR_AFTER = 30  # characters after a figure's phrase where its own year stands ("in 2022")
_YEAR = re.compile(r"\b(19[6-9]\d|20[0-9]\d)\b")
_RELATIVE_YEAR = {
    r"\blast year\b|\bthe previous year\b|\bthe year before\b|\ba year earlier\b|\ba year before\b": -1,
    r"\bthis year\b|\bso far this year\b|\bthe first (?:half|quarter) of the year\b|\bthe current year\b": 0,
}
_THIS_YEAR = next(pattern for pattern, delta in _RELATIVE_YEAR.items() if delta == 0)


@dataclass(frozen=True, kw_only=True)
class TextFact:
    kind: str  # seizure | cultivation | eradication | production
    value: float  # the low end of a range
    unit: str  # kg | ha | t
    drug: str | None
    country: str | None
    year: int | None
    text: str  # as printed, from the number to the drug word when that follows
    start: int
    end: int
    value_max: float | None = None  # the high end of a range ("4-6 acres"), else None

    def as_row(self) -> dict[str, object]:
        """The fact as a row of the lake's text_facts (and of ``drugtrade facts``), in that order."""
        return {
            "kind": self.kind,
            "value": self.value,
            "value_max": self.value_max,
            "unit": self.unit,
            "drug": self.drug,
            "country": self.country,
            "year": self.year,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


_CLAUSE_BREAK = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s+|(?<!\s)\s++(?:and that|[–—])\s+|:\s+")
_AWAY = re.compile(
    r"\b(?:for|to|towards?|from|via|through|into|between|bordering|neighbou?ring|near)\s+"
    r"(?:[A-Z][\w'’-]*\s+(?:and|or)\s+)?$"
)
# A demonym before a person or a gang is their nationality, not where the drugs were found
# ("the capture of a Colombian trafficker", "Mexican cartels").
_NATIONALITY_OF = re.compile(
    r"\s+(?:drug\s+)?(?:traffickers?|smugglers?|nationals?|citizens?|m[ae]n|wom[ae]n|suspects?|crew(?:men)?|"
    r"sailors?|pilots?|kingpins?|lords?|gangs?|cartels?|capos?|fugitives?|mafias?)\b"
)
# "of" + up to six words of a noun phrase ("of illegal coca leaf crops", "of class A narcotics")
_OF_PHRASE = re.compile(
    r"\s+of\s+(?:(?!(?:in|at|on|from|to|and|or|with|hidden|worth|during|since|over|for|by|bound|was|were|"
    r"is|are|that|which)\b)[\w'’-]+\s*){1,6}"
)


def _nearest(matches: list[tuple[int, str]], position: int) -> tuple[int, str] | None:
    return min(matches, key=lambda m: abs(m[0] - position), default=None)


def _kind(
    text: FactContext, quantity: Quantity, sentence: tuple[int, int], clause: tuple[int, int]
) -> str | None:
    if quantity.dimension == "area":
        for span in (clause, sentence):
            if text.cues["eradication"].any_within(*span):
                return "eradication"
        crop_named = any(CROP_OF.get(d.drug, d.drug) in CROPS for d in text.drugs_in(*sentence))
        # an area is a crop's area where the sentence says so or names the crop ("had 146,000
        # hectares of coca"); an area with neither ("nobody has seen 9,000 hectares cut") is not
        return "cultivation" if crop_named or text.cues["cultivation"].any_within(*sentence) else None
    cues = [
        (start, kind)
        for kind in ("seizure", "production")
        for start, _ in text.cues[kind].within(*sentence)
        if not (quantity.start <= start < quantity.end)
    ]
    best = _nearest(cues, quantity.start)
    if best is not None:
        return best[1]
    previous = text.previous_sentence(sentence[0])
    if previous and text.cues["seizure"].any_within(*previous):
        return "seizure"
    return None


def _drug(
    text: FactContext, quantity: Quantity, sentence: tuple[int, int], clause: tuple[int, int]
) -> tuple[str | None, int]:
    """The drug of a quantity (None when unknown or generic) and where its printed phrase ends."""
    body = text.body
    of_phrase = _OF_PHRASE.match(body, quantity.end, sentence[1])
    if of_phrase:
        # after "N unit of", "crack", "coke" and "weed" are the drugs, not the verb or the drink
        named = find_drugs(body, quantity.end, of_phrase.end(), ambiguous=True)
        generic = text.generic_in(quantity.end, of_phrase.end())
        # the head of the noun phrase is its last word: "of methamphetamine precursors" are precursors
        if named and not (generic and generic[-1][0] > named[-1].start):
            if _another_drug_joined(body, of_phrase.end()):
                return None, quantity.end  # "4 tons of cocaine and marijuana": one figure, two drugs
            return named[-1].drug, named[-1].end
        if generic:
            return None, quantity.end
    for span in (clause, sentence):
        words = [(d.start, d.drug) for d in text.drugs_in(*span)]
        words += [(g[0], "") for g in text.generic_in(*span)]
        nearest = _nearest(words, quantity.start)
        if nearest is not None:
            return nearest[1] or None, quantity.end
    if quantity.dimension == "area":
        return text.main_crop, quantity.end
    paragraph = text.paragraph_start(sentence[0])
    earlier = text.drugs_in(paragraph, sentence[0])
    if earlier and not text.generic_in(earlier[-1].end, sentence[0]):
        return earlier[-1].drug, quantity.end
    if _THE_DRUG.search(body, *sentence):
        before = text.drugs_in(max(0, sentence[0] - 3 * PARAGRAPH_WINDOW), sentence[0])
        if before:
            return before[-1].drug, quantity.end
    return None, quantity.end


def _another_drug_joined(body: str, position: int) -> bool:
    joined = _JOINED.match(body, position)
    if joined is None:
        return False
    following = find_drugs(body, joined.end(), joined.end() + 40, ambiguous=True)
    return bool(following) and following[0].start == joined.end()


def _fact_drug(drug: str | None, dimension: str) -> str | None:
    if drug is None or drug in _NOT_DRUGS:
        return None
    if dimension == "area":
        crop = CROP_OF.get(drug, drug)
        return crop if crop in CROPS else None
    return _MASS_OF_CROP.get(drug, drug)


def _country(text: FactContext, spans: list[tuple[int, int]], position: int) -> str | None:
    """The country of the first span that names one, not as a destination or origin ("bound for
    Brazil"): the first named before the figure (the subject: "The Colombian Navy, with the U.S.
    task force, seized"), else the nearest after it; else the country the article is mostly about."""
    body = text.body
    for start, end in spans:
        candidates = [
            c
            for c in text.countries_in(start, end)
            if not _AWAY.search(body, max(0, c.start - 40), c.start)
            and not (c.demonym and _NATIONALITY_OF.match(body, c.end))
        ]
        before = [c for c in candidates if c.start < position]
        if before:
            return before[0].iso3
        if candidates:
            return min(candidates, key=lambda c: c.start - position).iso3
    return text.main_country


def _year(
    body: str, sentence: tuple[int, int], start: int, end: int, following: int, published: date | None
) -> int | None:
    """The year a figure is for: a year or relative year right after its phrase ("... of coca in
    2022", "4.9 tons a year earlier"), else the nearest year of its sentence, else a relative year
    before it ("Last year, police seized ...") against the publication date."""
    after = re.split(r"[;!?]|\.(?!\d)", body[end : min(following, end + _YEAR_AFTER)], maxsplit=1)[0]
    explicit = [
        (abs(m.start() - start), int(m.group(1)))
        for m in _YEAR.finditer(body, *sentence)
        if not (start <= m.start() < end)
    ]
    stated = _YEAR.search(after)
    if stated:
        return int(stated.group(1))
    for pattern, delta in _RELATIVE_YEAR.items():
        if re.search(pattern, after, re.IGNORECASE):
            if (
                delta == -1
                and re.search(r"\ba year (?:earlier|before)\b|\bthe previous year\b", after)
                and explicit
            ):
                return min(explicit)[1] - 1  # "7.5 tons in 2024, up from 4.9 tons a year earlier"
            return published.year + delta if published else None
    if explicit:
        return min(explicit)[1]
    # "this year" further on ("..., the largest haul so far this year"); a year-before phrase that
    # far is a comparison ("18% more than the previous year"), not the figure's year
    if published and re.search(_THIS_YEAR, body[end:following], re.IGNORECASE):
        return published.year
    before = body[sentence[0] : start]
    for pattern, delta in _RELATIVE_YEAR.items():
        if re.search(pattern, before, re.IGNORECASE) and published:
            return published.year + delta
    return None


def extract_facts(body: str, published_date: date | None = None) -> list[TextFact]:
    quantities = find_quantities(body)
    if not quantities:
        return []
    text = FactContext(body)
    facts: list[TextFact] = []
    for index, quantity in enumerate(quantities):
        if quantity.restated or _NOT_A_FACT_AFTER.match(body, quantity.end):
            continue
        sentence = text.sentence(quantity.start)
        if _NOT_A_FACT_BEFORE.search(body, max(sentence[0], quantity.start - 80), quantity.start):
            continue
        clause = clause_of(text, sentence, quantity.start)
        kind = _kind(text, quantity, sentence, clause)
        if kind is None:
            continue
        raw_drug, phrase_end = _drug(text, quantity, sentence, clause)
        drug = _fact_drug(raw_drug, quantity.dimension)
        if drug is None or _NOT_A_FACT_AFTER.match(body, phrase_end):
            continue
        value, value_max, unit = quantity.in_base_unit()
        if kind == "production":
            value, value_max, unit = (
                round(value / 1000.0, 6),
                None if value_max is None else round(value_max / 1000.0, 6),
                "t",
            )
        paragraph = (text.paragraph_start(sentence[0]), quantity.start)
        country = _country(text, [clause, sentence, paragraph], quantity.start)
        following = quantities[index + 1].start if index + 1 < len(quantities) else sentence[1]
        year = _year(
            body, sentence, quantity.start, quantity.end, min(following, sentence[1]), published_date
        )
        facts.append(
            TextFact(
                kind=kind,
                value=value,
                value_max=value_max,
                unit=unit,
                drug=drug,
                country=country,
                year=year,
                text=body[quantity.start : phrase_end],
                start=quantity.start,
                end=phrase_end,
            )
        )
    return facts
