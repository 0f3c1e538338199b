"""Score the extractors against a gold folder in the shared real set's layout (``drugtrade eval``).

A gold folder holds ``NN.txt`` articles (line 1 the URL, line 2 the title, then one paragraph a
line) and one ``gold.json``: ``{"articles": {"NN.txt": {"statements": [...], "facts": [...]}}}``
with statements ``{speaker, key, role, country, cases}`` and facts ``{kind, value, unit, drug,
value_max?, cases}``. Each article goes through the same public path as ``drugtrade statements``
and ``drugtrade facts``: extract_article, then extract_statements / extract_facts on its body.

Matching follows the set's README:

- texts are compared after NFKC, lower case, quote marks removed and whitespace collapsed;
- a gold statement is *found* when an extracted quote contains its key, and *right* when one of
  those quotes has a speaker containing the last token of the gold speaker (no speaker is wrong);
- recall = right / gold; attribution precision = among extracted quotes containing a gold key,
  the share whose speaker matches one of those keys' speakers; named-speaker precision is the
  same share among those quotes that do name a speaker;
- role is right when at least three quarters of the extracted role's words occur in the gold role
  (titles and rank abbreviations compared in one spelling), country when the codes are equal; both are scored over
  the right statements whose gold has a role / a country;
- a gold fact is found when an extracted fact of the same kind, whose drug contains the gold
  drug, has a value (in kg or ha; either end of an extracted range) within 0.5% of the gold value
  (or of either end of a gold range, or between them).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from drugtrade.errors import DrugtradeError
from drugtrade.extract.content import ExtractionError, extract_article
from drugtrade.extract.facts import TextFact, extract_facts
from drugtrade.extract.gold_report import TARGETS, below_targets, breakdown_by_case, format_report, summarise
from drugtrade.extract.statements import Statement, extract_statements

# One gold statement ("speaker", "key", optional "role", "country", "cases") or gold fact
# ("kind", "value", "unit", "drug"), as decoded from the gold JSON.
GoldEntry = dict[str, Any]
# The JSON-ready evaluation report (and its totals): what `drugtrade eval --json` prints.
Report = dict[str, Any]


__all__ = [
    "TARGETS",
    "GoldError",
    "below_targets",
    "evaluate_folder",
    "format_report",
    "load_gold",
    "role_matches",
]

VALUE_TOLERANCE = 0.005
ROLE_SHARE = 0.75
_TO_BASE = {"kg": ("kg", 1.0), "t": ("kg", 1000.0), "ha": ("ha", 1.0)}
# one spelling for titles, so "Capt." in the gold and "Captain" in the text compare equal
_TITLE_SPELLING = {
    "capt": "captain", "cmdr": "commander", "cdr": "commander", "lt": "lieutenant", "col": "colonel",
    "gen": "general", "adm": "admiral", "sgt": "sergeant", "supt": "superintendent", "maj": "major",
    "insp": "inspector", "gov": "governor", "sen": "senator", "rep": "representative", "dep": "deputy",
    "asst": "assistant", "supt.": "superintendent", "cpl": "corporal", "pres": "president",
    "sec": "secretary", "amb": "ambassador", "dir": "director", "comm": "commissioner",
}  # fmt: skip
_ROLE_STOP = frozenset(["the", "a", "an", "of", "for", "and", "at", "in", "on", "to", "with", "'s"])


class GoldError(DrugtradeError, ValueError):
    """A gold folder or entry is malformed; the message names the file, the article and the entry."""


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"['\"‘’“”]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _last_token(speaker: str) -> str:
    tokens = normalise(speaker).split()
    return tokens[-1] if tokens else ""


def _role_words(role: str) -> list[str]:
    words = re.findall(r"\w+", normalise(role).replace("/", " "))
    return [_TITLE_SPELLING.get(w, w) for w in words if w not in _ROLE_STOP]


def role_matches(extracted: str | None, gold: str) -> bool:
    """At least three quarters of the extracted role's words are words of the gold role."""
    words = _role_words(extracted or "")
    gold_words = set(_role_words(gold))
    return bool(words) and sum(w in gold_words for w in words) >= ROLE_SHARE * len(words)


@dataclass(frozen=True, kw_only=True)
class GoldArticle:
    name: str
    path: Path
    statements: tuple[GoldEntry, ...]
    facts: tuple[GoldEntry, ...]


