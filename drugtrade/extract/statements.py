"""Direct quotations and who said them.

Rules, tried in this order for each quoted span (see /work/shared/notes/extraction.md):

  quote-verb-speaker   "Q," X said. / "Q," said X. / "Q," X, a spokesman for Y, said.
  speaker-verb-colon   X said: "Q" / She told the Monitor: "Q" / he said, "Q" (after a split)
  according-to         According to X, "Q"
  participial          X welcomed the plan, stating, "Q" / ..., adding that "Q"
  reported-speech      X said (that) ... "Q" / he proceeded to affirm that ... required "Q"
  coordinated          ... required "Q1" and "Q2"            (Q2 takes Q1's speaker)
  continuation         "A," X said. "B."  /  a quote running over several paragraphs
  follow-on-paragraph  a paragraph that is only a quote, after a paragraph quoting X
  pull-quote           "Q" - X  on a paragraph of its own
  dash-line            a paragraph-long quote, then "- Nina Patel, Regional Director" (press release)
  follow-on-sentence   'In addition, "Q" were seized.' opening the paragraph after one quoting X

Speakers are resolved to a full name ("Tillerson" -> "Rex Tillerson"; "he" -> the last person who
was a sentence subject; "the colonel", "the head of the DEA" -> the last person whose role holds
that noun, "the official" -> the last person named with a role), or to an organisation ("the
report" -> the body that published it; "the statement" -> the last organisation quoted; "the
Ministry of the Navy (SEMAR)" -> SEMAR, as the article cites it). Pronouns and descriptors are
resolved in coreference.py; the per-article look-ups live in attribution_context.py. Reporting
verbs come from reporting_verbs.py (inflected lemmas); rank and title stops ("Cmdr.", "U.S.") are masked first
(abbreviations.py) so a speaker phrase stays one clause; speaker country comes from
speaker_country.py. Every look-up is bounded or bisected, so the cost stays linear in the text.
When the speaker is unnamed ("one boatman said") or cannot be resolved, speaker is None: a
wrong attribution is worse than a miss. One- and two-word quotes not introduced directly by a
speech verb, and short quotes with no speaker, are scare quotes ("cocoa") and are dropped. A
quote repeating an earlier one (a pull quote, an analyst repeating a phrase) is kept once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from drugtrade.extract.abbreviations import mask_abbreviation_stops, unmask
from drugtrade.extract.attribution_context import UNKNOWN as _UNKNOWN
from drugtrade.extract.attribution_context import Context as _Context
from drugtrade.extract.attribution_context import Speaker as _Speaker
from drugtrade.extract.attribution_context import sentence_starts as _sentence_starts
from drugtrade.extract.attribution_context import speaker_of as _person
from drugtrade.extract.attribution_context import word_count as _words
from drugtrade.extract.coreference import resolve_descriptor as _resolve_descriptor
from drugtrade.extract.coreference import resolve_pronoun as _resolve_pronoun
from drugtrade.extract.lexicon import (
    DOCUMENT_NOUNS,
    OPINION_VERBS,
    ORG_NOUNS,
    ROLE_NOUNS,
    SPEECH_PARTICIPLES,
    SPEECH_VERBS_BASE,
    SPEECH_VERBS_FINITE,
    STOP_CAPITALISED,
    WEAK_VERBS,
    is_acronym,
)
from drugtrade.extract.people import Chain, build_people, chains, parse_chain
from drugtrade.extract.quotes import QuoteSpan, find_quotes, paragraphs
from drugtrade.extract.speaker_country import CountryEvidence
from drugtrade.extract.topics import tag_topics

_TOPIC_CONTEXT = 600


@dataclass(frozen=True, kw_only=True)
class Statement:
    quote: str
    start: int
    end: int
    speaker: str | None
    speaker_role: str | None
    speaker_country: str | None
    attribution: str
    topics: tuple[str, ...]


def _alternation(words: frozenset[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_FINITE = _alternation(SPEECH_VERBS_FINITE)
_PARTICIPLE = _alternation(SPEECH_PARTICIPLES)
_ANY_VERB = _alternation(SPEECH_VERBS_FINITE | SPEECH_VERBS_BASE | SPEECH_PARTICIPLES)
_ADVERBS = (
    r"(?:(?:also|later|then|again|once again|further|repeatedly|explicitly|publicly|previously|recently|"
    r"simply|only|has|had|have|would|will|did|does|do|went on to|proceeded to|was quick to|"
    r"once|still|even|never|not|firmly|flatly|quickly)\s+)*"
)
_GENERIC_PLURALS = re.compile(
    r"\b(?:critics|residents|officials|police|prosecutors|investigators|analysts|experts|farmers|growers|"
    r"authorities|witnesses|locals|villagers|activists|sources|observers|diplomats|people|others|some|many)\s*$",
    re.IGNORECASE,
)
_DOC_OR_ORG = re.compile(
    r"\b(?:the|its|their|a|an|this|that)\s+(?:[\w'’-]+\s+){0,3}?(?P<noun>"
    + _alternation(DOCUMENT_NOUNS | ORG_NOUNS)
    + r")\s*$",
    re.IGNORECASE,
)
_UNNAMED_END = re.compile(
    r"\b(?:a|an|one|another|the)\s+(?:[\w'’-]+\s+){0,3}?(?:" + _alternation(ROLE_NOUNS) + r")"
    r"(?:\s+who\s+[^,.;\"“”]{1,60})?\s*$",
    re.IGNORECASE,
)
_UNNAMED_FOR = re.compile(
    r"\b(?:a|an|one|another)\s+(?:[\w'’-]+\s+){0,3}?(?:"
    + _alternation(ROLE_NOUNS)
    + r")\s+(?:for|of|at|from|with|in)\s+"
    r"[^\"“”]{1,120}$",
    re.IGNORECASE,
)
_PRONOUN_END = re.compile(r"\b(he|she|He|She)\s*$")


_ORG_LOOKBACK = 3000  # characters searched back for the organisation behind "the report", "the ministry"
_WINDOW = 400  # characters before and after a quote where its attribution is looked for


def normalise_quote(text: str) -> str:
    """The form quotes are compared in (dedup here, scoring in evaluate.py)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\"“”„«»‘’']", "", text)
    text = re.sub(r"\s*(?:\.\.\.|…)\s*", " … ", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .,;:!?-–—…")


_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "madam", "miss"})
_PUBLISHER_BEFORE = re.compile(
    r"(?P<org>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4})\s+(?:[a-z-]+\s+)?(?:"
    + _alternation(DOCUMENT_NOUNS)
    + r")\s*$"
)


