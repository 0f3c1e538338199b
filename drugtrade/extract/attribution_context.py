"""What the attribution rules of one article consult: its paragraphs, quotes, people and
sentences, with logarithmic look-ups so that every rule stays linear in the text; and the
speaker value the rules hand back."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from drugtrade.extract.people import PeopleIndex, Person, PersonRef
from drugtrade.extract.quotes import Paragraph, QuoteSpan


@dataclass(frozen=True, kw_only=True)
class Speaker:
    name: str | None  # None: unnamed or unresolved, but the quote *is* attributed to someone
    role: str | None = None
    country: str | None = None


UNKNOWN = Speaker(name=None)


SENTENCE_END = re.compile(r"[.!?](?:[\"”’']+)?\s+(?=[\"“‘'(]?[A-ZÀ-Ý0-9])")
ABBREVIATIONS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Capt|Adm|Sgt|Gov|Sen|Rep|Prof|St|Jr|Sr|U\.S|a\.m|p\.m|No|vs)\.$"
)


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


_RECENT_REFS = 64  # coreference looks back over the last references only (recency decides anyway)


@dataclass(kw_only=True)
class Context:
    """Everything about one article the rules consult; built once per call."""

    body: str
    paras: list[Paragraph]
    spans: list[QuoteSpan]
    people: PeopleIndex
    sentence_starts: list[int]
    # organisations quoted so far, by position: "the statement said" speaks for the last of them
    org_speakers: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # sorted keys for bisection: every lookup is logarithmic, so 10k quotes stay linear-ish
        self._ref_starts = [r.start for r in self.people.refs]
        self._open_marks = [s.open_mark for s in self.spans]

    def sentence_start(self, position: int) -> int:
        i = bisect_right(self.sentence_starts, position)
        return self.sentence_starts[i - 1] if i else 0

    def sentence_end(self, position: int) -> int:
        i = bisect_right(self.sentence_starts, position)
        return self.sentence_starts[i] if i < len(self.sentence_starts) else len(self.body)

    def inside_quote(self, position: int) -> bool:
        i = bisect_left(self._open_marks, position)  # spans opening strictly before position
        return i > 0 and position < self.spans[i - 1].after

    def refs_between(self, start: int, end: int, limit: int = _RECENT_REFS) -> tuple[PersonRef, ...]:
        """People references starting in [start, end), at most the last ``limit`` of them."""
        lo = bisect_left(self._ref_starts, start)
        hi = bisect_left(self._ref_starts, end)
        return self.people.refs[max(lo, hi - limit) : hi]


def sentence_starts(body: str, paras: list[Paragraph], spans: list[QuoteSpan]) -> list[int]:
    """Sentence starts, ignoring full stops inside quotations."""
    masked = list(body)
    for span in spans:
        for i in range(span.start, span.end - 1):
            masked[i] = "x" if masked[i] in ".!?" else masked[i]
    text = "".join(masked)
    starts: list[int] = []
    for para in paras:
        starts.append(para.start)
        for match in SENTENCE_END.finditer(text, para.start, para.end):
            if ABBREVIATIONS.search(text[max(para.start, match.start() - 5) : match.start() + 1]):
                continue
            starts.append(match.end())
    return sorted(set(starts))


# ---- speaker phrases -------------------------------------------------------------------------


def speaker_of(person: Person) -> Speaker:
    return Speaker(name=person.name, role=person.role, country=person.country)
