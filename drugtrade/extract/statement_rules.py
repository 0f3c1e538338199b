"""The rules of quotation attribution as data: the speech-verb alternations built from the
lexicon, and the patterns the passes (statement_passes.py) and speaker look-ups
(statement_speakers.py) match against the text around a quote."""

from __future__ import annotations

import re

from drugtrade.extract.lexicon import (
    DOCUMENT_NOUNS,
    OPINION_VERBS,
    ORG_NOUNS,
    ROLE_NOUNS,
    SPEECH_PARTICIPLES,
    SPEECH_VERBS_BASE,
    SPEECH_VERBS_FINITE,
)


def alternation(words: frozenset[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


FINITE = alternation(SPEECH_VERBS_FINITE)


PARTICIPLE = alternation(SPEECH_PARTICIPLES)


ANY_VERB = alternation(SPEECH_VERBS_FINITE | SPEECH_VERBS_BASE | SPEECH_PARTICIPLES)


ADVERBS = (
    r"(?:(?:also|later|then|again|once again|further|repeatedly|explicitly|publicly|previously|recently|"
    r"simply|only|has|had|have|would|will|did|does|do|went on to|proceeded to|was quick to|"
    r"once|still|even|never|not|firmly|flatly|quickly)\s+)*"
)


GENERIC_PLURALS = re.compile(
    r"\b(?:critics|residents|officials|police|prosecutors|investigators|analysts|experts|farmers|growers|"
    r"authorities|witnesses|locals|villagers|activists|sources|observers|diplomats|people|others|some|many)\s*$",
    re.IGNORECASE,
)


DOC_OR_ORG = re.compile(
    r"\b(?:the|its|their|a|an|this|that)\s+(?:[\w'’-]+\s+){0,3}?(?P<noun>"
    + alternation(DOCUMENT_NOUNS | ORG_NOUNS)
    + r")\s*$",
    re.IGNORECASE,
)


UNNAMED_END = re.compile(
    r"\b(?:a|an|one|another|the)\s+(?:[\w'’-]+\s+){0,3}?(?:" + alternation(ROLE_NOUNS) + r")"
    r"(?:\s+who\s+[^,.;\"“”]{1,60})?\s*$",
    re.IGNORECASE,
)


UNNAMED_FOR = re.compile(
    r"\b(?:a|an|one|another)\s+(?:[\w'’-]+\s+){0,3}?(?:"
    + alternation(ROLE_NOUNS)
    + r")\s+(?:for|of|at|from|with|in)\s+"
    r"[^\"“”]{1,120}$",
    re.IGNORECASE,
)


PRONOUN_END = re.compile(r"\b(he|she|He|She)\s*$")


ORG_LOOKBACK = 3000  # characters searched back for the organisation behind "the report", "the ministry"


WINDOW = 400  # characters before and after a quote where its attribution is looked for


HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "madam", "miss"})


PUBLISHER_BEFORE = re.compile(
    r"(?P<org>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4})\s+(?:[a-z-]+\s+)?(?:"
    + alternation(DOCUMENT_NOUNS)
    + r")\s*$"
)


POST_NOUNS = frozenset({"tweet", "post", "message"})


# an embedded post's signature line: "— COMANDO CONJUNTO (@CCFFAA_PERU) October 9, 2023"
POST_SIGNATURE = re.compile(r"[—–-]\s*(?P<account>[^\s()@—–-][^()\n@—–]{1,60}?)\s*\(@\w{1,30}\)")


ORG_SPEAKING = re.compile(
    r"(?P<org>(?:[Tt]he\s+)?[A-Z][\w'’.-]*(?:\s+(?:of|the|for|and|[A-Z][\w'’.-]*)){0,6})\s+"
    r"(?:is\s+|was\s+|has\s+|have\s+|had\s+)?(?:" + ANY_VERB + r")\b"
)


# "A release issued this evening", "the statement released on Monday": a document as subject
DOC_HEADED = re.compile(
    r"^\s*(?:but,?\s+|and\s+)?(?:the|a|an|its|their|this|that)\s+(?:[\w'’-]+\s+){0,2}?(?P<noun>"
    + alternation(DOCUMENT_NOUNS)
    + r")(?:\s+(?:issued|released|published|sent|posted|signed|seen|shared)\b[^\"“”]{0,60})?\s*$",
    re.IGNORECASE,
)


PREPOSITION_BEFORE = re.compile(r"\b(?:for|of|to|with|by|from|about|against|on|under)\s+(?:the\s+)?$", re.I)


ORG_ACRONYM_END = re.compile(
    r"\b(?:[A-Z][\w'’-]*\s+)(?:(?:of|the|for|and|on|[A-Z][\w'’-]*)\s+)*\((?P<acronym>[A-Z][A-Za-z-]{1,11})\)$"
)


POST_VERB_FIRST = re.compile(rf"^\s*[,—–-]?\s*(?:{ADVERBS})(?P<verb>{FINITE})\s+(?P<rest>.*)$", re.DOTALL)


POST_SPEAKER_FIRST = re.compile(
    rf"^\s*[,—–-]?\s*(?P<subj>[^\"“”.;:!?]{{1,200}}?)\s+{ADVERBS}(?P<verb>{FINITE})\b", re.DOTALL
)


SUBORDINATE = re.compile(
    r"\s*(?:while|whereas|and|but|as|although|though|when|after|before|because|since|if|whom|which)\b",
    re.IGNORECASE,
)


PULL_ATTRIBUTION = re.compile(r"^\s*[-–—―]\s*(?P<who>[A-ZÀ-Ý][^.!?\"“”]{2,90}?)\s*$")


PRE_COLON = re.compile(
    rf"(?P<subj>[^\"“”]{{0,200}}?)\s*\b{ADVERBS}(?P<verb>{FINITE})\b(?P<comp>[^\"“”:.;!?]{{0,70}}?)\s*[:,]\s*$",
    re.DOTALL,
)


PRE_PARTICIPLE = re.compile(rf"(?:,|\band)\s+(?:{PARTICIPLE})(?:\s+that)?\s*[:,]?\s*$", re.IGNORECASE)


ACCORDING = re.compile(r"\baccording to\s+(?P<who>[^,\"“”]{2,120}?),?\s*$", re.IGNORECASE)


# "According to SEMAR, the eight labs' destruction represented "...": the source opens the sentence
ACCORDING_OPENING = re.compile(r"\s*according to\s+(?P<who>[^,\"“”]{2,80}?),", re.IGNORECASE)


REPORTED = re.compile(
    rf"\b(?P<verb>{ANY_VERB}|{alternation(OPINION_VERBS)})\b(?:\s+(?:that|whether|how|it|to|on|of))?",
    re.IGNORECASE,
)


DASH_LINE = re.compile(r"\s*[-–—―]\s*(?P<who>[A-ZÀ-Ý][^\"“”\n]{2,200}?)\s*$")


SPEECH_WORDS = SPEECH_VERBS_FINITE | SPEECH_PARTICIPLES | SPEECH_VERBS_BASE | OPINION_VERBS