_POST_NOUNS = frozenset({"tweet", "post", "message"})
# an embedded post's signature line: "— COMANDO CONJUNTO (@CCFFAA_PERU) October 9, 2023"
_POST_SIGNATURE = re.compile(r"[—–-]\s*(?P<account>[^\s()@—–-][^()\n@—–]{1,60}?)\s*\(@\w{1,30}\)")
_ORG_SPEAKING = re.compile(
    r"(?P<org>(?:[Tt]he\s+)?[A-Z][\w'’.-]*(?:\s+(?:of|the|for|and|[A-Z][\w'’.-]*)){0,6})\s+"
    r"(?:is\s+|was\s+|has\s+|have\s+|had\s+)?(?:" + _ANY_VERB + r")\b"
)
# "A release issued this evening", "the statement released on Monday": a document as subject
_DOC_HEADED = re.compile(
    r"^\s*(?:but,?\s+|and\s+)?(?:the|a|an|its|their|this|that)\s+(?:[\w'’-]+\s+){0,2}?(?P<noun>"
    + _alternation(DOCUMENT_NOUNS)
    + r")(?:\s+(?:issued|released|published|sent|posted|signed|seen|shared)\b[^\"“”]{0,60})?\s*$",
    re.IGNORECASE,
)


def _org_as_written(text: str, chain: Chain) -> str:
    """An organisation's name as the text writes it, its country word kept ("Colombian Navy")."""
    name = text[chain.start : chain.end]
    name = re.sub(r"(?:'s|’s)$", "", name)
    return re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.IGNORECASE)


