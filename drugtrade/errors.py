"""The root of every error drugtrade raises on purpose.

Each module keeps its own precise error class (its messages name the source, the record and the
reason); all of them derive from ``DrugtradeError`` as well as from the built-in class they
always were (``ValueError`` for bad input, ``RuntimeError`` for a failed step), so a caller can
catch "a drugtrade error" in one clause while existing ``except ValueError`` code keeps working."""

from __future__ import annotations


class DrugtradeError(Exception):
    """Any error drugtrade raises on purpose."""
