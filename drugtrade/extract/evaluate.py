"""Score extract_statements against hand-written gold files: precision, recall and F1 of
(speaker, quote) pairs, per article and overall (micro-averaged).

A gold file ``NAME.gold.json`` sits next to its article and reads either

    {"article": "NAME.txt", "statements": [{"speaker": "...", "quote": "..."}, ...]}

or, for an article whose text may not be copied into the project (a real article kept in
../shared), no quote text at all:

    {"shared_article": "samples/articles/x.txt",
     "statements": [{"speaker": "...", "start": 10, "end": 42, "sha256": "..."}, ...]}

where ``sha256`` is the hex digest of the normalised quote (statements.normalise_quote, UTF-8)
and start/end are offsets into the body extract_article returns. A predicted pair matches a
gold pair when the speakers are equal (None is a speaker value too) and the quotes are equal
once normalised (or have the same digest), or their offsets overlap by at least 90% (the
intersection over the union). Each gold pair matches at most one prediction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drugtrade.config import SHARED_MATERIAL_DIR
from drugtrade.errors import DrugtradeError
from drugtrade.extract import scoring
from drugtrade.extract.content import extract_article
from drugtrade.extract.statements import Statement, extract_statements, normalise_quote

SHARED_DIR = SHARED_MATERIAL_DIR
OVERLAP = 0.9
# A gold file as decoded from JSON: "article" or "shared_article" names the article, "split",
# and "statements", each with "speaker" and "quote" or "sha256"/"start"/"end".
GoldFile = dict[str, Any]
GoldStatement = dict[str, Any]


class GoldFileError(DrugtradeError, ValueError):
    """A gold file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, kw_only=True)
class ArticleScore:
    name: str
    split: str
    true_positives: int
    false_positives: int
    false_negatives: int
    skipped: str | None = None  # why the article was not scored (its source is absent)
    misses: tuple[str, ...] = ()  # gold pairs not found, for the report
    spurious: tuple[str, ...] = ()  # predictions that match no gold pair

    @property
    def precision(self) -> float:
        return scoring.precision(self.true_positives, self.false_positives, when_empty=1.0)

    @property
    def recall(self) -> float:
        return scoring.recall(self.true_positives, self.false_negatives, when_empty=1.0)

    @property
    def f1(self) -> float:
        return scoring.f1(self.precision, self.recall)


@dataclass(frozen=True, kw_only=True)
class Score:
    articles: tuple[ArticleScore, ...]

    def subset(self, split: str | None) -> Score:
        return Score(articles=tuple(a for a in self.articles if split is None or a.split == split))

    def _sum(self, attr: str) -> int:
        return sum(getattr(a, attr) for a in self.articles if a.skipped is None)

    @property
    def precision(self) -> float:
        return scoring.precision(self._sum("true_positives"), self._sum("false_positives"), when_empty=1.0)

    @property
    def recall(self) -> float:
        return scoring.recall(self._sum("true_positives"), self._sum("false_negatives"), when_empty=1.0)

    @property
    def f1(self) -> float:
        return scoring.f1(self.precision, self.recall)

    @property
    def scored(self) -> int:
        return sum(1 for a in self.articles if a.skipped is None)


def quote_digest(quote: str) -> str:
    return hashlib.sha256(normalise_quote(quote).encode("utf-8")).hexdigest()


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def _matches(gold: GoldStatement, predicted: Statement) -> bool:
    if gold.get("speaker") != predicted.speaker:
        return False
    if "quote" in gold and normalise_quote(gold["quote"]) == normalise_quote(predicted.quote):
        return True
    if "sha256" in gold and gold["sha256"] == quote_digest(predicted.quote):
        return True
    if "start" in gold and "end" in gold:
        return _overlap((gold["start"], gold["end"]), (predicted.start, predicted.end)) >= OVERLAP
    return False