def _org_from_noun(ctx: _Context, noun: str, position: int) -> _Speaker:
    """'the report' -> the organisation that published it; 'the ministry' -> 'Ministry of Defense'."""
    noun_low = noun.lower()
    before = ctx.body[max(0, position - _ORG_LOOKBACK) : position]  # bounded: linear in the text
    if noun_low in DOCUMENT_NOUNS:
        pattern = re.compile(
            r"\b(?:" + "|".join(DOCUMENT_NOUNS) + r")\b[^.;\"“”]{0,60}?\bby\s+(?:the\s+)?"
            r"(?P<org>(?:[A-Z][\w'’-]*|of|for|and|on|de|del)(?:\s+(?:[A-Z][\w'’-]*|of|for|and|on|de|del))*)"
        )
        matches = list(pattern.finditer(before))
        if matches:
            org = re.sub(r"\s+(?:of|for|and|on|de|del)$", "", matches[-1].group("org"))
            return _Speaker(name=org)
        possessive = list(
            re.finditer(
                r"(?:the\s+)?(?P<org>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)(?:'s|’s)\s+(?:[a-z-]+\s+){0,2}(?:"
                + "|".join(DOCUMENT_NOUNS)
                + r")\b",
                before,
            )
        )
        if possessive:
            return _Speaker(name=possessive[-1].group("org"))
        # "The IPCC report states", "the UNODC survey said": the publisher named before the noun
        publisher = _PUBLISHER_BEFORE.search(before)
        if publisher and publisher.group("org").split()[0].lower() not in STOP_CAPITALISED:
            return _Speaker(name=publisher.group("org"))
        if noun_low in _POST_NOUNS:
            # "The tweet reads, ...": the account signing the embedded post above it
            accounts = list(_POST_SIGNATURE.finditer(before))
            if accounts:
                return _Speaker(name=accounts[-1].group("account").strip())
        earlier = [name for at, name in ctx.org_speakers if at < position]
        if earlier:
            return _Speaker(name=earlier[-1])
        # "the US Embassy is applauding police ... A release issued this evening says": the
        # organisation last reported as speaking issued the document
        speaking = list(_ORG_SPEAKING.finditer(before[-_WINDOW * 2 :]))
        for match in reversed(speaking):
            chain = chains(match.group("org"))
            if chain:
                parse = parse_chain(match.group("org"), chain[-1])
                if parse.is_org and parse.org:
                    return _Speaker(
                        name=_org_as_written(match.group("org"), chain[-1]), role=None, country=parse.country
                    )
        return _Speaker(name=noun_low)
    for chain in reversed(chains(before)):
        parse = parse_chain(ctx.body, chain)
        if parse.is_org and parse.org and noun_low in parse.org.lower().split():
            return _Speaker(name=parse.org, role=None, country=parse.country)
    return _Speaker(name=noun_low)


def _speaker_from_chain_text(ctx: _Context, text: str, offset: int) -> _Speaker | None:
    """A speaker named by the capitalised chain in ``text`` (which starts at ``offset``)."""
    found = chains(text)
    if not found:
        return None
    chain = found[-1]
    parse = parse_chain(text, chain)
    if parse.is_org and parse.org:
        return _Speaker(name=_org_as_written(text, chain), role=None, country=parse.country)
    if not parse.name:
        words = [t for t in chain.tokens if t.text[0].isupper() and t.text.lower() not in STOP_CAPITALISED]
        if len(words) == 1 and is_acronym(words[0].base):
            return _Speaker(name=words[0].base, role=None, country=parse.country)  # "the DEA said"
        return None
    name = " ".join(t.base for t in parse.name)
    person = ctx.people.resolve(name)
    if person is None and len(parse.name) > 1:
        # the tail may be a known surname ("Colonel Héctor Maradiaga" -> known "Maradiaga")
        for k in range(1, len(parse.name)):
            person = ctx.people.resolve(" ".join(t.base for t in parse.name[k:]))
            if person:
                break
    if person is not None:
        country = person.country or parse.country
        return _Speaker(name=person.name, role=person.role, country=country)
    role = parse.role if parse.role and parse.role.rstrip(".\u2024").lower() not in _HONORIFICS else None
    return _Speaker(name=name, role=role, country=parse.country)


_PREPOSITION_BEFORE = re.compile(r"\b(?:for|of|to|with|by|from|about|against|on|under)\s+(?:the\s+)?$", re.I)


_ORG_ACRONYM_END = re.compile(
    r"\b(?:[A-Z][\w'’-]*\s+)(?:(?:of|the|for|and|on|[A-Z][\w'’-]*)\s+)*\((?P<acronym>[A-Z][A-Za-z-]{1,11})\)$"
)


def _named_in(ctx: _Context, start: int, end: int) -> _Speaker | None:
    """The first known person the phrase ``body[start:end]`` names as its head: not a possessive
    ("Tillerson's aide"), not the object of a preposition ("a lawyer for X")."""
    for ref in ctx.refs_between(start, end, limit=len(ctx.people.refs)):
        if ref.person is None or ref.possessive:
            continue
        if _PREPOSITION_BEFORE.search(ctx.body[max(start, ref.start - 20) : ref.start]):
            continue
        return _person(ref.person)
    return None


