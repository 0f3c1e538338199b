"""Units as published (lbs, metric tons, acres...) to the warehouse's units: kg, t, ha, count.

Conversion goes through Decimal with the legal definitions of the units (1 lb = 0.45359237 kg,
1 acre = 0.40468564224 ha), so the float stored is the nearest double to the exact product, not
the product of two rounded doubles.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal

from drugtrade.errors import DrugtradeError
from drugtrade.vocab.units import TABLE_UNIT_LABELS, UNIT_SIZES

# The measure decides the unit every value is stored in.
MEASURE_UNITS: dict[str, str] = {
    "seized_quantity": "kg",
    "seizure_events": "count",
    "cultivation": "ha",
    "eradication": "ha",
    "potential_production": "t",
}

_DIMENSIONS: dict[str, str] = {"kg": "mass", "t": "mass", "ha": "area", "count": "count"}

# Units and their sizes are the unit vocabulary (drugtrade.vocab.units), shared with the article side.
_UNITS = UNIT_SIZES
_SYNONYMS = TABLE_UNIT_LABELS


class UnknownUnit(DrugtradeError, ValueError):
    """A unit label that is not in the table, or one that cannot become the target unit."""


def canonical_unit(label: str) -> str:
    """``'Metric Tons'`` -> ``'t'``, ``'lbs'`` -> ``'lb'``. Raises UnknownUnit for anything else.

    Plain ``ton``/``tons`` are refused on purpose: they may be short (US) or long tons.
    """
    key = re.sub(r"\s+", " ", label.strip().strip(".").lower())
    if key not in _SYNONYMS:
        raise UnknownUnit(f"unknown unit {label!r}")
    return _SYNONYMS[key]


# Enough digits that no product of a published figure and a factor is ever rounded.
_EXACT = Context(prec=80)


def factor(unit: str, to: str) -> Decimal:
    """How many ``to`` are in one ``unit`` (any accepted label), exactly: factor('lbs', 'kg') = 0.45359237."""
    source = canonical_unit(unit)
    if to not in _DIMENSIONS:
        raise UnknownUnit(f"unknown target unit {to!r}")
    dimension, size = _UNITS[source]
    if dimension != _DIMENSIONS[to]:
        raise UnknownUnit(f"unit {unit!r} ({dimension}) cannot be converted to {to!r}")
    return _EXACT.divide(size, _UNITS[to][1])


def convert(value: Decimal | int | str, unit: str, to: str) -> Decimal:
    """Exact conversion of ``value`` in ``unit`` (any accepted label) to ``to`` (kg, t, ha, count)."""
    amount = value if isinstance(value, Decimal) else Decimal(value)
    return _EXACT.multiply(amount, factor(unit, to))


def measure_unit(measure: str) -> str:
    try:
        return MEASURE_UNITS[measure]
    except KeyError:
        raise ValueError(f"unknown measure {measure!r}") from None


def to_measure_unit(value: Decimal | int | str, unit: str, measure: str) -> tuple[float, str]:
    """Convert to the unit the measure is stored in; returns (float value, unit)."""
    target = measure_unit(measure)
    return float(convert(value, unit, target)), target


def scale(value: Decimal, by: Decimal) -> float:
    """``value * by`` computed exactly, then rounded once to the nearest float."""
    return float(_EXACT.multiply(value, by))
