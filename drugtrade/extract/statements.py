"""Direct quotations and who said them.

Rules, tried in this order for each quoted span:

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

This module is the entry point; the rules are in statement_rules.py, the passes that apply them in
statement_passes.py, and the speaker look-ups in statement_speakers.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from drugtrade.extract.abbreviations import mask_abbreviation_stops, unmask
from drugtrade.extract.attribution_context import UNKNOWN, Context, Speaker, sentence_starts, word_count
from drugtrade.extract.people import build_people
from drugtrade.extract.quotes import find_quotes, paragraphs
from drugtrade.extract.speaker_country import CountryEvidence
from drugtrade.extract.statement_passes import attribute_quotes
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


def normalise_quote(text: str) -> str:
    """The form quotes are compared in (dedup here, scoring in evaluate.py)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\"“”„«»‘’']", "", text)
    text = re.sub(r"\s*(?:\.\.\.|…)\s*", " … ", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .,;:!?-–—…")


def _first_mention(ctx: Context, name: str) -> int | None:
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
    ctx = Context(
        body=body,
        paras=paras,
        spans=spans,
        people=build_people(body),
        sentence_starts=sentence_starts(body, paras, spans),
    )
    results = attribute_quotes(ctx)
    evidence = CountryEvidence(original, body)

    statements: list[Statement] = []
    seen: list[str] = []
    for span, attribution in zip(spans, results, strict=True):
        quote = original[span.start : span.end]
        words = word_count(quote)
        direct = attribution is not None and attribution.direct
        if words <= 2 and not direct:
            continue  # scare quote or a term in quotation marks
        if words <= 4 and attribution is None:
            continue
        key = normalise_quote(quote)
        if not key or any(key in earlier for earlier in seen):
            continue  # repeated: a pull quote or a phrase quoted again later
        speaker = attribution.speaker if attribution else UNKNOWN
        speaker = Speaker(name=unmask(speaker.name), role=unmask(speaker.role), country=speaker.country)
        if speaker.name and speaker.country is None:
            speaker = Speaker(
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