def _speaker_ending(ctx: _Context, text: str, offset: int, paragraph: int) -> _Speaker | None:
    """The speaker phrase that ends ``text`` (the words right before a speech verb)."""
    if not _UNNAMED_FOR.search(text[-160:]) and not _PRONOUN_END.search(text):
        named = _named_in(ctx, offset, offset + len(text))
        if named is not None:
            return named
    appositive = re.search(r",\s*(?P<inner>[^,\"“”]{1,150}),\s*$", text)
    if appositive:
        # "The observatory's director, Paula Hincapié," names the speaker inside the commas;
        # "X, a spokesman for Y," describes the speaker before them
        inner = appositive.group("inner").strip()
        named = ctx.people.resolve(inner) if inner[:1].isupper() else None
        if named is not None:
            return _person(named)
        text = text[: appositive.start()]
    text = re.sub(r"\s+$", "", text)
    if not text:
        return None
    tail = text[-160:]
    if _UNNAMED_FOR.search(tail):
        return _UNKNOWN  # "a spokesman for the Regional Security System": a person, unnamed
    pronoun_end = _PRONOUN_END.search(tail)
    if pronoun_end:
        return _resolve_pronoun(ctx, offset + len(text), paragraph, pronoun_end.group(1))
    named = _named_in(ctx, offset, offset + len(text))
    if named is not None:
        return named
    document = _DOC_HEADED.match(tail)
    if document:
        return _org_from_noun(ctx, document.group("noun"), offset + len(text))
    for the in reversed(list(re.finditer(r"\bthe\s", tail, re.IGNORECASE))):
        phrase = tail[the.start() :]
        resolved = _resolve_descriptor(ctx, phrase, offset + len(text) - len(phrase))
        if resolved is not None:
            return resolved
    if _GENERIC_PLURALS.search(tail):
        return _UNKNOWN
    acronym = _ORG_ACRONYM_END.search(tail)
    if acronym:
        return _Speaker(name=acronym.group("acronym"))  # "The Ministry of the Navy (SEMAR)": as it is cited
    org = _DOC_OR_ORG.search(tail)
    # "Security Minister Pablo Cocciarini of Santa Fe province": the name before an affiliation
    affiliation = re.search(r"(?<=[a-zà-ÿ])\s+(?:of|from|at|in)\s+[^,\"“”]{1,60}$", tail)
    if affiliation and not re.search(r"[A-Z][\w'’.-]*$", tail):
        tail = tail[: affiliation.start()]
        text = text[: len(text) - len(affiliation.group(0))]
    chain_match = re.search(
        r"(?:[A-Z][\w'’.-]*|de|del|la|y|da|dos|of)(?:\s+(?:[A-Z][\w'’.-]*|de|del|la|y|da|dos|of))*$", tail
    )
    if chain_match and chain_match.group(0)[0].isupper():
        # the chain may be preceded by a lower-case role phrase; take the chain only
        speaker = _speaker_from_chain_text(
            ctx, chain_match.group(0), offset + len(text) - len(chain_match.group(0))
        )
        if speaker is not None:
            return speaker
    if org and not _UNNAMED_END.search(tail):
        return _org_from_noun(ctx, org.group("noun"), offset + len(text))
    if _UNNAMED_END.search(tail):
        return _UNKNOWN
    return None


def _speaker_starting(ctx: _Context, text: str, offset: int, paragraph: int) -> _Speaker | None:
    """The speaker phrase that starts ``text`` (the words right after a speech verb)."""
    match = re.match(r"\s*(he|she)\b", text)
    if match:
        return _resolve_pronoun(ctx, offset, paragraph, match.group(1))
    clause = re.split(
        r"[,.;:!?\"“”()]|\s(?:who|which|in|at|on|during|after|before|to|of the|while)\s", text, maxsplit=1
    )[0]
    clause = clause.strip()
    if not clause:
        return None
    org = re.match(
        r"(?:the|its|a|an)\s+(?:[\w'’-]+\s+){0,3}?(?P<noun>"
        + _alternation(DOCUMENT_NOUNS | ORG_NOUNS)
        + r")$",
        clause,
        re.IGNORECASE,
    )
    if re.match(r"(?:a|an|one|another)\b", clause, re.IGNORECASE):
        return _UNKNOWN
    named = _named_in(ctx, offset, offset + len(text) - len(text.lstrip()) + len(clause))
    if named is not None:
        return named
    # "said the president of Devida, Carlos Figueroa, in a meeting": the name in the appositive
    appositive = re.match(r"\s*[^,\"“”.;:!?]{1,120},\s*(?P<name>[^,\"“”.;:!?]{2,60})(?:,|\.|$)", text)
    if appositive:
        named = _named_in(ctx, offset + appositive.start("name"), offset + appositive.end("name"))
        if named is not None and re.match(r"\s*the\b", text, re.IGNORECASE):
            return named
    resolved = _resolve_descriptor(ctx, clause, offset)
    if resolved is not None:
        return resolved
    if org:
        return _org_from_noun(ctx, org.group("noun"), offset)
    return _speaker_from_chain_text(ctx, clause, offset)


# ---- the rules -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _Attribution:
    speaker: _Speaker
    rule: str
    direct: bool  # introduced directly by a speech verb next to the quote


_POST_VERB_FIRST = re.compile(rf"^\s*[,—–-]?\s*(?:{_ADVERBS})(?P<verb>{_FINITE})\s+(?P<rest>.*)$", re.DOTALL)
_POST_SPEAKER_FIRST = re.compile(
    rf"^\s*[,—–-]?\s*(?P<subj>[^\"“”.;:!?]{{1,200}}?)\s+{_ADVERBS}(?P<verb>{_FINITE})\b", re.DOTALL
)
_SUBORDINATE = re.compile(
    r"\s*(?:while|whereas|and|but|as|although|though|when|after|before|because|since|if|whom|which)\b",
    re.IGNORECASE,
)
_PULL_ATTRIBUTION = re.compile(r"^\s*[-–—―]\s*(?P<who>[A-ZÀ-Ý][^.!?\"“”]{2,90}?)\s*$")


