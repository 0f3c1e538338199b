"""Number cells as publishers write them: ``146000``, ``1,794.82``, ``23 100``, ``..``, ``NULL``."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from drugtrade.errors import DrugtradeError

# Markers publishers use for "no figure". They are not observations (a figure that does not
# exist), and not parse failures either: callers quarantine them with a "missing value" reason.
MISSING_MARKERS = frozenset(
    {"", "..", ". .", "...", "…", "-", "–", "—", "n.a.", "n/a", "na", "null", "none", "nan"}
)

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:([,\u00a0\u202f ])\d{3})(?:\1\d{3})*(?:\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


# Bounds on a published figure. No figure of these files (kilograms, hectares, event counts)
# comes near 10^15, and a longer or larger cell is a damaged or hostile file: refusing it here
# keeps "1e999999999" or a 5000-digit cell from overflowing Decimal arithmetic or float().
MAX_NUMBER_CHARS = 64
MAX_MAGNITUDE = 15  # |value| < 10^15
MIN_MAGNITUDE = -30  # non-zero |value| >= 10^-30


class NotANumber(DrugtradeError, ValueError):
    """A cell that is neither a number nor a missing-value marker."""


@dataclass(frozen=True, kw_only=True)
class Missing:
    marker: str  # the marker as published ('..', 'NULL', '' for a blank cell)

    def describe(self) -> str:
        return f"missing value ({self.marker!r})" if self.marker else "missing value (blank cell)"


def parse_number(cell: object) -> Decimal | Missing:
    """A cell (str, int, float or None) as an exact Decimal, or Missing for a missing marker.

    Floats go through ``repr`` so that 0.1 stays 0.1 rather than its binary expansion. Raises
    NotANumber for text that is not a number (booleans included: a True in a figure column is an
    error in the sheet, not 1).
    """
    if isinstance(cell, str):
        text = cell.strip()
        if len(text) > MAX_NUMBER_CHARS:
            raise NotANumber(f"non-numeric value: a cell of {len(text)} characters ({text[:20]!r}...)")
        # The common case first: a plain number, as in every CBP and UNODC figure cell.
        if _PLAIN.match(text):
            return _in_range(Decimal(text), cell)
        return _parse_text(cell, text)
    if cell is None:
        return Missing(marker="")
    if isinstance(cell, bool):
        raise NotANumber(f"non-numeric value {cell!r}")
    if isinstance(cell, int):
        if abs(cell) >= 10**MAX_MAGNITUDE:  # before str(): a huge int cannot even be printed
            raise NotANumber(f"out of range: a number of {cell.bit_length()} bits")
        return Decimal(cell)
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise NotANumber(f"non-numeric value {cell!r}")
        return _in_range(Decimal(repr(cell)), cell)
    if isinstance(cell, Decimal):
        if not cell.is_finite():
            raise NotANumber(f"non-numeric value {cell!r}")
        return _in_range(cell, cell)
    raise NotANumber(f"non-numeric value {cell!r}")


def _in_range(value: Decimal, cell: object) -> Decimal:
    if value and not MIN_MAGNITUDE <= value.adjusted() < MAX_MAGNITUDE:
        raise NotANumber(
            f"out of range: {cell!r} (figures are between 1e{MIN_MAGNITUDE} and 1e{MAX_MAGNITUDE})"
        )
    return value


def non_negative_quantity(cell: str, column: str) -> Decimal | str:
    """A figure cell as a non-negative Decimal, or the reason the row cannot be loaded
    (not a number, a missing-value marker, a negative quantity), naming the column."""
    try:
        value = parse_number(cell)
    except NotANumber as error:
        return f"{error} in {column!r}"
    if isinstance(value, Missing):
        return f"{value.describe()} in {column!r}"
    if value < 0:
        return f"negative value {cell!r} in {column!r}"
    return value


def _parse_text(cell: str, text: str) -> Decimal | Missing:
    if text.lower() in MISSING_MARKERS:
        return Missing(marker=text)
    if _THOUSANDS.match(text):
        return _in_range(Decimal(re.sub(r"[,\u00a0\u202f ]", "", text)), cell)
    raise NotANumber(f"non-numeric value {cell!r}")