def _check_entry(
    gold_file: Path, name: str, kind: str, position: int, entry: object, needs: set[str]
) -> None:
    if not isinstance(entry, dict) or not needs <= entry.keys():
        missing = sorted(needs - (entry.keys() if isinstance(entry, dict) else set()))
        raise GoldError(f"{gold_file}: {name} {kind} #{position}: missing {', '.join(missing)}")


def load_gold(folder: Path, only: Iterable[str] | None = None) -> list[GoldArticle]:
    """The articles of a gold folder, checked; ``only`` keeps the named articles ("01", "01.txt")."""
    gold_file = folder / "gold.json"
    if not gold_file.is_file():
        raise GoldError(f"{folder}: no gold.json")
    try:
        data = json.loads(gold_file.read_text(encoding="utf-8"))
    except ValueError as error:
        raise GoldError(f"{gold_file}: not JSON ({error})") from None
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, dict):
        raise GoldError(f"{gold_file}: needs an 'articles' object keyed by file name")
    wanted = {n if n.endswith(".txt") else f"{n}.txt" for n in only} if only is not None else None
    found: list[GoldArticle] = []
    for name in sorted(articles):
        if wanted is not None and name not in wanted:
            continue
        entry = articles[name]
        path = folder / name
        if not path.is_file():
            raise GoldError(f"{gold_file}: {name}: article file {path} is missing")
        statements = entry.get("statements", []) if isinstance(entry, dict) else None
        facts = entry.get("facts", []) if isinstance(entry, dict) else None
        if not isinstance(statements, list) or not isinstance(facts, list):
            raise GoldError(f"{gold_file}: {name}: statements and facts must be lists")
        for i, s in enumerate(statements, start=1):
            _check_entry(gold_file, name, "statement", i, s, {"speaker", "key"})
        for i, f in enumerate(facts, start=1):
            _check_entry(gold_file, name, "fact", i, f, {"kind", "value", "unit", "drug"})
            if f["unit"] not in {"kg", "ha"}:
                raise GoldError(f"{gold_file}: {name} fact #{i}: unit {f['unit']!r} is not kg or ha")
        found.append(GoldArticle(name=name, path=path, statements=tuple(statements), facts=tuple(facts)))
    if wanted is not None and len(found) != len(wanted):
        missing = sorted(wanted - {a.name for a in found})
        raise GoldError(f"{gold_file}: no such articles: {', '.join(missing)}")
    return found