def _describe(gold: GoldStatement) -> str:
    quote = gold.get("quote") or f"[{gold.get('start')}:{gold.get('end')}]"
    return f"{gold.get('speaker')!r}: {quote[:70]!r}"


def _article_path(gold_path: Path, gold: GoldFile) -> Path | None:
    if "article" in gold:
        article: str = gold["article"]
        return gold_path.parent / article
    if "shared_article" in gold:
        shared_article: str = gold["shared_article"]
        return (SHARED_DIR / shared_article).resolve()
    raise GoldFileError(f"{gold_path}: needs 'article' or 'shared_article'")


def score_article(gold_path: Path) -> ArticleScore:
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise GoldFileError(f"{gold_path}: not JSON ({error})") from None
    name = gold_path.name.removesuffix(".gold.json")
    split = gold.get("split", "dev")
    article_path = _article_path(gold_path, gold)
    if article_path is None or not article_path.exists():
        return ArticleScore(
            name=name,
            split=split,
            true_positives=0,
            false_positives=0,
            false_negatives=0,
            skipped=f"article not found: {article_path}",
        )
    for position, entry in enumerate(gold.get("statements", []), start=1):
        if "speaker" not in entry or not (
            {"quote"} <= entry.keys() or {"sha256", "start", "end"} <= entry.keys()
        ):
            raise GoldFileError(
                f"{gold_path}: statement #{position} needs speaker and quote (or start, end, sha256)"
            )
    article = extract_article(article_path.read_bytes(), url=article_path.resolve().as_uri())
    predicted = extract_statements(article.body)
    unmatched = list(predicted)
    true_positives = 0
    misses: list[str] = []
    for entry in gold["statements"]:
        hit = next((p for p in unmatched if _matches(entry, p)), None)
        if hit is None:
            misses.append(_describe(entry))
        else:
            unmatched.remove(hit)
            true_positives += 1
    return ArticleScore(
        name=name,
        split=split,
        true_positives=true_positives,
        false_positives=len(unmatched),
        false_negatives=len(misses),
        misses=tuple(misses),
        spurious=tuple(f"{p.speaker!r}: {p.quote[:70]!r} ({p.attribution})" for p in unmatched),
    )


def gold_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob("*.gold.json")))
        elif path.name.endswith(".gold.json"):
            found.append(path)
        else:
            candidate = path.with_name(path.name.rsplit(".", 1)[0] + ".gold.json")
            if not candidate.exists():
                raise GoldFileError(f"{path}: no gold file {candidate.name} next to it")
            found.append(candidate)
    return found


def evaluate(paths: list[Path] | list[str]) -> Score:
    """Score every gold file found in ``paths`` (directories, gold files or articles)."""
    return Score(articles=tuple(score_article(p) for p in gold_files([Path(p) for p in paths])))


def format_score(score: Score, verbose: bool = False) -> str:
    lines = [f"{'article':42} {'split':8} {'P':>6} {'R':>6} {'F1':>6}  tp fp fn"]
    for a in score.articles:
        if a.skipped:
            lines.append(f"{a.name:42} {a.split:8} skipped: {a.skipped}")
            continue
        lines.append(
            f"{a.name:42} {a.split:8} {a.precision:6.3f} {a.recall:6.3f} {a.f1:6.3f}  "
            f"{a.true_positives:2} {a.false_positives:2} {a.false_negatives:2}"
        )
        if verbose:
            lines += [f"    missed   {m}" for m in a.misses] + [f"    spurious {s}" for s in a.spurious]
    for split in sorted({a.split for a in score.articles}):
        sub = score.subset(split)
        lines.append(
            f"{'overall ' + split:42} {'':8} {sub.precision:6.3f} {sub.recall:6.3f} {sub.f1:6.3f}  "
            f"({sub.scored} articles)"
        )
    lines.append(
        f"{'overall':42} {'':8} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f}  "
        f"({score.scored} articles)"
    )
    return "\n".join(lines)
