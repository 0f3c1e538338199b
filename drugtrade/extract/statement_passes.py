"""The attribution passes over an article's quotes, in order: each quote's own attribution (after
it, then before it), then coordinated quotes and continuations, quotes running over paragraphs,
follow-on paragraphs, press-release dash lines and follow-on sentences. The rules they match are
in statement_rules.py; the speaker look-ups in statement_speakers.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drugtrade.extract.attribution_context import Context, Speaker, word_count
from drugtrade.extract.lexicon import DOCUMENT_NOUNS, SPEECH_PARTICIPLES, WEAK_VERBS
from drugtrade.extract.quotes import QuoteSpan
from drugtrade.extract.statement_rules import (
    ACCORDING,
    ACCORDING_OPENING,
    ADVERBS,
    DASH_LINE,
    DOC_HEADED,
    POST_SPEAKER_FIRST,
    POST_VERB_FIRST,
    PRE_COLON,
    PRE_PARTICIPLE,
    PULL_ATTRIBUTION,
    REPORTED,
    SPEECH_WORDS,
    SUBORDINATE,
    WINDOW,
)
from drugtrade.extract.statement_speakers import (
    named_in,
    names_someone_else,
    sentence_subject,
    speaker_ending,
    speaker_from_chain_text,
    speaker_starting,
)


@dataclass(frozen=True, kw_only=True)
class Attribution:
    speaker: Speaker
    rule: str
    direct: bool  # introduced directly by a speech verb next to the quote


def post_attribution(ctx: Context, span: QuoteSpan, post: str) -> Attribution | None:
    if span.close_mark is None:
        return None
    content = ctx.body[span.start : span.end]
    inner_end = content.rstrip()[-1:]
    starts_lower = bool(re.match(r"\s*[,—–-]?\s*[a-z]", post))
    if inner_end == "." and not starts_lower:
        pull = PULL_ATTRIBUTION.match(post)
        if pull and ctx.paras[span.paragraph].end <= span.after + len(post) + 1:
            who = speaker_from_chain_text(ctx, pull.group("who"), span.after)
            return Attribution(speaker=who, rule="pull-quote", direct=True) if who else None
        return None
    pull = PULL_ATTRIBUTION.match(post)
    if pull and ctx.body[ctx.paras[span.paragraph].start : span.open_mark].strip() == "":
        who = speaker_from_chain_text(ctx, pull.group("who"), span.after)
        if who:
            return Attribution(speaker=who, rule="pull-quote", direct=True)
    match = POST_VERB_FIRST.match(post)
    if match:
        rest_offset = span.after + match.start("rest")
        speaker = speaker_starting(ctx, match.group("rest"), rest_offset, span.paragraph)
        if speaker is not None:
            return Attribution(speaker=speaker, rule="quote-verb-speaker", direct=True)
    match = POST_SPEAKER_FIRST.match(post)
    # "..., while X said that" introduces the next quote, not this one
    if (
        match
        and not SUBORDINATE.match(match.group("subj"))
        and not re.match(r"\s*that\b", post[match.end() :])
    ):
        subject = match.group("subj")
        speaker = speaker_ending(ctx, subject, span.after + match.start("subj"), span.paragraph)
        if speaker is not None:
            return Attribution(speaker=speaker, rule="quote-speaker-verb", direct=True)
    return None


def pre_attribution(ctx: Context, span: QuoteSpan, pre: str, pre_start: int) -> Attribution | None:
    # the pattern ends in ":" or "," right before the quote and reaches back at most ~300 characters
    # (subject, adverbs, verb, complement): test that first, then search only that tail
    tail_start = max(0, len(pre) - 300)
    match = PRE_COLON.search(pre, tail_start) if pre.rstrip()[-1:] in {":", ","} else None
    if match and (match.group("verb").lower() not in WEAK_VERBS or DOC_HEADED.match(match.group("subj"))):
        # "read" attributes only when a document reads ("The tweet reads, ...")
        subject_text = match.group("subj")
        speaker = speaker_ending(ctx, subject_text, pre_start + match.start("subj"), span.paragraph)
        if speaker is not None:
            return Attribution(speaker=speaker, rule="speaker-verb-colon", direct=True)
    match = ACCORDING.search(pre)
    if match:
        speaker = speaker_starting(ctx, match.group("who"), pre_start + match.start("who"), span.paragraph)
        if speaker is not None:
            return Attribution(speaker=speaker, rule="according-to", direct=True)
    sentence_start = ctx.sentence_start(span.open_mark)
    opening = ACCORDING_OPENING.match(ctx.body, sentence_start, span.open_mark)
    if opening:
        speaker = speaker_starting(ctx, opening.group("who"), opening.start("who"), span.paragraph)
        if speaker is not None:
            return Attribution(speaker=speaker, rule="according-to", direct=False)
    if PRE_PARTICIPLE.search(pre):
        speaker = sentence_subject(ctx, sentence_start, span.open_mark, span.paragraph)
        if speaker is not None:
            return Attribution(speaker=speaker, rule="participial", direct=False)
    # reported speech: the last speech verb of the clause before the quote, and its subject
    # a capitalised "States" or "Reports" is a name ("United States"), not a verb
    verbs = [
        m
        for m in REPORTED.finditer(pre)
        if m.group("verb").lower() not in WEAK_VERBS and not m.group("verb")[0].isupper()
    ]
    for verb in reversed(verbs):
        before = pre[: verb.start()]
        before_clean = re.sub(rf"\b{ADVERBS}$", "", before)
        if re.search(r",\s*$", before_clean) and (
            named := named_in(ctx, pre_start, pre_start + len(before_clean))
        ):
            speaker = named  # "Bolivia's Deputy Minister of ..., Felipe Caceres, said"
        elif (
            re.search(r"(?:,|\band|\bbut)\s*$", before_clean)
            or verb.group("verb").lower() in SPEECH_PARTICIPLES
        ):
            speaker = sentence_subject(ctx, sentence_start, span.open_mark, span.paragraph)
        else:
            speaker = speaker_ending(ctx, before_clean, pre_start, span.paragraph)
        if speaker is not None:
            return Attribution(speaker=speaker, rule="reported-speech", direct=False)
    return None


def attribute_quotes(ctx: Context) -> list[Attribution | None]:
    results: list[Attribution | None] = []
    for k, span in enumerate(ctx.spans):
        para = ctx.paras[span.paragraph]
        previous = ctx.spans[k - 1] if k > 0 and ctx.spans[k - 1].paragraph == span.paragraph else None
        sentence_start = ctx.sentence_start(span.open_mark)
        # attribution phrases sit near their quote: a bounded window keeps every rule linear
        pre_start = max(sentence_start, previous.after if previous else para.start, span.open_mark - WINDOW)
        pre = ctx.body[pre_start : span.open_mark]
        following = (
            ctx.spans[k + 1]
            if k + 1 < len(ctx.spans) and ctx.spans[k + 1].paragraph == span.paragraph
            else None
        )
        post_end = min(
            ctx.sentence_end(span.after - 1), following.open_mark if following else para.end, para.end
        )
        post_end = min(post_end, span.after + WINDOW)
        post = ctx.body[span.after : post_end] if span.close_mark is not None else ""

        found = post_attribution(ctx, span, post) or pre_attribution(ctx, span, pre, pre_start)
        earlier = results[k - 1] if previous is not None else None
        if found is None and previous is not None and earlier is not None:
            same_sentence = ctx.sentence_start(previous.open_mark) == sentence_start
            between = ctx.body[previous.after : span.open_mark]
            if same_sentence and re.fullmatch(r"\s*,?\s*(?:and|or|but|as well as|then|,)?\s*", between):
                found = Attribution(speaker=earlier.speaker, rule="coordinated", direct=False)
            elif (
                same_sentence
                and earlier.rule in {"reported-speech", "according-to", "participial", "coordinated"}
                and not speech_word_in(between)
                and not names_someone_else(ctx, previous.after, span.open_mark, earlier.speaker)
            ):
                # "X said that authorities "a" and seized the drugs, which had been "b"": one
                # reporting clause governs every quoted fragment of its sentence
                found = Attribution(speaker=earlier.speaker, rule="coordinated", direct=False)
            elif not ctx.body[
                ctx.sentence_end(previous.after) : span.open_mark
            ].strip() and not names_someone_else(
                ctx, ctx.sentence_end(previous.after), span.open_mark, earlier.speaker
            ):
                # '"A," X said. "B."': the quote opens the very next sentence
                found = Attribution(speaker=earlier.speaker, rule="continuation", direct=earlier.direct)
        results.append(found)
        if (
            found is not None
            and found.speaker.name
            and found.speaker.role is None
            and ctx.people.resolve(found.speaker.name) is None
            and found.speaker.name.lower() not in DOCUMENT_NOUNS
        ):
            ctx.org_speakers.append((span.open_mark, found.speaker.name))

    share_over_paragraphs(ctx, results)

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
        last_result = results[prior[-1]] if prior else None
        if last_result is None or last_result.speaker.name is None:
            continue
        last = ctx.spans[prior[-1]]
        if names_someone_else(ctx, last.after, para.start, last_result.speaker):
            continue
        results[k] = Attribution(speaker=last_result.speaker, rule="follow-on-paragraph", direct=False)
    share_over_paragraphs(ctx, results)  # a follow-on paragraph may open a quote running on
    attribute_dash_lines(ctx, results)
    attribute_follow_on_sentences(ctx, results)
    return results


def attribute_dash_lines(ctx: Context, results: list[Attribution | None]) -> None:
    """Press releases sign a quotation on the next line: '"...."' then '- Nina Patel, Regional
    Director General, ...'. The name comes before the first comma, the role after it."""
    for k, span in enumerate(ctx.spans):
        if results[k] is not None or span.paragraph + 1 >= len(ctx.paras):
            continue
        para = ctx.paras[span.paragraph]
        if ctx.body[span.after : para.end].strip(" .,;"):
            continue  # text after the quote: the next line signs something else
        following = ctx.paras[span.paragraph + 1]
        line = DASH_LINE.fullmatch(ctx.body, following.start, following.end)
        if not line:
            continue
        name, _, role = line.group("who").partition(",")
        who = speaker_from_chain_text(ctx, name, line.start("who"))
        if who is None or who.name is None:
            continue
        speaker = Speaker(name=who.name, role=who.role or (role.strip() or None), country=who.country)
        for i in _parts_of_quote(ctx, k):
            if results[i] is None:
                results[i] = Attribution(speaker=speaker, rule="dash-line", direct=True)


