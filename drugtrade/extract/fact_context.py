"""The words around a figure in an article: sentences, paragraphs, clause breaks, drug names,
generic drug words, cue words and country mentions, each found in one pass over the text and
looked up by position (bisect), so that reading the context of every figure stays linear in
the length of the text however many figures it holds."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from functools import cached_property

from drugtrade.extract.drugs import CROP_OF, DrugMention, find_drugs
from drugtrade.vocab.countries import CountryMention, find_countries

# Words that say what happened to a quantity (its fact kind).
CUES = {
    "eradication": r"eradicat\w*|destroy\w*|uproot\w*|fumigat\w*|sprayed|cleared|clearing|pulled up|ripped|burn(?:ed|t)",
    "seizure": r"seiz\w*|confiscat\w*|intercept\w*|captur\w*|impound\w*|found|discover\w*|haul\w*|bust\w*|"
    r"recover\w*|netted|caught|stopped|offload\w*|weigh\w*|bales?|packages?|bricks?|shipments?|cargo|stash",
    "production": r"produc\w*|output|manufactur\w*|yield\w*",
    "cultivation": r"cultivat\w*|planted|grown|growing|grow|covering|covered|under coca|acreage|farming|"
    r"dedicated to|crops?|plantations?|fields?",
}
# One pattern for all kinds (one pass over the text), tried only where a word starts.
CUE_PATTERN = re.compile(
    r"(?<!\w)(?:" + "|".join(rf"(?P<{kind}>{p})" for kind, p in CUES.items()) + r")\b", re.IGNORECASE
)
# Words for drugs in general, in lower case: "Drugs" capitalised is mostly inside a name ("United
# Nations Office on Drugs and Crime"). A drug named as part of a mix ("the vast majority of which
# was cocaine") is generic too: the figure is of the mix.
GENERIC_DRUGS = re.compile(
    r"\b(?:drugs|narcotics|narcotic|illegal substances|illicit substances|controlled substances|contraband|"
    r"class [aAbB] (?:drugs|narcotics)|precursors?|precursor chemicals|chemicals)\b"
    r"|\b(?:(?:majority|most|part|much|half|rest|bulk) of (?:which|it|them|the haul)|mostly|mainly|largely|"
    r"primarily|including)\b"
)
CROPS = frozenset({"coca bush", "opium poppy", "marijuana"})
WINDOW = 300  # characters of a sentence kept either side of its figure
PARAGRAPH_WINDOW = 1500
# Words whose full stop does not end a sentence ("Lt. Col. Ruiz", "Jan. 14").
_ABBREVIATIONS = frozenset({
    "mr", "ms", "mrs", "dr", "st", "lt", "no", "sgt", "gen", "col", "capt", "cmdr", "cdr", "supt",
    "adm", "gov", "sen", "rep", "jan", "feb", "mar", "apr", "aug", "sept", "oct", "nov", "dec",
    "vs", "inc", "corp", "co", "jr", "sr", "mt", "ft",
})  # fmt: skip


# A break that starts with spaces is tried only where a run of spaces starts: trying it inside a
# long run would rescan the run from every position (quadratic time).
_CLAUSE_BREAK = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s+|(?<!\s)\s++(?:and that|[–—])\s+|:\s+")


class Spans:
    """Match spans of one pattern over the whole body, found in one pass, looked up by position."""

    def __init__(self, matches: Iterator[re.Match[str]]) -> None:
        self.spans = [m.span() for m in matches]
        self.starts = [span[0] for span in self.spans]

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """Spans starting in [start, end)."""
        return self.spans[bisect_left(self.starts, start) : bisect_left(self.starts, end)]

    def any_within(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, start)
        return i < len(self.starts) and self.starts[i] < end


class FactContext:
    """The body with its sentences, paragraphs, drug and country mentions indexed once."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.paragraphs = _paragraph_starts(body)
        self.sentences = _sentence_starts(body, self.paragraphs)
        self.drugs = find_drugs(body)
        self.drug_starts = [d.start for d in self.drugs]
        self.generic = [(m.start(), m.end()) for m in GENERIC_DRUGS.finditer(body)]
        self.generic_starts = [g[0] for g in self.generic]
        cue_matches: dict[str, list[re.Match[str]]] = {kind: [] for kind in CUES}
        for match in CUE_PATTERN.finditer(body):
            cue_matches[str(match.lastgroup)].append(match)
        self.cues = {kind: Spans(iter(matches)) for kind, matches in cue_matches.items()}
        self.breaks = Spans(_CLAUSE_BREAK.finditer(body))
        crops = Counter(CROP_OF.get(d.drug, d.drug) for d in self.drugs)
        crops = Counter({k: v for k, v in crops.items() if k in CROPS})
        total = sum(crops.values())
        top = crops.most_common(1)
        self.main_crop = top[0][0] if top and top[0][1] >= 0.6 * total else None

    @cached_property
    def countries(self) -> list[CountryMention]:
        # computed only for texts that state a fact: the country pattern is the costliest scan
        return find_countries(self.body, institutions=True)

    @cached_property
    def country_starts(self) -> list[int]:
        return [c.start for c in self.countries]

    @cached_property
    def main_country(self) -> str | None:
        """The country most mentions name, when at least 3 mentions and 60% of them name it."""
        countries = Counter(c.iso3 for c in self.countries)
        most = countries.most_common(1)
        enough = most and most[0][1] >= 3 and most[0][1] >= 0.6 * sum(countries.values())
        return most[0][0] if enough else None

    def sentence(self, position: int) -> tuple[int, int]:
        i = bisect_right(self.sentences, position) - 1
        start = self.sentences[i]
        end = self.sentences[i + 1] if i + 1 < len(self.sentences) else len(self.body)
        return max(start, position - WINDOW), min(end, position + WINDOW)

    def previous_sentence(self, sentence_start: int) -> tuple[int, int] | None:
        """The sentence before, if it is in the same paragraph."""
        i = bisect_right(self.sentences, sentence_start) - 1
        if i <= 0 or self.paragraph_start(sentence_start) > self.sentences[i - 1]:
            return None
        return max(self.sentences[i - 1], sentence_start - WINDOW), self.sentences[i]

    def paragraph_start(self, position: int) -> int:
        start = self.paragraphs[bisect_right(self.paragraphs, position) - 1]
        return max(start, position - PARAGRAPH_WINDOW)

    def drugs_in(self, start: int, end: int) -> list[DrugMention]:
        i = bisect_right(self.drug_starts, start - 1)
        j = bisect_right(self.drug_starts, end - 1)
        return [d for d in self.drugs[i:j] if d.end <= end]

    def generic_in(self, start: int, end: int) -> list[tuple[int, int]]:
        i = bisect_right(self.generic_starts, start - 1)
        j = bisect_right(self.generic_starts, end - 1)
        return self.generic[i:j]

    def countries_in(self, start: int, end: int) -> list[CountryMention]:
        i = bisect_right(self.country_starts, start - 1)
        j = bisect_right(self.country_starts, end - 1)
        return self.countries[i:j]


def _paragraph_starts(body: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer(r"\n", body))]


_BOUNDARY = re.compile(r"[.!?][\"”’]?\s+(?=[\"“]?[A-Z])")


def _sentence_starts(body: str, paragraphs: list[int]) -> list[int]:
    starts = set(paragraphs)
    for boundary in _BOUNDARY.finditer(body):
        word = re.search(r"([\w.]+)[.!?][\"”’]?\s+$", body[max(0, boundary.start() - 12) : boundary.end()])
        token = word.group(1).lower() if word else ""
        if token in _ABBREVIATIONS or len(token.replace(".", "")) == 1 or "." in token:
            continue  # "Lt. Col.", "U.S. Coast Guard", "Staff Sgt. Dave"
        starts.add(boundary.end())
    return sorted(starts)


# A break that starts with spaces is tried only where a run of spaces starts: trying it inside a
# long run would rescan the run from every position (quadratic time).
def clause_of(text: FactContext, sentence: tuple[int, int], position: int) -> tuple[int, int]:
    start, end = sentence
    for brk_start, brk_end in text.breaks.within(*sentence):
        if brk_end <= position:
            start = brk_end
        elif brk_start >= position:
            end = brk_start
            break
    return start, end
