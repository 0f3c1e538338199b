"""How every vocabulary (drugs, countries) folds a label before looking it up."""

from __future__ import annotations

import re
import unicodedata


def label_key(label: str) -> str:
    """``'  Marijuana  (herb)'`` -> ``'marijuana (herb)'``: lower case, one space between words."""
    return re.sub(r"\s+", " ", label.strip().lower())


def folded_key(label: str) -> str:
    """``label_key`` without accents, with straight apostrophes and no leading "the":
    ``"The Côte d’Ivoire"`` -> ``"cote d'ivoire"``."""
    decomposed = unicodedata.normalize("NFKD", label)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[’`]", "'", plain).casefold()
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain.removeprefix("the ").strip()
