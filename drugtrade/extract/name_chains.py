"""Capitalised word chains in text and what they name: tokens, chains of name-like words, and the
parse of one chain into a role, a person's name, an organisation and a country ("Interior
Minister Miguel Ángel Osorio Chong", "the Colombian Navy"). people.py builds an article's people
from these."""

from __future__ import annotations

from dataclasses import dataclass

from drugtrade.extract.countries import country_code
from drugtrade.extract.lexicon import (
    NAME_PARTICLES,
    OFFICE_WORDS,
    ORG_HEADS,
    ROLE_NOUNS,
    STOP_CAPITALISED,
    TITLE_ABBREVIATIONS,
    WORD,
    is_acronym,
    is_capitalised,
)
from drugtrade.vocab.countries import country_of_text


@dataclass(frozen=True, kw_only=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def possessive(self) -> bool:
        return self.text.endswith(("'s", "’s"))

    @property
    def base(self) -> str:
        return self.text[:-2] if self.possessive else self.text


def tokenize(text: str) -> list[Token]:
    return [Token(text=m.group(0), start=m.start(), end=m.end()) for m in WORD.finditer(text)]


def _only_space_between(text: str, left: Token, right: Token) -> bool:
    gap = text[left.end : right.start]
    if gap == " ":
        return True
    # "Gen. Víctor Huamán", "John F. Kelly"
    return gap in {". ", "\u2024 "} and (left.text in TITLE_ABBREVIATIONS or len(left.text) == 1)


def _name_token(token: str) -> bool:
    """Could this word be part of a person's name?"""
    word = token[:-2] if token.endswith(("'s", "’s")) else token
    low = word.lower()
    return (
        is_capitalised(word)
        and len(word) >= 2
        and not is_acronym(word)
        and low not in STOP_CAPITALISED
        and low not in OFFICE_WORDS
        and low not in ROLE_NOUNS
        and word not in TITLE_ABBREVIATIONS
        and country_code(word) is None
    )


@dataclass(frozen=True, kw_only=True)
class Chain:
    """A run of capitalised words (with name particles and 'of' inside), as found in the text."""

    tokens: tuple[Token, ...]

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end


def chains(text: str, tokens: list[Token] | None = None) -> list[Chain]:
    tokens = tokenize(text) if tokens is None else tokens
    found: list[Chain] = []
    current: list[Token] = []

    def flush() -> None:
        while current and not is_capitalised(current[-1].text):
            current.pop()  # a trailing "of" or "de" belongs to no chain
        if current:
            found.append(Chain(tokens=tuple(current)))
        current.clear()

    for token in tokens:
        word = token.text
        joinable = current and _only_space_between(text, current[-1], token)
        if is_capitalised(word) or (word in NAME_PARTICLES or word in {"of", "for"}) and joinable:
            if current and not joinable:
                flush()
            if current and current[-1].possessive and country_code(current[-1].base) is None:
                flush()  # "Tillerson's point": a possessive person or org ends its chain
            if not current and not is_capitalised(word):
                continue
            current.append(token)
        else:
            flush()
    flush()
    return found


@dataclass(frozen=True, kw_only=True)
class NameParse:
    """A chain split into country (from a demonym or possessive), role and name."""

    country: str | None
    role: str | None
    name: tuple[Token, ...]
    is_org: bool
    org: str | None


def parse_chain(text: str, chain: Chain) -> NameParse:
    tokens = list(chain.tokens)
    while tokens and tokens[0].text.lower() in STOP_CAPITALISED and tokens[0].text not in TITLE_ABBREVIATIONS:
        tokens.pop(0)
    country = None
    while tokens:
        # the longest run of leading words that names a country: "United States", "Costa Rican"
        width = next(
            (
                w
                for w in range(min(4, len(tokens)), 0, -1)
                if country_code(text[tokens[0].start : tokens[w - 1].end]) is not None
                and (w < len(tokens) or tokens[w - 1].possessive or w > 1)
            ),
            0,
        )
        if not width:
            break
        country = country or country_code(text[tokens[0].start : tokens[width - 1].end])
        del tokens[:width]
    if not tokens:
        return NameParse(country=country, role=None, name=(), is_org=False, org=None)
    # "Luis Videgaray Caso of Mexico's Foreign Ministry": a person followed by "of" + affiliation;
    # "Secretary of Homeland Security John Kelly": a role with "of" inside. Try each cut at of/for.
    for cut in [i for i, t in enumerate(tokens) if t.text in {"of", "for"}]:
        head = tokens[:cut]
        if any(t.base.lower() in ORG_HEADS for t in head):
            break
        parse = _parse_tokens(text, head, country)
        if parse.name:
            return parse
    return _parse_tokens(text, tokens, country)


def _parse_tokens(text: str, tokens: list[Token], country: str | None) -> NameParse:
    words_lower = [t.base.lower() for t in tokens]
    last_head = max((i for i, w in enumerate(words_lower) if w in ORG_HEADS), default=-1)
    # "Assistant Commissioner of Police Samuel Butler", "Police Commissioner Junior Benjamin": a role
    # word, then (after the organisation's head word) a name
    has_role = any(
        w in ROLE_NOUNS or t.text in TITLE_ABBREVIATIONS for w, t in zip(words_lower, tokens, strict=True)
    )
    last_role_word = max(
        (
            i
            for i, (w, t) in enumerate(zip(words_lower, tokens, strict=True))
            if w in ROLE_NOUNS or t.text in TITLE_ABBREVIATIONS
        ),
        default=-1,
    )
    rest = tokens[max(last_head, last_role_word) + 1 :]
    person_after_org = (
        last_head >= 0
        and has_role
        and bool(rest)
        and all(_name_token(t.text) for t in rest)
        and len(rest) <= 4
    )
    if last_head >= 0 and not person_after_org:
        org = text[tokens[0].start : tokens[-1].end]
        if tokens[-1].possessive:
            org = org[:-2]
        return NameParse(country=country, role=None, name=(), is_org=True, org=org)
    last_role = -1
    for i, token in enumerate(tokens):
        low = token.base.lower()
        if low in ROLE_NOUNS or low in OFFICE_WORDS or token.text in TITLE_ABBREVIATIONS:
            last_role = i
    # The name is the run of name words after the last role word, stopping at "of ..." or a non-name.
    name: list[Token] = []
    for i in range(last_role + 1, len(tokens)):
        token = tokens[i]
        if _name_token(token.text):
            name.append(token)
            if token.possessive:
                break
        elif token.text.lower() in NAME_PARTICLES and _particle_leads_to_name(tokens, i):
            name.append(token)
        elif name and _capitals_surname(token.text):
            name.append(token)  # "Inspector Kevin KEANE": police releases print surnames in capitals
        else:
            break
    role = text[tokens[0].start : tokens[last_role].end] if last_role >= 0 else None
    return NameParse(country=country, role=role, name=tuple(name), is_org=False, org=None)


def _capitals_surname(word: str) -> bool:
    return len(word) >= 3 and word.isalpha() and word.isupper() and country_of_text(word) is None


def _particle_leads_to_name(tokens: list[Token], i: int) -> bool:
    """'de la Cruz': particles count as part of a name when a name word follows them."""
    j = i
    while j < len(tokens) and tokens[j].text.lower() in NAME_PARTICLES:
        j += 1
    return j < len(tokens) and _name_token(tokens[j].text)
