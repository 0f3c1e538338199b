"""The statement extractor against the hand-written evaluation set (tests/eval/articles)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drugtrade.extract.evaluate import SHARED_DIR, Score, evaluate, format_score, gold_files

ARTICLES = Path(__file__).resolve().parent / "articles"
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.90
F1_TARGET = 2 * PRECISION_TARGET * RECALL_TARGET / (PRECISION_TARGET + RECALL_TARGET)


@pytest.fixture(scope="module")
def score() -> Score:
    return evaluate([ARTICLES])


def test_the_set_is_large_enough_and_covers_the_hard_cases() -> None:
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in gold_files([ARTICLES])]
    written = [g for g in golds if "article" in g and not g["article"].startswith("../")]
    assert len(written) >= 12
    covered = {c for g in golds for c in g.get("covers", [])}
    for case in (
        "nested-quotes",
        "quote-spanning-paragraphs",
        "curly-quotes",
        "straight-quotes",
        "spanish-two-surnames",
        "two-speakers-one-paragraph",
        "pronoun-added",
        "unattributed-quote",
        "scare-quotes",
        "pull-quote",
    ):
        assert case in covered, case


def test_overall_precision_and_recall_meet_the_targets(score: Score) -> None:
    print(format_score(score))
    assert score.scored >= 12
    assert score.precision >= PRECISION_TARGET, format_score(score, verbose=True)
    assert score.recall >= RECALL_TARGET, format_score(score, verbose=True)
    assert score.f1 >= F1_TARGET, format_score(score, verbose=True)


@pytest.mark.parametrize("split", ["heldout", "heldout2"])
def test_held_out_articles_meet_the_targets(score: Score, split: str) -> None:
    sub = score.subset(split)
    assert sub.scored >= 3
    assert sub.precision >= PRECISION_TARGET and sub.recall >= RECALL_TARGET, format_score(sub, verbose=True)


def test_real_article_gold_stores_no_quote_text(score: Score) -> None:
    gold = json.loads(
        (ARTICLES / "insightcrime-us-security-strategy-2017.gold.json").read_text(encoding="utf-8")
    )
    assert all(set(s) == {"speaker", "start", "end", "sha256"} for s in gold["statements"])
    real = next(a for a in score.articles if a.name == "insightcrime-us-security-strategy-2017")
    if real.skipped:
        pytest.skip(f"real article absent ({SHARED_DIR} missing): {real.skipped}")
    assert real.precision >= PRECISION_TARGET and real.recall >= RECALL_TARGET


def test_a_wrong_speaker_counts_as_a_miss_and_a_false_positive(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Talks on the border\n\nInterior Minister Ana Ruiz Soto and Senator Pablo Mora met in Quito on Monday.\n\n"
        '"We will inspect every container that leaves the port," Ruiz said.\n',
        encoding="utf-8",
    )
    (tmp_path / "a.gold.json").write_text(
        json.dumps(
            {
                "article": "a.txt",
                "statements": [
                    {"speaker": "Pablo Mora", "quote": "We will inspect every container that leaves the port"}
                ],
            }
        ),
        encoding="utf-8",
    )
    result = evaluate([tmp_path]).articles[0]
    assert (result.true_positives, result.false_positives, result.false_negatives) == (0, 1, 1)