def _post_attribution(ctx: _Context, span: QuoteSpan, post: str) -> _Attribution | None:
    if span.close_mark is None:
        return None
    content = ctx.body[span.start : span.end]
    inner_end = content.rstrip()[-1:]
    starts_lower = bool(re.match(r"\s*[,—–-]?\s*[a-z]", post))
    if inner_end == "." and not starts_lower:
        pull = _PULL_ATTRIBUTION.match(post)
        if pull and ctx.paras[span.paragraph].end <= span.after + len(post) + 1:
            who = _speaker_from_chain_text(ctx, pull.group("who"), span.after)
            return _Attribution(speaker=who, rule="pull-quote", direct=True) if who else None
        return None
    pull = _PULL_ATTRIBUTION.match(post)
    if pull and ctx.body[ctx.paras[span.paragraph].start : span.open_mark].strip() == "":
        who = _speaker_from_chain_text(ctx, pull.group("who"), span.after)
        if who:
            return _Attribution(speaker=who, rule="pull-quote", direct=True)
    match = _POST_VERB_FIRST.match(post)
    if match:
        rest_offset = span.after + match.start("rest")
        speaker = _speaker_starting(ctx, match.group("rest"), rest_offset, span.paragraph)
        if speaker is not None:
            return _Attribution(speaker=speaker, rule="quote-verb-speaker", direct=True)
    match = _POST_SPEAKER_FIRST.match(post)
    # "..., while X said that" introduces the next quote, not this one
    if (
        match
        and not _SUBORDINATE.match(match.group("subj"))
        and not re.match(r"\s*that\b", post[match.end() :])
    ):
        subject = match.group("subj")
        speaker = _speaker_ending(ctx, subject, span.after + match.start("subj"), span.paragraph)
        if speaker is not None:
            return _Attribution(speaker=speaker, rule="quote-speaker-verb", direct=True)
    return None


