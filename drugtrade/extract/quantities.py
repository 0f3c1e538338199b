"""Quantities of mass or area printed in prose: a number, or a range, followed by a unit.

The grammar, general to English news rather than to any set of articles:

  amount   digits with thousands commas and decimals ("16,391.53", "0.5", ".5"), an attached
           magnitude ("60k") or a following one ("1.5 million", "39 thousand"), or a number word
           ("three", "twenty-five", "a dozen"); "a"/"an" before a unit counts as one ("a ton of")
           and "half a" as one half ("half a tonne of")
  range    amount "-"/"–"/"to" amount, or "between" amount "and" amount: value is the low end,
           value_max the high end (the gold convention of the shared real set: "4-6 acres" is
           value 4 acres, value_max 6 acres); "from X to Y unit" is a change, not a range, and
           gives two quantities
  unit     drugtrade.vocab.units.PROSE_UNIT_LABELS, singular or plural, attached ("506kg"),
           hyphenated ("0.5-hectare"); the one-letter units "t" and "g" only where context makes
           them units ("5 t of", "(18.9 t)")

A quantity that restates the one just before it in another unit ("0.5-hectare (1.2-acre)",
"506kgs/1,115.54 pounds") is marked ``restated``. The scan is one pass of one regular expression
with no nested repetition and possessive whitespace, so its time is linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from drugtrade.vocab.units import PROSE_UNIT_LABELS, SHORT_PROSE_UNITS, base_size, unit_dimension

_UNITS_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS_WORDS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_OTHER_WORDS: dict[str, int] = {"dozen": 12, "a dozen": 12, "hundred": 100, "a hundred": 100}
_SCALES: dict[str, int] = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "k": 10**3,
    "m": 10**6,
    "bn": 10**9,
}

_WORD = "|".join(sorted([*_UNITS_WORDS, *_TENS_WORDS, *_OTHER_WORDS], key=len, reverse=True))
_TENS = "|".join(_TENS_WORDS)
_ONES = "|".join(w for w in _UNITS_WORDS if _UNITS_WORDS[w] < 10)
# At most 12 digits before the point and 6 after: no drug figure is larger, and a longer run of
# digits is a code or garbage, not a quantity ("999...9 kg" must not become infinity).
_DIGITS = r"\d{1,3}(?:,\d{3}){1,4}(?:\.\d{1,6})?(?![\d,])|\d{1,12}(?:\.\d{1,6})?(?![\d,.]\d)|\.\d{1,6}"
# One amount: digits or number words, then an optional magnitude.
_AMOUNT = (
    rf"(?:(?:{_DIGITS})(?:(?:k|m|bn)(?![a-z]))?|(?:{_TENS})[- ](?:{_ONES})\b|(?:{_WORD})\b)"
    r"(?:\s+(?:thousand|million|billion)\b)?"
)
_UNIT = "|".join(
    re.escape(u).replace(r"\ ", r"\s+") for u in sorted(PROSE_UNIT_LABELS, key=len, reverse=True)
)
_STARTS = "".join(
    sorted(
        {w[0] + w[0].upper() for w in [*_UNITS_WORDS, *_TENS_WORDS, *_OTHER_WORDS, "between", "half", "a"]}
    )
)
_QUANTITY = re.compile(
    # the first characters a quantity can start with, checked before the alternatives
    rf"(?<![\w.,$£€])(?=[\d.{_STARTS}])(?:"
    rf"(?P<between>between)\s+(?P<b_low>{_AMOUNT})\s+and\s+(?P<b_high>{_AMOUNT})"
    rf"|(?P<half>half)\s+an?"
    rf"|(?P<one>an?)(?=\s+(?:{_UNIT})\s+of\b)"
    rf"|(?P<low>{_AMOUNT})(?:\s*+(?P<sep>-|–|—|to)\s*+(?P<high>{_AMOUNT}))?"
    # possessive: two adjacent \s* around an optional "-" would split a long run of spaces every
    # possible way (quadratic time) before failing
    rf")\s*+-?\s*+(?P<unit>{_UNIT})(?![\w²])",
    re.IGNORECASE,
)
_RESTATES = re.compile(r"\s*(?:/|\(|\bor\b|,\s*or\b)\s*")
_FROM = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True, kw_only=True)
class Quantity:
    value: Decimal  # in ``unit``; the low end of a range
    value_max: Decimal | None  # the high end of a range, else None
    unit: str  # canonical unit of drugtrade.vocab.units
    dimension: str  # mass | area
    start: int
    end: int
    restated: bool  # repeats the quantity just before it in another unit

    def in_base_unit(self) -> tuple[float, float | None, str]:
        """(value, value_max, unit) in kg for a mass and ha for an area, rounded to 6 decimals."""
        size = base_size(self.unit)
        high = None if self.value_max is None else round(float(self.value_max * size), 6)
        return round(float(self.value * size), 6), high, "kg" if self.dimension == "mass" else "ha"


def parse_amount(text: str) -> Decimal:
    """``'1,137'`` -> 1137, ``'60k'`` -> 60000, ``'1.5 million'`` -> 1500000, ``'twenty-five'`` -> 25."""
    words = re.sub(r"\s+", " ", text.strip().lower())
    scale = 1
    for name, size in _SCALES.items():
        if name in {"k", "m", "bn"}:
            if re.fullmatch(rf"[\d.,]+{name}", words):
                words, scale = words[: -len(name)], size
                break
        elif words.endswith(" " + name):
            words, scale = words[: -len(name) - 1], size
            break
    if re.fullmatch(r"[\d.,]+", words):
        return Decimal(words.replace(",", "")) * scale
    if words in _UNITS_WORDS or words in _TENS_WORDS or words in _OTHER_WORDS:
        return Decimal({**_UNITS_WORDS, **_TENS_WORDS, **_OTHER_WORDS}[words]) * scale
    tens, _, ones = words.replace("-", " ").partition(" ")
    return Decimal(_TENS_WORDS[tens] + _UNITS_WORDS[ones]) * scale


def _unit_of(label: str) -> str:
    return PROSE_UNIT_LABELS[re.sub(r"\s+", " ", label.lower())]


def _short_unit_in_context(text: str, match: re.Match[str]) -> bool:
    after = text[match.end() : match.end() + 5]
    return bool(re.match(r"\s+of\b|\s*\)", after))


def find_quantities(text: str) -> list[Quantity]:
    """Every mass or area quantity in ``text``, in order, with offsets into it."""
    found: list[Quantity] = []
    for match in _QUANTITY.finditer(text):
        unit = _unit_of(match.group("unit"))
        if match.group("unit").lower() in SHORT_PROSE_UNITS and not _short_unit_in_context(text, match):
            continue
        dimension = unit_dimension(unit)
        if match.group("between"):
            low, high = parse_amount(match.group("b_low")), parse_amount(match.group("b_high"))
        elif match.group("half"):
            low, high = Decimal("0.5"), None
        elif match.group("one"):
            low, high = Decimal(1), None
        else:
            low = parse_amount(match.group("low"))
            high = parse_amount(match.group("high")) if match.group("high") else None
        start = match.start()
        if high is not None and _YEAR_LIKE.fullmatch(match.group("low") or ""):
            start, low, high = match.start("high"), high, None  # "in 2020 to 18,674 hectares"
        elif high is not None and match.group("sep") == "to" and _FROM.search(text, max(0, start - 6), start):
            # "rose from 10 to 20 tonnes": a change between two quantities, each in this unit
            found.append(_quantity(low, None, unit, dimension, start, match.end("low"), restated=False))
            start, low, high = match.start("high"), high, None
        elif high is not None and high < low:
            start, low, high = match.start("high"), high, None  # "20-25" yes, "2020-5 tons" no
        previous = found[-1] if found else None
        restated = bool(
            previous
            and previous.dimension == dimension
            and previous.unit != unit
            and _RESTATES.fullmatch(text, previous.end, start)
        )
        found.append(_quantity(low, high, unit, dimension, start, match.end(), restated=restated))
    return found


def _quantity(
    value: Decimal,
    value_max: Decimal | None,
    unit: str,
    dimension: str,
    start: int,
    end: int,
    *,
    restated: bool,
) -> Quantity:
    return Quantity(
        value=value,
        value_max=value_max,
        unit=unit,
        dimension=dimension,
        start=start,
        end=end,
        restated=restated,
    )
