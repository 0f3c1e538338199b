"""People named in an article: full names with their role and country, and every later
reference to them by surname ("Tillerson", "Videgaray", "Osorio Chong").

A capitalised word chain is taken for a person only in a person context: a title or role before
it ("Interior Minister", "union leader", "Rear Admiral"), an appositive role ("His lawyer,
Sergio Pappa,"), or a speech verb right next to it. That keeps places ("Puerto Lempira"),
organisations ("Regional Drug Observatory") and headlines out without a named-entity model.
Everything here is built per article and returned as an immutable value. Word chains and their
parse are in name_chains.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from drugtrade.extract.countries import country_code
from drugtrade.extract.lexicon import (
    NAME_PARTICLES,
    ROLE_NOUNS,
    SPEECH_PARTICIPLES,
    SPEECH_VERBS_BASE,
    SPEECH_VERBS_FINITE,
    word_list,
)
from drugtrade.extract.name_chains import Chain, NameParse, Token, chains, parse_chain, tokenize

_LOWER_STOP = frozenset(
    word_list(
        """the a an his her their its our my your this that these those of in on at by with from to and or but
        while when who which whose said says told added noted stated after before for as than was were is
        are be been has have had"""
    )
)
# past forms mark an attribution clause ("the official said"); "state" or "notes" alone do not
_SPEECH_PAST = frozenset(w for w in SPEECH_VERBS_FINITE if w.endswith("ed") or w in {"said", "told", "wrote"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "madam", "miss"})
_SPEECH = SPEECH_VERBS_FINITE | SPEECH_PARTICIPLES | SPEECH_VERBS_BASE


@dataclass(frozen=True, kw_only=True)
class Person:
    name: str
    role: str | None
    country: str | None
    start: int  # first full mention

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.name.split())


@dataclass(frozen=True, kw_only=True)
class PersonRef:
    """One reference to a person in the body: by name (person set) or unnamed ("a farmer")."""

    start: int
    end: int
    person: Person | None
    text: str
    possessive: bool = False


@dataclass(frozen=True, kw_only=True)
class PeopleIndex:
    people: tuple[Person, ...]
    refs: tuple[PersonRef, ...]  # in text order, named and unnamed
    aliases: dict[str, tuple[Person, ...]] = field(hash=False, compare=False)

    def resolve(self, name: str) -> Person | None:
        """The one person a name or surname refers to; None when unknown or ambiguous."""
        found = self.aliases.get(_alias_key(name))
        return found[0] if found and len(found) == 1 else None

    def refs_before(self, position: int, window_start: int = 0) -> list[PersonRef]:
        return [r for r in self.refs if window_start <= r.start and r.end <= position]


def _alias_key(name: str) -> str:
    name = name[:-2] if name.endswith(("'s", "’s")) else name
    return " ".join(name.split()).casefold()


def _aliases(person: Person) -> list[str]:
    tokens = person.tokens
    found = {person.name}
    rest = tokens[1:]
    for i in range(len(rest)):
        for j in range(i + 1, len(rest) + 1):
            piece = rest[i:j]
            if piece[-1] in NAME_PARTICLES:
                continue  # "de la Cruz" is a surname; "Cruz de" is not
            found.add(" ".join(piece))
    return sorted(found)


def _role_before(text: str, tokens: list[Token], index: int) -> str | None:
    """A lower-case role phrase right before the chain ("union leader", "Senad director")."""
    words: list[Token] = []
    j = index - 1
    while j >= 0 and len(words) < 5:
        token = tokens[j]
        gap = text[token.end : (words[0] if words else tokens[index]).start]
        if gap.strip(" "):
            break
        low = token.text.lower()
        if low in _LOWER_STOP or low in _SPEECH:
            break
        words.insert(0, token)
        j -= 1
    # The phrase must end in a role noun: "police superintendent", not "the ranch".
    if not words or words[-1].text.lower() not in ROLE_NOUNS:
        return None
    return text[words[0].start : words[-1].end]


def _appositive_role_before(text: str, start: int) -> str | None:
    """'The director of the ... Policy, Margaret Holloway,' -> 'director of the ... Policy'."""
    head = text[max(0, start - 160) : start]
    if not head.endswith(", "):
        return None
    clause = re.split(r"[.;:!?\"“”]\s|,\s|\n", head[:-2])[-1].strip()
    # "said the president of Devida, Carlos Figueroa,": the verb introduces, the rest is the role
    clause = re.sub(
        r"^(?:\w+\s+)?(?:" + "|".join(sorted(_SPEECH_PAST, key=len, reverse=True)) + r")\s+", "", clause
    )
    clause = re.sub(r"^(the|a|an|his|her|their|its)\s+", "", clause, flags=re.IGNORECASE)
    words = clause.split()
    if not words or len(words) > 14:
        return None
    low = [w.strip(",").lower().rstrip("'s").rstrip("’s") for w in words]
    if not any(w in ROLE_NOUNS for w in low[:4]) and words[-1].lower() not in ROLE_NOUNS:
        return None
    if any(w in _SPEECH for w in low):
        return None
    return clause


def _appositive_role_after(text: str, end: int) -> str | None:
    """'Alba Rocío Castellanos, a spokeswoman for a merchants' association,' -> the role."""
    match = re.match(r",\s+(?:a|an|the)\s+([^,;.\"“”]{3,120}?)(?:,|\.|;|$)", text[end : end + 160])
    if not match:
        return None
    phrase = match.group(1)
    first_words = [w.lower() for w in phrase.split()[:4]]
    if any(w.lower() in _SPEECH_PAST for w in phrase.split()):
        return None  # "Cochabamba," the official said": an attribution, not an appositive
    # "the former state health officer ... and now the director of ...": the current office
    current = re.search(r"\b(?:and\s+)?now\s+(?:the\s+|a\s+|an\s+)?(?P<role>.+)$", phrase)
    if current and any(w.lower() in ROLE_NOUNS for w in current.group("role").split()[:4]):
        return current.group("role")
    return phrase if any(w in ROLE_NOUNS for w in first_words) else None