def read_article(path: Path) -> tuple[str, str, str]:
    """(url, title, text) of a file in the set's layout; paragraphs become blank-line separated."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) < 3:
        raise GoldError(f"{path}: needs the URL, the title and the text on separate lines")
    text = "\n\n".join(line for line in lines[2:] if line.strip())
    return lines[0].strip(), lines[1].strip(), text


# ---- per-article scoring ---------------------------------------------------------------------


@dataclass(kw_only=True)
class StatementResult:
    article: str
    speaker: str
    key: str
    cases: list[str]
    found: bool
    right: bool
    extracted_speakers: list[str | None]
    gold_role: str | None = None
    extracted_role: str | None = None
    role_right: bool | None = None  # None: not scored (gold has no role or speaker wrong)
    gold_country: str | None = None
    extracted_country: str | None = None
    country_right: bool | None = None


@dataclass(kw_only=True)
class FactResult:
    article: str
    kind: str
    value: float
    unit: str
    drug: str
    text: str | None
    found: bool


@dataclass(kw_only=True)
class QuoteJudgement:
    """One extracted quote that contains at least one gold key."""

    article: str
    quote: str
    speaker: str | None
    right: bool
    gold_speakers: list[str]


@dataclass(kw_only=True)
class ArticleResult:
    name: str
    statements: list[StatementResult] = field(default_factory=list)
    facts: list[FactResult] = field(default_factory=list)
    judged_quotes: list[QuoteJudgement] = field(default_factory=list)
    unmatched_quotes: int = 0  # extracted quotes containing no gold key
    error: str | None = None


def _speaker_right(speaker: str | None, gold_speaker: str) -> bool:
    return bool(speaker) and _last_token(gold_speaker) in normalise(speaker or "")


def _fact_matches(fact: TextFact, gold: GoldEntry) -> bool:
    base = _TO_BASE.get(fact.unit)
    if base is None or base[0] != gold["unit"] or fact.kind != gold["kind"]:
        return False
    if not fact.drug or gold["drug"].lower() not in fact.drug.lower():
        return False
    low, high = float(gold["value"]), float(gold.get("value_max") or gold["value"])
    extracted_max = getattr(fact, "value_max", None)
    values = [fact.value * base[1]] + ([extracted_max * base[1]] if extracted_max is not None else [])

    def near(value: float, target: float) -> bool:
        return abs(value - target) <= VALUE_TOLERANCE * abs(target)

    # a value (either end of an extracted range) near either end of the gold one, or between them
    return any(near(v, low) or near(v, high) or low <= v <= high for v in values)


def score_statements(name: str, gold: Iterable[GoldEntry], extracted: list[Statement]) -> ArticleResult:
    result = ArticleResult(name=name)
    normalised = [normalise(s.quote) for s in extracted]
    golds = list(gold)
    keys = [normalise(g["key"]) for g in golds]
    for g, key in zip(golds, keys, strict=True):
        holders = [s for s, q in zip(extracted, normalised, strict=True) if key in q]
        right_speakers = [s for s in holders if _speaker_right(s.speaker, g["speaker"])]
        item = StatementResult(
            article=name,
            speaker=g["speaker"],
            key=g["key"],
            cases=list(g.get("cases") or []),
            found=bool(holders),
            right=bool(right_speakers),
            extracted_speakers=[s.speaker for s in holders],
            gold_role=g.get("role"),
            gold_country=g.get("country"),
        )
        if right_speakers:
            best = right_speakers[0]
            item.extracted_role, item.extracted_country = best.speaker_role, best.speaker_country
            if g.get("role"):
                item.role_right = role_matches(best.speaker_role, g["role"])
            if g.get("country"):
                item.country_right = best.speaker_country == g["country"]
        result.statements.append(item)
    for s, q in zip(extracted, normalised, strict=True):
        speakers = [g["speaker"] for g, key in zip(golds, keys, strict=True) if key in q]
        if not speakers:
            result.unmatched_quotes += 1
            continue
        right = any(_speaker_right(s.speaker, sp) for sp in speakers)
        result.judged_quotes.append(
            QuoteJudgement(
                article=name,
                quote=s.quote,
                speaker=s.speaker,
                right=right,
                gold_speakers=sorted(set(speakers)),
            )
        )
    return result


def score_article(article: GoldArticle) -> ArticleResult:
    url, _title, text = read_article(article.path)
    try:
        extracted = extract_article(text, url=url or article.path.as_uri(), content_type="text/plain")
    except ExtractionError as error:
        result = ArticleResult(name=article.name, error=str(error))
        body_statements: list[Statement] = []
        body_facts: list[TextFact] = []
    else:
        body_statements = extract_statements(extracted.body)
        body_facts = extract_facts(extracted.body, extracted.published_date)
        result = ArticleResult(name=article.name)
    scored = score_statements(article.name, article.statements, body_statements)
    result.statements, result.judged_quotes = scored.statements, scored.judged_quotes
    result.unmatched_quotes = scored.unmatched_quotes
    for g in article.facts:
        result.facts.append(
            FactResult(
                article=article.name,
                kind=g["kind"],
                value=float(g["value"]),
                unit=g["unit"],
                drug=g["drug"],
                text=g.get("text"),
                found=any(_fact_matches(f, g) for f in body_facts),
            )
        )
    return result


def evaluate_folder(folder: Path, only: Iterable[str] | None = None) -> Report:
    """The whole report as one JSON-ready dict: totals, by case, by article, misses."""
    results = [score_article(a) for a in load_gold(folder, only)]
    return {
        "folder": str(folder),
        "targets": TARGETS,
        "totals": summarise(results),
        "by_case": breakdown_by_case(results),
        "by_article": {r.name: {**summarise([r]), "error": r.error} for r in results},
        "statement_misses": [asdict(s) for r in results for s in r.statements if not s.right],
        "wrong_attributions": [asdict(q) for r in results for q in r.judged_quotes if not q.right],
        "role_misses": [asdict(s) for r in results for s in r.statements if s.role_right is False],
        "country_misses": [asdict(s) for r in results for s in r.statements if s.country_right is False],
        "figure_misses": [asdict(f) for r in results for f in r.facts if not f.found],
    }
