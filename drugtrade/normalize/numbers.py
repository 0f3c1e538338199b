"""Number cells as publishers write them: ``146000``, ``1,794.82``, ``23 100``, ``..``, ``NULL``."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

# Markers publishers use for "no figure". They are not observations (a figure that does not
# exist), and not parse failures either: callers quarantine them with a "missing value" reason.
MISSING_MARKERS = frozenset(
    {"", "..", ". .", "...", "…", "-", "–", "—", "n.a.", "n/a", "na", "null", "none", "nan"}
)

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:([,\u00a0\u202f ])\d{3})(?:\1\d{3})*(?:\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


class NotANumber(ValueError):
    """A cell that is neither a number nor a missing-value marker."""


@dataclass(frozen=True)
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
        # The common case first: a plain number, as in every CBP and UNODC figure cell.
        if _PLAIN.match(text):
            return Decimal(text)
        return _parse_text(cell, text)
    if cell is None:
        return Missing("")
    if isinstance(cell, bool):
        raise NotANumber(f"non-numeric value {cell!r}")
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise NotANumber(f"non-numeric value {cell!r}")
        return Decimal(repr(cell))
    if isinstance(cell, Decimal):
        return cell
    raise NotANumber(f"non-numeric value {cell!r}")


def non_negative_quantity(cell: str, column: str) -> Decimal | str:
    """A figure cell as a non-negative Decimal, or the reason the row cannot be loaded
    (not a number, a missing-value marker, a negative quantity), naming the column."""
    try:
        value = parse_number(cell)
    except NotANumber:
        return f"non-numeric value {cell!r} in {column!r}"
    if isinstance(value, Missing):
        return f"{value.describe()} in {column!r}"
    if value < 0:
        return f"negative value {cell!r} in {column!r}"
    return value


def _parse_text(cell: str, text: str) -> Decimal | Missing:
    if text.lower() in MISSING_MARKERS:
        return Missing(text)
    if _THOUSANDS.match(text):
        return Decimal(re.sub(r"[,\u00a0\u202f ]", "", text))
    raise NotANumber(f"non-numeric value {cell!r}")
