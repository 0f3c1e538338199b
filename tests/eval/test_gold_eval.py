"""The scorer of `drugtrade eval` on a small gold folder written here (its own words, no real text):
the matching rules of the shared set's README, and clear errors for malformed gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drugtrade.extract.cli import main
from drugtrade.extract.gold_eval import GoldError, evaluate_folder, role_matches

ARTICLE = """https://example.org/news/port-seizure
Port seizure
Customs officers at the port found 120 kilograms of cocaine in a container of pineapples.
"We will keep inspecting every container that arrives from the south," said Customs Director Laura Benítez Ortega.
Benítez said the cargo was bound for Rotterdam.
"Nobody is above the law here," the statement added.
"""


def _folder(tmp_path: Path, statements: list[dict], facts: list[dict]) -> Path:
    (tmp_path / "01.txt").write_text(ARTICLE, encoding="utf-8")
    gold = {"articles": {"01.txt": {"statements": statements, "facts": facts}}}
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return tmp_path


def test_scores_follow_the_matching_rules(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        [
            {
                "speaker": "Laura Benítez Ortega",
                "key": "keep inspecting every container that arrives",
                "role": "Customs Director",
                "country": None,
                "cases": ["title_before_name", "verb_before_speaker"],
            },
            {"speaker": "Port Authority", "key": "nobody is above the law", "role": None, "country": None},
        ],
        [
            {"kind": "seizure", "value": 120.0, "unit": "kg", "drug": "cocaine"},
            {"kind": "seizure", "value": 999.0, "unit": "kg", "drug": "cocaine"},
        ],
    )
    report = evaluate_folder(folder)
    totals = report["totals"]
    assert totals["gold_statements"] == 2 and totals["right"] == 1
    assert totals["recall"] == 0.5
    # the second quote is found but its speaker is not the gold one: wrong, listed with its key
    assert totals["attribution_precision"] == 0.5
    assert [m["key"] for m in report["statement_misses"]] == ["nobody is above the law"]
    assert totals["role_accuracy"] == 1.0 and totals["roles_scored"] == 1
    assert totals["figure_recall"] == 0.5
    assert [f["value"] for f in report["figure_misses"]] == [999.0]
    assert report["by_case"]["title_before_name"] == {"gold": 1, "right": 1, "recall": 1.0}


def test_role_matching_compares_title_spellings_and_most_words() -> None:
    assert role_matches("Capt.", "Captain, commanding officer of the cutter")
    assert role_matches(
        "head of the Federal Drug Enforcement Administration", "head of the Drug Enforcement Administration"
    )
    assert not role_matches("Interior Minister", "Finance Minister")
    assert not role_matches(None, "Minister")


@pytest.mark.parametrize(
    ("gold", "message"),
    [
        ({"articles": {"01.txt": {"statements": [{"key": "a b c d e"}]}}}, "statement #1: missing speaker"),
        (
            {"articles": {"01.txt": {"facts": [{"kind": "seizure", "value": 1, "unit": "lb", "drug": "x"}]}}},
            "unit 'lb'",
        ),
        ({"articles": {"02.txt": {"statements": []}}}, "02.txt: article file"),
        ({"files": []}, "needs an 'articles' object"),
    ],
)
def test_malformed_gold_names_the_file_the_article_and_the_entry(
    tmp_path: Path, gold: dict, message: str
) -> None:
    (tmp_path / "01.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    with pytest.raises(GoldError, match=message) as raised:
        evaluate_folder(tmp_path)
    assert str(tmp_path / "gold.json") in str(raised.value)


def test_eval_command_reports_a_bad_folder_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(tmp_path)]) == 2
    error = json.loads(capsys.readouterr().err)
    assert "no gold.json" in error["error"]
