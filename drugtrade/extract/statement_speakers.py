"""Who a speaker phrase names: a known person, a pronoun or descriptor resolved to one, an
organisation (the publisher of "the report", the ministry behind "the ministry"), or UNKNOWN
for an unnamed person. Used by the attribution passes (statement_passes.py)."""

from __future__ import annotations

import re

from drugtrade.extract.attribution_context import UNKNOWN, Context, Speaker, speaker_of, word_count
from drugtrade.extract.coreference import resolve_descriptor, resolve_pronoun
from drugtrade.extract.lexicon import DOCUMENT_NOUNS, ORG_NOUNS, STOP_CAPITALISED, is_acronym
from drugtrade.extract.name_chains import Chain, chains, parse_chain
from drugtrade.extract.statement_rules import (
    ANY_VERB,
    DOC_HEADED,
    DOC_OR_ORG,
    GENERIC_PLURALS,
    HONORIFICS,
    ORG_ACRONYM_END,
    ORG_LOOKBACK,
    ORG_SPEAKING,
    POST_NOUNS,
    POST_SIGNATURE,
    PREPOSITION_BEFORE,
    PRONOUN_END,
    PUBLISHER_BEFORE,
    UNNAMED_END,
    UNNAMED_FOR,
    WINDOW,
    alternation,
)


def _org_as_written(text: str, chain: Chain) -> str:
    """An organisation's name as the text writes it, its country word kept ("Colombian Navy")."""
    name = text[chain.start : chain.end]
    name = re.sub(r"(?:'s|’s)$", "", name)
    return re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.IGNORECASE)


def org_from_noun(ctx: Context, noun: str, position: int) -> Speaker:
    """'the report' -> the organisation that published it; 'the ministry' -> 'Ministry of Defense'."""
    noun_low = noun.lower()
    before = ctx.body[max(0, position - ORG_LOOKBACK) : position]  # bounded: linear in the text
    if noun_low in DOCUMENT_NOUNS:
        pattern = re.compile(
            r"\b(?:" + "|".join(DOCUMENT_NOUNS) + r")\b[^.;\"“”]{0,60}?\bby\s+(?:the\s+)?"
            r"(?P<org>(?:[A-Z][\w'’-]*|of|for|and|on|de|del)(?:\s+(?:[A-Z][\w'’-]*|of|for|and|on|de|del))*)"
        )
        matches = list(pattern.finditer(before))
        if matches:
            org = re.sub(r"\s+(?:of|for|and|on|de|del)$", "", matches[-1].group("org"))
            return Speaker(name=org)
        possessive = list(
            re.finditer(
                r"(?:the\s+)?(?P<org>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)(?:'s|’s)\s+(?:[a-z-]+\s+){0,2}(?:"
                + "|".join(DOCUMENT_NOUNS)
                + r")\b",
                before,
            )
        )
        if possessive:
            return Speaker(name=possessive[-1].group("org"))
        # "The IPCC report states", "the UNODC survey said": the publisher named before the noun
        publisher = PUBLISHER_BEFORE.search(before)
        if publisher and publisher.group("org").split()[0].lower() not in STOP_CAPITALISED:
            return Speaker(name=publisher.group("org"))
        if noun_low in POST_NOUNS:
            # "The tweet reads, ...": the account signing the embedded post above it
            accounts = list(POST_SIGNATURE.finditer(before))
            if accounts:
                return Speaker(name=accounts[-1].group("account").strip())
        earlier = [name for at, name in ctx.org_speakers if at < position]
        if earlier:
            return Speaker(name=earlier[-1])
        # "the US Embassy is applauding police ... A release issued this evening says": the
        # organisation last reported as speaking issued the document
        speaking = list(ORG_SPEAKING.finditer(before[-WINDOW * 2 :]))
        for match in reversed(speaking):
            org_chains = chains(match.group("org"))
            if org_chains:
                parse = parse_chain(match.group("org"), org_chains[-1])
                if parse.is_org and parse.org:
                    return Speaker(
                        name=_org_as_written(match.group("org"), org_chains[-1]),
                        role=None,
                        country=parse.country,
                    )
        return Speaker(name=noun_low)
    for chain in reversed(chains(before)):
        parse = parse_chain(ctx.body, chain)
        if parse.is_org and parse.org and noun_low in parse.org.lower().split():
            return Speaker(name=parse.org, role=None, country=parse.country)
    return Speaker(name=noun_low)


def speaker_from_chain_text(ctx: Context, text: str, offset: int) -> Speaker | None:
    """A speaker named by the capitalised chain in ``text`` (which starts at ``offset``)."""
    found = chains(text)
    if not found:
        return None
    chain = found[-1]
    parse = parse_chain(text, chain)
    if parse.is_org and parse.org:
        return Speaker(name=_org_as_written(text, chain), role=None, country=parse.country)
    if not parse.name:
        words = [t for t in chain.tokens if t.text[0].isupper() and t.text.lower() not in STOP_CAPITALISED]
        if len(words) == 1 and is_acronym(words[0].base):
            return Speaker(name=words[0].base, role=None, country=parse.country)  # "the DEA said"
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
        return Speaker(name=person.name, role=person.role, country=country)
    role = parse.role if parse.role and parse.role.rstrip(".\u2024").lower() not in HONORIFICS else None
    return Speaker(name=name, role=role, country=parse.country)


def named_in(ctx: Context, start: int, end: int) -> Speaker | None:
    """The first known person the phrase ``body[start:end]`` names as its head: not a possessive
    ("Tillerson's aide"), not the object of a preposition ("a lawyer for X")."""
    for ref in ctx.refs_between(start, end, limit=len(ctx.people.refs)):
        if ref.person is None or ref.possessive:
            continue
        if PREPOSITION_BEFORE.search(ctx.body[max(start, ref.start - 20) : ref.start]):
            continue
        return speaker_of(ref.person)
    return None


