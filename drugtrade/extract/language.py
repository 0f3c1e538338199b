"""Language of a body text, by function-word counts.

No language-identification package is installed (trafilatura's optional py3langid is absent),
and the sources are news in the languages of the Americas, so counting the commonest function
words of English, Spanish, Portuguese and French (and German and Italian, so that pages
in those are not mistaken for one of ours) is enough to check or supply a page's declared language.
"""

from __future__ import annotations

import re
from collections import Counter

from drugtrade.extract.lexicon import word_list

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        word_list("the of and to in is that for it with was on as by at from this be are have has said")
    ),
    "es": frozenset(
        word_list("el la de que y en los las del se por un una para con no es al lo como más dijo")
    ),
    "pt": frozenset(
        word_list("o a de que e do da em os as um uma para com não no na dos das por mais disse")
    ),
    "fr": frozenset(word_list("le la les de des et en un une du est que qui pour dans pas sur au avec il a")),
    # German and Italian pages are not sources, but without their function words they read as
    # Portuguese or Spanish (da, die, e, a) and would be mislabelled rather than left alone.
    "de": frozenset(
        word_list(
            "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an"
        )
    ),
    "it": frozenset(word_list("il di che e la per un una non sono del della con le si gli nel è da al ha")),
}
_WORD = re.compile(r"[a-zà-ÿ]+")


def detect_language(text: str, min_words: int = 20) -> tuple[str | None, float]:
    """(ISO 639-1 code or None, share of the counted function words that belong to it)."""
    words = _WORD.findall(text[:8_000].lower())
    if len(words) < min_words:
        return None, 0.0
    scores = Counter({lang: sum(1 for w in words if w in vocab) for lang, vocab in _STOPWORDS.items()})
    (best, hits), *rest = scores.most_common()
    total = sum(scores.values())
    if hits == 0 or total == 0:
        return None, 0.0
    return best, hits / total


def primary_subtag(tag: str | None) -> str | None:
    """'en-US' / 'en_US' -> 'en'."""
    if not tag:
        return None
    code = re.split(r"[-_]", tag.strip())[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None
