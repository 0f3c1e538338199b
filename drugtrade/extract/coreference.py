"""Coreference for speakers: the person a "he"/"she" or a descriptor ("the colonel", "the head of
the DEA", "the official") at a quote refers to. Recency decides, restricted to sentence subjects for
pronouns and to people whose role holds the descriptor's noun; gender (gender.py) only breaks ties
against a candidate known to be of the other gender."""

from __future__ import annotations

import re

from drugtrade.extract.attribution_context import UNKNOWN, Context, Speaker, speaker_of, word_count
from drugtrade.extract.gender import gender_of, pronoun_gender
from drugtrade.extract.lexicon import ROLE_NOUNS
from drugtrade.extract.people import Person


def _alternation(words: frozenset[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


def is_subject(ctx: Context, ref_start: int) -> bool:
    """A reference near the start of its sentence (behind at most a role phrase) is its subject."""
    sentence_start = ctx.sentence_start(ref_start)
    if word_count(ctx.body[sentence_start:ref_start]) > 6:
        return False
    return not any(
        r.person is not None and not ctx.inside_quote(r.start)
        for r in ctx.refs_between(sentence_start, ref_start)
    )


def resolve_pronoun(ctx: Context, position: int, paragraph: int, pronoun: str | None = None) -> Speaker:
    """The person a he/she at ``position`` refers to, within this and the two previous paragraphs:
    the last person who was the subject of a sentence, else the last person named. A person merely
    named inside a clause ("Gupta said Biden will ...") does not take the pronoun from the subject.
    Among those candidates the pronoun prefers the last one of its gender (gender.py); when no
    candidate's gender matches, recency decides alone."""
    window_start = ctx.paras[max(0, paragraph - 2)].start
    refs = [
        r
        for r in ctx.refs_between(window_start, position)
        if r.end <= position and not r.possessive and not ctx.inside_quote(r.start)
    ]
    if not refs:
        return UNKNOWN
    subjects = [r for r in refs if r.person is not None and is_subject(ctx, r.start)]
    last = subjects[-1] if subjects and refs[-1].person is not None else refs[-1]
    wanted = pronoun_gender(pronoun) if pronoun else None
    if wanted and last.person is not None and _gender(last.person) not in {None, wanted}:
        # the recent choice is known to be of the other gender: the last candidate of the pronoun's
        # gender, else the last one whose gender is unknown
        ordered = [r for r in (*reversed(subjects), *reversed(refs)) if r.person is not None]
        genders = [_gender(r.person) for r in ordered if r.person is not None]
        matching = next((r for r, g in zip(ordered, genders, strict=True) if g == wanted), None)
        unknown = next((r for r, g in zip(ordered, genders, strict=True) if g is None), None)
        last = matching or unknown or last
    return speaker_of(last.person) if last.person is not None else UNKNOWN


def _gender(person: Person) -> str | None:
    return gender_of(person.name, person.role)


# nouns that describe any official: "the official said" takes the last person named with a role
_GENERIC_DESCRIPTORS = frozenset(
    {"official", "officer", "spokesman", "spokeswoman", "spokesperson", "source"}
)
_DESCRIPTOR = re.compile(
    r"^\s*the\s+(?P<phrase>(?:[\w'’-]+,?\s+){0,4}?(?P<noun>"
    + _alternation(ROLE_NOUNS)
    + r"))(?:\s+(?:of|for|at|in)\s+[^,\"“”]{1,80})?\s*$",
    re.IGNORECASE,
)


def resolve_descriptor(ctx: Context, phrase: str, position: int) -> Speaker | None:
    """'the colonel', 'the head of the DEA', 'the official' -> the last person named before
    ``position`` whose role holds that noun (any person with a role, for generic nouns); None
    when no such person was named: the descriptor then stays an unnamed speaker."""
    match = _DESCRIPTOR.match(phrase)
    if not match:
        return None
    noun = match.group("noun").lower()
    refs = [
        r
        for r in ctx.refs_between(0, position)
        if r.end <= position and r.person is not None and not r.possessive and not ctx.inside_quote(r.start)
    ]
    for ref in reversed(refs):
        person = ref.person
        assert person is not None
        role_words = {w.lower().strip(".,") for w in re.findall(r"[\w'’.-]+", person.role or "")}
        spelled = {_SPELLED.get(w, w) for w in role_words}
        if noun in _GENERIC_DESCRIPTORS and person.role:
            return speaker_of(person)
        if noun in role_words or noun in spelled:
            return speaker_of(person)
    # "the fresh-faced commander" with one official named so far: that official
    with_role = {r.person.name: r.person for r in refs if r.person is not None and r.person.role}
    if len(with_role) == 1:
        return speaker_of(next(iter(with_role.values())))
    return None


_SPELLED = {
    "capt": "captain", "cmdr": "commander", "cdr": "commander", "lt": "lieutenant", "col": "colonel",
    "gen": "general", "adm": "admiral", "sgt": "sergeant", "supt": "superintendent", "maj": "major",
    "insp": "inspector", "gov": "governor", "sen": "senator", "rep": "representative", "amb": "ambassador",
}  # fmt: skip