_PRE_COLON = re.compile(
    rf"(?P<subj>[^\"“”]{{0,200}}?)\s*\b{_ADVERBS}(?P<verb>{_FINITE})\b(?P<comp>[^\"“”:.;!?]{{0,70}}?)\s*[:,]\s*$",
    re.DOTALL,
)
_PRE_PARTICIPLE = re.compile(rf"(?:,|\band)\s+(?:{_PARTICIPLE})(?:\s+that)?\s*[:,]?\s*$", re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording to\s+(?P<who>[^,\"“”]{2,120}?),?\s*$", re.IGNORECASE)
# "According to SEMAR, the eight labs' destruction represented "...": the source opens the sentence
_ACCORDING_OPENING = re.compile(r"\s*according to\s+(?P<who>[^,\"“”]{2,80}?),", re.IGNORECASE)
_REPORTED = re.compile(
    rf"\b(?P<verb>{_ANY_VERB}|{_alternation(OPINION_VERBS)})\b(?:\s+(?:that|whether|how|it|to|on|of))?",
    re.IGNORECASE,
)


def _sentence_subject(ctx: _Context, sentence_start: int, limit: int, paragraph: int) -> _Speaker | None:
    """The first person or organisation the sentence names before ``limit``: its subject."""
    text = ctx.body[sentence_start:limit]
    lead = re.sub(
        r"^(?:However|But|And|Rather|Instead|Yet|Meanwhile|Still|Then|Later|Also|For his part|For her part)"
        r",?\s+",
        "",
        text,
    )
    offset = sentence_start + (len(text) - len(lead))
    pronoun = re.match(r"(He|She|he|she)\b", lead)
    if pronoun:
        return _resolve_pronoun(ctx, offset, paragraph, pronoun.group(1))
    for ref in ctx.refs_between(sentence_start, limit, limit=len(ctx.people.refs)):
        if not ref.possessive and not ctx.inside_quote(ref.start):
            # the subject is at the start of the sentence, possibly behind a role phrase
            if ref.person is not None and _words(ctx.body[offset : ref.start]) <= 8:
                return _person(ref.person)
            return _UNKNOWN if ref.person is None else None
    org = re.match(
        r"(?:The\s+)?(?P<org>(?:[A-Z][\w'’-]*)(?:\s+(?:[A-Z][\w'’-]*|of|for))*)\s+(?:" + _ANY_VERB + r")\b",
        lead,
    )
    if org:
        return _speaker_from_chain_text(ctx, org.group("org"), offset)
    return None


def _pre_attribution(ctx: _Context, span: QuoteSpan, pre: str, pre_start: int) -> _Attribution | None:
    # the pattern ends in ":" or "," right before the quote and reaches back at most ~300 characters
    # (subject, adverbs, verb, complement): test that first, then search only that tail
    tail_start = max(0, len(pre) - 300)
    match = _PRE_COLON.search(pre, tail_start) if pre.rstrip()[-1:] in {":", ","} else None
    if match and (match.group("verb").lower() not in WEAK_VERBS or _DOC_HEADED.match(match.group("subj"))):
        # "read" attributes only when a document reads ("The tweet reads, ...")
        subject_text = match.group("subj")
        speaker = _speaker_ending(ctx, subject_text, pre_start + match.start("subj"), span.paragraph)
        if speaker is not None:
            return _Attribution(speaker=speaker, rule="speaker-verb-colon", direct=True)
    match = _ACCORDING.search(pre)
    if match:
        speaker = _speaker_starting(ctx, match.group("who"), pre_start + match.start("who"), span.paragraph)
        if speaker is not None:
            return _Attribution(speaker=speaker, rule="according-to", direct=True)
    sentence_start = ctx.sentence_start(span.open_mark)
    opening = _ACCORDING_OPENING.match(ctx.body, sentence_start, span.open_mark)
    if opening:
        speaker = _speaker_starting(ctx, opening.group("who"), opening.start("who"), span.paragraph)
        if speaker is not None:
            return _Attribution(speaker=speaker, rule="according-to", direct=False)
    if _PRE_PARTICIPLE.search(pre):
        speaker = _sentence_subject(ctx, sentence_start, span.open_mark, span.paragraph)
        if speaker is not None:
            return _Attribution(speaker=speaker, rule="participial", direct=False)
    # reported speech: the last speech verb of the clause before the quote, and its subject
    # a capitalised "States" or "Reports" is a name ("United States"), not a verb
    verbs = [
        m
        for m in _REPORTED.finditer(pre)
        if m.group("verb").lower() not in WEAK_VERBS and not m.group("verb")[0].isupper()
    ]
    for verb in reversed(verbs):
        before = pre[: verb.start()]
        before_clean = re.sub(rf"\b{_ADVERBS}$", "", before)
        if re.search(r",\s*$", before_clean) and (
            named := _named_in(ctx, pre_start, pre_start + len(before_clean))
        ):
            speaker = named  # "Bolivia's Deputy Minister of ..., Felipe Caceres, said"
        elif (
            re.search(r"(?:,|\band|\bbut)\s*$", before_clean)
            or verb.group("verb").lower() in SPEECH_PARTICIPLES
        ):
            speaker = _sentence_subject(ctx, sentence_start, span.open_mark, span.paragraph)
        else:
            speaker = _speaker_ending(ctx, before_clean, pre_start, span.paragraph)
        if speaker is not None:
            return _Attribution(speaker=speaker, rule="reported-speech", direct=False)
    return None


def _attribute(ctx: _Context) -> list[_Attribution | None]:
    results: list[_Attribution | None] = []
    for k, span in enumerate(ctx.spans):
        para = ctx.paras[span.paragraph]
        previous = ctx.spans[k - 1] if k > 0 and ctx.spans[k - 1].paragraph == span.paragraph else None
        sentence_start = ctx.sentence_start(span.open_mark)
        # attribution phrases sit near their quote: a bounded window keeps every rule linear
        pre_start = max(sentence_start, previous.after if previous else para.start, span.open_mark - _WINDOW)
        pre = ctx.body[pre_start : span.open_mark]
        following = (
            ctx.spans[k + 1]
            if k + 1 < len(ctx.spans) and ctx.spans[k + 1].paragraph == span.paragraph
            else None
        )
        post_end = min(
            ctx.sentence_end(span.after - 1), following.open_mark if following else para.end, para.end
        )
        post_end = min(post_end, span.after + _WINDOW)
        post = ctx.body[span.after : post_end] if span.close_mark is not None else ""

        found = _post_attribution(ctx, span, post) or _pre_attribution(ctx, span, pre, pre_start)
        if found is None and previous is not None and results[k - 1] is not None:
            same_sentence = ctx.sentence_start(previous.open_mark) == sentence_start
            between = ctx.body[previous.after : span.open_mark]
            if same_sentence and re.fullmatch(r"\s*,?\s*(?:and|or|but|as well as|then|,)?\s*", between):
                found = _Attribution(speaker=results[k - 1].speaker, rule="coordinated", direct=False)
            elif (
                same_sentence
                and results[k - 1].rule in {"reported-speech", "according-to", "participial", "coordinated"}
                and not _speech_word_in(between)
                and not _names_someone_else(ctx, previous.after, span.open_mark, results[k - 1].speaker)
            ):
                # "X said that authorities "a" and seized the drugs, which had been "b"": one
                # reporting clause governs every quoted fragment of its sentence
                found = _Attribution(speaker=results[k - 1].speaker, rule="coordinated", direct=False)
            elif not ctx.body[
                ctx.sentence_end(previous.after) : span.open_mark
            ].strip() and not _names_someone_else(
                ctx, ctx.sentence_end(previous.after), span.open_mark, results[k - 1].speaker
            ):
                # '"A," X said. "B."': the quote opens the very next sentence
                found = _Attribution(
                    speaker=results[k - 1].speaker, rule="continuation", direct=results[k - 1].direct
                )
        results.append(found)
        if (
            found is not None
            and found.speaker.name
            and found.speaker.role is None
            and ctx.people.resolve(found.speaker.name) is None
            and found.speaker.name.lower() not in DOCUMENT_NOUNS
        ):
            ctx.org_speakers.append((span.open_mark, found.speaker.name))

    _share_over_paragraphs(ctx, results)

    # a paragraph that is only a quote continues the speaker quoted just before it
    for k, span in enumerate(ctx.spans):
        if results[k] is not None or span.continues is not None:
            continue
        para = ctx.paras[span.paragraph]
        if ctx.body[para.start : span.open_mark].strip() or span.paragraph == 0:
            continue
        if ctx.body[span.after : para.end].strip(" .,;"):
            continue
        prior = [i for i in range(k) if ctx.spans[i].paragraph == span.paragraph - 1]
        if not prior or results[prior[-1]] is None or results[prior[-1]].speaker.name is None:
            continue
        last = ctx.spans[prior[-1]]
        if _names_someone_else(ctx, last.after, para.start, results[prior[-1]].speaker):
            continue
        results[k] = _Attribution(
            speaker=results[prior[-1]].speaker, rule="follow-on-paragraph", direct=False
        )
    _share_over_paragraphs(ctx, results)  # a follow-on paragraph may open a quote running on
    _attribute_dash_lines(ctx, results)
    _attribute_follow_on_sentences(ctx, results)
    return results


_DASH_LINE = re.compile(r"\s*[-–—―]\s*(?P<who>[A-ZÀ-Ý][^\"“”\n]{2,200}?)\s*$")


def _attribute_dash_lines(ctx: _Context, results: list[_Attribution | None]) -> None:
    """Press releases sign a quotation on the next line: '"...."' then '- Nina Patel, Regional
    Director General, ...'. The name comes before the first comma, the role after it."""
    for k, span in enumerate(ctx.spans):
        if results[k] is not None or span.paragraph + 1 >= len(ctx.paras):
            continue
        para = ctx.paras[span.paragraph]
        if ctx.body[span.after : para.end].strip(" .,;"):
            continue  # text after the quote: the next line signs something else
        following = ctx.paras[span.paragraph + 1]
        line = _DASH_LINE.fullmatch(ctx.body, following.start, following.end)
        if not line:
            continue
        name, _, role = line.group("who").partition(",")
        who = _speaker_from_chain_text(ctx, name, line.start("who"))
        if who is None or who.name is None:
            continue
        speaker = _Speaker(name=who.name, role=who.role or (role.strip() or None), country=who.country)
        group = [k]
        while ctx.spans[group[0]].continues is not None:
            group.insert(0, ctx.spans[group[0]].continues)
        for i in group:
            if results[i] is None:
                results[i] = _Attribution(speaker=speaker, rule="dash-line", direct=True)


def _attribute_follow_on_sentences(ctx: _Context, results: list[_Attribution | None]) -> None:
    """'In addition, "eight nurseries ..." were confiscated.' right after a paragraph quoting X, in a
    sentence with no speech verb and nobody else named: X is still the source."""
    for k, span in enumerate(ctx.spans):
        if results[k] is not None or span.paragraph == 0 or _words(ctx.body[span.start : span.end]) < 5:
            continue
        prior = [
            i for i in range(k) if ctx.spans[i].paragraph == span.paragraph - 1 and results[i] is not None
        ]
        if not prior or results[prior[-1]].speaker.name is None:
            continue
        sentence = (ctx.sentence_start(span.open_mark), ctx.sentence_end(span.after - 1))
        words = {
            w.group(0).lower()
            for w in re.finditer(r"[\w'’]+", ctx.body[sentence[0] : sentence[1]])
            if not ctx.inside_quote(sentence[0] + w.start())
        }
        if words & (SPEECH_VERBS_FINITE | SPEECH_PARTICIPLES | SPEECH_VERBS_BASE | OPINION_VERBS):
            continue
        if ctx.refs_between(*sentence, limit=1):
            continue
        if ctx.sentence_start(span.open_mark) != ctx.paras[span.paragraph].start:
            continue  # only a paragraph's first sentence follows on from the paragraph before
        results[k] = _Attribution(speaker=results[prior[-1]].speaker, rule="follow-on-sentence", direct=False)


def _share_over_paragraphs(ctx: _Context, results: list[_Attribution | None]) -> None:
    """A quote over several paragraphs has one speaker, wherever the attribution sits."""
    for k, span in enumerate(ctx.spans):
        if span.continues is None:
            continue
        group = [span.continues, k]
        while ctx.spans[group[0]].continues is not None:
            group.insert(0, ctx.spans[group[0]].continues)
        known = next(
            (results[i] for i in group if results[i] is not None and results[i].rule != "continuation"), None
        )
        known = known or next((results[i] for i in group if results[i] is not None), None)
        if known is not None:
            for i in group:
                if results[i] is None or results[i].rule == "continuation":
                    results[i] = _Attribution(speaker=known.speaker, rule="continuation", direct=known.direct)


_SPEECH_WORDS = SPEECH_VERBS_FINITE | SPEECH_PARTICIPLES | SPEECH_VERBS_BASE | OPINION_VERBS


def _speech_word_in(text: str) -> bool:
    return any(w.lower() in _SPEECH_WORDS for w in re.findall(r"[\w'’]+", text))


def _names_someone_else(ctx: _Context, start: int, end: int, speaker: _Speaker) -> bool:
    for ref in ctx.refs_between(start, end, limit=len(ctx.people.refs)):
        if not ctx.inside_quote(ref.start):
            if ref.person is None and ctx.body[max(0, ref.start - 2) : ref.start] == ", ":
                continue  # an appositive: "X, a spokeswoman for Y, said"
            if ref.person is None or ref.person.name != speaker.name:
                return True
    return False


def _first_mention(ctx: _Context, name: str) -> int | None:
    person = ctx.people.resolve(name)
    if person is not None:
        return person.start
    position = ctx.body.find(name)
    return position if position >= 0 else None


def extract_statements(original: str) -> list[Statement]:
    """Every direct quotation in ``original`` with its speaker; ``original[s.start:s.end] == s.quote``."""
    body = mask_abbreviation_stops(original)
    paras = paragraphs(body)
    spans = find_quotes(body)
    ctx = _Context(
        body=body,
        paras=paras,
        spans=spans,
        people=build_people(body),
        sentence_starts=_sentence_starts(body, paras, spans),
    )
    results = _attribute(ctx)
    evidence = CountryEvidence(original, body)

    statements: list[Statement] = []
    seen: list[str] = []
    for span, attribution in zip(spans, results, strict=True):
        quote = original[span.start : span.end]
        words = _words(quote)
        direct = attribution is not None and attribution.direct
        if words <= 2 and not direct:
            continue  # scare quote or a term in quotation marks
        if words <= 4 and attribution is None:
            continue
        key = normalise_quote(quote)
        if not key or any(key in earlier for earlier in seen):
            continue  # repeated: a pull quote or a phrase quoted again later
        speaker = attribution.speaker if attribution else _UNKNOWN
        speaker = _Speaker(name=unmask(speaker.name), role=unmask(speaker.role), country=speaker.country)
        if speaker.name and speaker.country is None:
            speaker = _Speaker(
                name=speaker.name,
                role=speaker.role,
                country=evidence.country_of(
                    speaker.name,
                    speaker.role,
                    _first_mention(ctx, speaker.name),
                    official=speaker.role is not None or ctx.people.resolve(speaker.name) is None,
                ),
            )
        # The quote's sentence, at most _TOPIC_CONTEXT characters either side of the quote: in text
        # with many quotes and no sentence ends, whole sentences would make topic tagging
        # quotes x text long; quotes do not overlap, so bounded windows keep it linear.
        context_start = max(ctx.sentence_start(span.open_mark), span.start - _TOPIC_CONTEXT)
        context_end = min(
            ctx.sentence_end(span.after - 1 if span.after > span.start else span.start),
            span.end + _TOPIC_CONTEXT,
        )
        statements.append(
            Statement(
                quote=quote,
                start=span.start,
                end=span.end,
                speaker=speaker.name,
                speaker_role=speaker.role if speaker.name else None,
                speaker_country=speaker.country if speaker.name else None,
                attribution=attribution.rule if attribution else "unattributed",
                topics=tag_topics(original[context_start:context_end]),
            )
        )
        seen.append(key)
    # a pull quote placed before the passage it repeats: keep the passage, drop the pull quote
    keys = [normalise_quote(s.quote) for s in statements]
    return [
        s
        for i, s in enumerate(statements)
        if not any(
            j != i and keys[i] in keys[j] and len(keys[j]) > len(keys[i]) for j in range(len(statements))
        )
    ]