_UNNAMED = re.compile(
    r"\b(?i:a|an|one|another)\s+(?:[a-z'’-]+\s+){0,2}?(?P<noun>"
    + "|".join(sorted(ROLE_NOUNS, key=len, reverse=True))
    + r")\b(?!\s*,?\s*[A-Z])",
)


# The article path asks for the people of one body twice in a row (statements, then mentions);
# the index is frozen, so the last body's index is kept and handed out again.
@lru_cache(maxsize=1)
def build_people(text: str) -> PeopleIndex:
    tokens = tokenize(text)
    index_of = {t.start: i for i, t in enumerate(tokens)}
    candidates: list[tuple[NameParse, str | None, str | None, bool]] = []
    all_chains = chains(text, tokens)
    for chain in all_chains:
        parse = parse_chain(text, chain)
        if parse.is_org or not parse.name:
            continue
        role, country, context = _person_context(text, tokens, index_of[chain.start], chain, parse)
        candidates.append((parse, role, country, context))

    # Full names: multi-word names seen in a person context and not part of a longer full name.
    full: dict[str, Person] = {}
    for parse, role, country, context in candidates:
        if not context or len(parse.name) < 2:
            continue
        name = " ".join(t.base for t in parse.name)
        if name not in full:
            full[name] = Person(name=name, role=role or None, country=country, start=parse.name[0].start)
        elif full[name].role is None and role:
            full[name] = Person(
                name=name, role=role, country=full[name].country or country, start=full[name].start
            )
    names = sorted(full, key=lambda n: -len(n.split()))
    kept: dict[str, Person] = {}
    for name in names:
        longer = next((k for k in kept if _is_sub_name(name, k)), None)
        if longer is None:
            kept[name] = full[name]
        elif kept[longer].role is None and full[name].role:
            kept[longer] = Person(
                name=longer,
                role=full[name].role,
                country=kept[longer].country or full[name].country,
                start=kept[longer].start,
            )
    # Single-word names with a title ("President Trump") and no full form become people too.
    for parse, role, country, _context in candidates:
        if (
            len(parse.name) == 1
            and role
            and not any(
                _alias_key(parse.name[0].base) in map(str.casefold, _aliases(p)) for p in kept.values()
            )
        ):
            kept.setdefault(
                parse.name[0].base,
                Person(name=parse.name[0].base, role=role, country=country, start=parse.name[0].start),
            )
    people = tuple(sorted(kept.values(), key=lambda p: p.start))
    aliases: dict[str, list[Person]] = {}
    for person in people:
        for alias in _aliases(person):
            aliases.setdefault(_alias_key(alias), []).append(person)
    frozen_aliases = {k: tuple(v) for k, v in aliases.items()}

    refs: list[PersonRef] = []
    for chain in all_chains:
        parse = parse_chain(text, chain)
        if not parse.name or parse.is_org:
            continue
        # try the whole name run, then its tail (e.g. "Colonel Maradiaga" -> "Maradiaga")
        run = parse.name
        for k in range(len(run)):
            piece = run[k:]
            found = frozen_aliases.get(_alias_key(" ".join(t.base for t in piece)))
            if found and len(found) == 1:
                last = piece[-1]
                plural_possessive = text[last.end : last.end + 1] in {"'", "’"}
                refs.append(
                    PersonRef(
                        start=piece[0].start,
                        end=last.end if not last.possessive else last.end - 2,
                        person=found[0],
                        text=text[piece[0].start : last.end - (2 if last.possessive else 0)],
                        possessive=last.possessive or plural_possessive,
                    )
                )
                break
    for match in _UNNAMED.finditer(text):
        refs.append(PersonRef(start=match.start(), end=match.end(), person=None, text=match.group(0)))
    refs.sort(key=lambda r: r.start)
    return PeopleIndex(people=people, refs=tuple(refs), aliases=frozen_aliases)