def speaker_ending(ctx: Context, text: str, offset: int, paragraph: int) -> Speaker | None:
    """The speaker phrase that ends ``text`` (the words right before a speech verb)."""
    if not UNNAMED_FOR.search(text[-160:]) and not PRONOUN_END.search(text):
        named = named_in(ctx, offset, offset + len(text))
        if named is not None:
            return named
    appositive = re.search(r",\s*(?P<inner>[^,\"“”]{1,150}),\s*$", text)
    if appositive:
        # "The observatory's director, Paula Hincapié," names the speaker inside the commas;
        # "X, a spokesman for Y," describes the speaker before them
        inner = appositive.group("inner").strip()
        person = ctx.people.resolve(inner) if inner[:1].isupper() else None
        if person is not None:
            return speaker_of(person)
        text = text[: appositive.start()]
    text = re.sub(r"\s+$", "", text)
    if not text:
        return None
    tail = text[-160:]
    if UNNAMED_FOR.search(tail):
        return UNKNOWN  # "a spokesman for the Regional Security System": a person, unnamed
    pronoun_end = PRONOUN_END.search(tail)
    if pronoun_end:
        return resolve_pronoun(ctx, offset + len(text), paragraph, pronoun_end.group(1))
    named = named_in(ctx, offset, offset + len(text))
    if named is not None:
        return named
    document = DOC_HEADED.match(tail)
    if document:
        return org_from_noun(ctx, document.group("noun"), offset + len(text))
    for the in reversed(list(re.finditer(r"\bthe\s", tail, re.IGNORECASE))):
        phrase = tail[the.start() :]
        resolved = resolve_descriptor(ctx, phrase, offset + len(text) - len(phrase))
        if resolved is not None:
            return resolved
    if GENERIC_PLURALS.search(tail):
        return UNKNOWN
    acronym = ORG_ACRONYM_END.search(tail)
    if acronym:
        return Speaker(name=acronym.group("acronym"))  # "The Ministry of the Navy (SEMAR)": as it is cited
    org = DOC_OR_ORG.search(tail)
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
        speaker = speaker_from_chain_text(
            ctx, chain_match.group(0), offset + len(text) - len(chain_match.group(0))
        )
        if speaker is not None:
            return speaker
    if org and not UNNAMED_END.search(tail):
        return org_from_noun(ctx, org.group("noun"), offset + len(text))
    if UNNAMED_END.search(tail):
        return UNKNOWN
    return None


def speaker_starting(ctx: Context, text: str, offset: int, paragraph: int) -> Speaker | None:
    """The speaker phrase that starts ``text`` (the words right after a speech verb)."""
    match = re.match(r"\s*(he|she)\b", text)
    if match:
        return resolve_pronoun(ctx, offset, paragraph, match.group(1))
    clause = re.split(
        r"[,.;:!?\"“”()]|\s(?:who|which|in|at|on|during|after|before|to|of the|while)\s", text, maxsplit=1
    )[0]
    clause = clause.strip()
    if not clause:
        return None
    org = re.match(
        r"(?:the|its|a|an)\s+(?:[\w'’-]+\s+){0,3}?(?P<noun>"
        + alternation(DOCUMENT_NOUNS | ORG_NOUNS)
        + r")$",
        clause,
        re.IGNORECASE,
    )
    if re.match(r"(?:a|an|one|another)\b", clause, re.IGNORECASE):
        return UNKNOWN
    named = named_in(ctx, offset, offset + len(text) - len(text.lstrip()) + len(clause))
    if named is not None:
        return named
    # "said the president of Devida, Carlos Figueroa, in a meeting": the name in the appositive
    appositive = re.match(r"\s*[^,\"“”.;:!?]{1,120},\s*(?P<name>[^,\"“”.;:!?]{2,60})(?:,|\.|$)", text)
    if appositive:
        named = named_in(ctx, offset + appositive.start("name"), offset + appositive.end("name"))
        if named is not None and re.match(r"\s*the\b", text, re.IGNORECASE):
            return named
    resolved = resolve_descriptor(ctx, clause, offset)
    if resolved is not None:
        return resolved
    if org:
        return org_from_noun(ctx, org.group("noun"), offset)
    return speaker_from_chain_text(ctx, clause, offset)


def sentence_subject(ctx: Context, sentence_start: int, limit: int, paragraph: int) -> Speaker | None:
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
        return resolve_pronoun(ctx, offset, paragraph, pronoun.group(1))
    for ref in ctx.refs_between(sentence_start, limit, limit=len(ctx.people.refs)):
        if not ref.possessive and not ctx.inside_quote(ref.start):
            # the subject is at the start of the sentence, possibly behind a role phrase
            if ref.person is not None and word_count(ctx.body[offset : ref.start]) <= 8:
                return speaker_of(ref.person)
            return UNKNOWN if ref.person is None else None
    org = re.match(
        r"(?:The\s+)?(?P<org>(?:[A-Z][\w'’-]*)(?:\s+(?:[A-Z][\w'’-]*|of|for))*)\s+(?:" + ANY_VERB + r")\b",
        lead,
    )
    if org:
        return speaker_from_chain_text(ctx, org.group("org"), offset)
    return None


def names_someone_else(ctx: Context, start: int, end: int, speaker: Speaker) -> bool:
    for ref in ctx.refs_between(start, end, limit=len(ctx.people.refs)):
        if not ctx.inside_quote(ref.start):
            if ref.person is None and ctx.body[max(0, ref.start - 2) : ref.start] == ", ":
                continue  # an appositive: "X, a spokeswoman for Y, said"
            if ref.person is None or ref.person.name != speaker.name:
                return True
    return False