def attribute_follow_on_sentences(ctx: Context, results: list[Attribution | None]) -> None:
    """'In addition, "eight nurseries ..." were confiscated.' right after a paragraph quoting X, in a
    sentence with no speech verb and nobody else named: X is still the source."""
    for k, span in enumerate(ctx.spans):
        if results[k] is not None or span.paragraph == 0 or word_count(ctx.body[span.start : span.end]) < 5:
            continue
        prior = [
            i for i in range(k) if ctx.spans[i].paragraph == span.paragraph - 1 and results[i] is not None
        ]
        last_result = results[prior[-1]] if prior else None
        if last_result is None or last_result.speaker.name is None:
            continue
        sentence = (ctx.sentence_start(span.open_mark), ctx.sentence_end(span.after - 1))
        words = {
            w.group(0).lower()
            for w in re.finditer(r"[\w'’]+", ctx.body[sentence[0] : sentence[1]])
            if not ctx.inside_quote(sentence[0] + w.start())
        }
        if words & SPEECH_WORDS:
            continue
        if ctx.refs_between(*sentence, limit=1):
            continue
        if ctx.sentence_start(span.open_mark) != ctx.paras[span.paragraph].start:
            continue  # only a paragraph's first sentence follows on from the paragraph before
        results[k] = Attribution(speaker=last_result.speaker, rule="follow-on-sentence", direct=False)


def share_over_paragraphs(ctx: Context, results: list[Attribution | None]) -> None:
    """A quote over several paragraphs has one speaker, wherever the attribution sits."""
    for k, span in enumerate(ctx.spans):
        if span.continues is None:
            continue
        group = _parts_of_quote(ctx, k)
        parts = [results[i] for i in group]
        known = next((part for part in parts if part is not None and part.rule != "continuation"), None)
        known = known or next((part for part in parts if part is not None), None)
        if known is not None:
            for i in group:
                current = results[i]
                if current is None or current.rule == "continuation":
                    results[i] = Attribution(speaker=known.speaker, rule="continuation", direct=known.direct)


def _parts_of_quote(ctx: Context, k: int) -> list[int]:
    """The spans of the quote that span ``k`` ends: the paragraphs it runs over, first to ``k``."""
    group = [k]
    while (earlier_part := ctx.spans[group[0]].continues) is not None:
        group.insert(0, earlier_part)
    return group


def speech_word_in(text: str) -> bool:
    return any(w.lower() in SPEECH_WORDS for w in re.findall(r"[\w'’]+", text))
