"""The unit vocabulary: mass and area units as statistical tables and news prose print them.

Sizes are the legal definitions (1 lb = 0.45359237 kg, 1 oz = 1/16 lb, 1 acre = 0.40468564224 ha)
as exact Decimals. Tables and prose differ in one place, on purpose:

- a statistics table's plain ``ton``/``tons`` is refused (``TABLE_UNIT_LABELS`` lacks it): a
  publisher of US figures may mean short tons, and the row is quarantined rather than guessed;
- in news about drugs in the Americas "tons" are metric tonnes (``PROSE_UNIT_LABELS``): the
  figures come from Latin American governments, navies and the UN, which count in metric
  tonnes; a US short ton (907.18 kg) would overstate them by 10%.
"""

from __future__ import annotations

from decimal import Decimal

# canonical unit -> (dimension, size in the dimension's base unit: kg for mass, ha for area).
UNIT_SIZES: dict[str, tuple[str, Decimal]] = {
    "kg": ("mass", Decimal(1)),
    "g": ("mass", Decimal("0.001")),
    "lb": ("mass", Decimal("0.45359237")),
    "oz": ("mass", Decimal("0.028349523125")),
    "t": ("mass", Decimal(1000)),
    "ha": ("area", Decimal(1)),
    "acre": ("area", Decimal("0.40468564224")),
    "km2": ("area", Decimal(100)),
    "count": ("count", Decimal(1)),
}

# Labels of statistical tables (lower case, one space) -> canonical unit.
TABLE_UNIT_LABELS: dict[str, str] = {
    "kg": "kg",
    "kgs": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "kilo": "kg",
    "kilos": "kg",
    "kg equivalent": "kg",
    "g": "g",
    "gr": "g",
    "gram": "g",
    "grams": "g",
    "lb": "lb",
    "lbs": "lb",
    "pound": "lb",
    "pounds": "lb",
    "t": "t",
    "tonne": "t",
    "tonnes": "t",
    "metric ton": "t",
    "metric tons": "t",
    "metric tonne": "t",
    "metric tonnes": "t",
    "mt": "t",
    "ha": "ha",
    "hectare": "ha",
    "hectares": "ha",
    "acre": "acre",
    "acres": "acre",
    "ac": "acre",
    "count": "count",
    "events": "count",
    "number": "count",
}

# Unit words of prose (lower case, one space; plural and British spellings) -> canonical unit.
PROSE_UNIT_LABELS: dict[str, str] = {
    # the tables' mass and area labels, except abbreviations that are words in prose ("ac", "mt",
    # "gr") and table phrasing ("kg equivalent")
    **{
        label: unit
        for label, unit in TABLE_UNIT_LABELS.items()
        if unit != "count" and label not in {"ac", "mt", "gr", "kg equivalent"}
    },
    "kilogramme": "kg",
    "kilogrammes": "kg",
    "gramme": "g",
    "grammes": "g",
    "ounce": "oz",
    "ounces": "oz",
    "oz": "oz",
    "ton": "t",
    "tons": "t",
    "square kilometre": "km2",
    "square kilometres": "km2",
    "square kilometer": "km2",
    "square kilometers": "km2",
    "km2": "km2",
    "km²": "km2",
}
# Prose units so short that only their context makes them units ("5 t of cocaine", "(18.9 t)").
SHORT_PROSE_UNITS = frozenset({"t", "g"})


def unit_dimension(unit: str) -> str:
    """``'lb'`` -> ``'mass'``; ``'acre'`` -> ``'area'`` (canonical units only)."""
    return UNIT_SIZES[unit][0]


def base_size(unit: str) -> Decimal:
    """Size of one canonical ``unit`` in kg (mass) or ha (area), exactly."""
    return UNIT_SIZES[unit][1]