def _person_context(
    text: str, tokens: list[Token], chain_index: int, chain: Chain, parse: NameParse
) -> tuple[str | None, str | None, bool]:
    """(role, country, whether the chain stands in a person context)."""
    name_end = parse.name[-1].end
    role, country = parse.role, parse.country
    if role is not None and role.rstrip(".").lower() in _HONORIFICS:
        role = None  # "Dr. Rahul Gupta, ... the director of ...": the office is the role
    if role is None:
        role = _role_before(text, tokens, chain_index)
    if role is None:
        role = _appositive_role_before(text, chain.start)
    if role is None:
        role = _appositive_role_after(text, name_end)
    if role is not None:
        stripped, role_country = _split_country(role)
        return stripped, country or role_country, True
    after = text[name_end : name_end + 140]
    before = text[max(0, chain.start - 16) : chain.start]
    if re.match(r",\s+[A-ZÀ-Ý][\w'’-]+(?:\s+[A-ZÀ-Ý][\w'’-]+)+,", after):
        return None, country, False  # "... and Controlled Substances, Felipe Caceres,": a role before a name
    verb_after = re.match(r"(?:'s?|’s?)?(?:,[^,\"“”]{1,120},)?\s+(?:also\s+|later\s+|then\s+)?(\w+)", after)
    context = bool(verb_after and verb_after.group(1).lower() in _SPEECH) or bool(
        re.search(r"\b(said|says|according to|told)\s+$", before)
    )
    return None, country, context


def _split_country(role: str) -> tuple[str | None, str | None]:
    """'Ecuador's Interior Minister' -> ('Interior Minister', 'ECU'); 'Colombian President' -> COL."""
    match = re.match(r"^([A-Z][\w.]*(?: [A-Z][\w.]*)?)(?:'s|’s)?\s+(.+)$", role)
    if match and country_code(match.group(1)):
        return match.group(2), country_code(match.group(1))
    return role, _country_in(role)


def _is_sub_name(short: str, long: str) -> bool:
    a, b = short.casefold().split(), long.casefold().split()
    if len(a) >= len(b):
        return False
    return any(b[i : i + len(a)] == a for i in range(1, len(b) - len(a) + 1))


def _country_in(phrase: str) -> str | None:
    for word in re.findall(r"[A-Z][\w.]*(?:'s|’s)?", phrase):
        code = country_code(word)
        if code:
            return code
    return None
