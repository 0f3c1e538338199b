"""Totals of a gold evaluation (``drugtrade eval``): recall and precision figures against their
targets, by case and by article, and the printed report. gold_eval.py scores the articles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drugtrade.extract.gold_eval import ArticleResult

TARGETS = {
    "recall": 0.90,
    "attribution_precision": 0.90,
    "named_speaker_precision": 0.97,
    "role_accuracy": 0.90,
    "country_accuracy": 0.90,
    "figure_recall": 0.90,
}


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def summarise(results: list[ArticleResult]) -> dict[str, Any]:
    statements = [s for r in results for s in r.statements]
    judged = [q for r in results for q in r.judged_quotes]
    named = [q for q in judged if q.speaker]
    facts = [f for r in results for f in r.facts]
    roles = [s.role_right for s in statements if s.role_right is not None]
    countries = [s.country_right for s in statements if s.country_right is not None]
    return {
        "articles": len(results),
        "gold_statements": len(statements),
        "found": sum(s.found for s in statements),
        "right": sum(s.right for s in statements),
        "recall": _ratio(sum(s.right for s in statements), len(statements)),
        "attribution_precision": _ratio(sum(q.right for q in judged), len(judged)),
        "named_speaker_precision": _ratio(sum(q.right for q in named), len(named)),
        "role_accuracy": _ratio(sum(roles), len(roles)),
        "roles_scored": len(roles),
        "country_accuracy": _ratio(sum(countries), len(countries)),
        "countries_scored": len(countries),
        "gold_facts": len(facts),
        "figure_recall": _ratio(sum(f.found for f in facts), len(facts)),
        "extracted_quotes_without_gold_key": sum(r.unmatched_quotes for r in results),
    }


def breakdown_by_case(results: list[ArticleResult]) -> dict[str, dict[str, Any]]:
    cases: dict[str, dict[str, Any]] = {}
    for s in (s for r in results for s in r.statements):
        for case in s.cases:
            row = cases.setdefault(case, {"gold": 0, "right": 0})
            row["gold"] += 1
            row["right"] += s.right
    for row in cases.values():
        row["recall"] = _ratio(row["right"], row["gold"])
    return dict(sorted(cases.items()))


def below_targets(totals: dict[str, Any]) -> list[str]:
    return [
        f"{name} {totals[name]:.3f} < {target:.2f}"
        for name, target in TARGETS.items()
        if totals.get(name) is not None and totals[name] < target
    ]


def _figure(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def format_report(report: dict[str, Any]) -> str:
    t = report["totals"]
    lines = [
        f"gold folder {report['folder']}: {t['articles']} articles, {t['gold_statements']} gold statements, "
        f"{t['gold_facts']} gold facts",
        f"  statement recall (right speaker)  {_figure(t['recall'])}   ({t['right']}/{t['gold_statements']}; "
        f"quote found {t['found']})",
        f"  attribution precision             {_figure(t['attribution_precision'])}",
        f"  named-speaker precision           {_figure(t['named_speaker_precision'])}",
        f"  speaker role accuracy             {_figure(t['role_accuracy'])}   (of {t['roles_scored']})",
        f"  speaker country accuracy          {_figure(t['country_accuracy'])}   (of {t['countries_scored']})",
        f"  figure recall                     {_figure(t['figure_recall'])}",
        f"  extracted quotes with no gold key {t['extracted_quotes_without_gold_key']}",
        "",
        "by case (gold statements, right, recall):",
    ]
    for case, row in report["by_case"].items():
        lines.append(f"  {case:44} {row['gold']:3} {row['right']:3}  {_figure(row['recall'])}")
    lines += ["", "by article (recall, attribution precision, figure recall):"]
    for name, row in report["by_article"].items():
        error = f"  ERROR {row['error']}" if row.get("error") else ""
        lines.append(
            f"  {name:8} {_figure(row['recall'])} {_figure(row['attribution_precision'])} "
            f"{_figure(row['figure_recall'])}{error}"
        )
    lines += ["", "statements missed or wrongly attributed:"]
    for s in report["statement_misses"]:
        how = f"extracted speakers {s['extracted_speakers']}" if s["found"] else "quote not found"
        lines.append(f"  {s['article']} {s['speaker']!r}: {s['key']!r} -- {how}")
    lines += ["", "wrong attributions (extracted quotes holding a gold key):"]
    for q in report["wrong_attributions"]:
        lines.append(
            f"  {q['article']} {q['speaker']!r} instead of {q['gold_speakers']}: {q['quote'][:80]!r}"
        )
    lines += ["", "roles wrong:"]
    for s in report["role_misses"]:
        lines.append(f"  {s['article']} {s['speaker']!r}: {s['extracted_role']!r} vs gold {s['gold_role']!r}")
    lines += ["", "countries wrong:"]
    for s in report["country_misses"]:
        lines.append(
            f"  {s['article']} {s['speaker']!r}: {s['extracted_country']!r} vs gold {s['gold_country']!r}"
        )
    lines += ["", "figures missed:"]
    for f in report["figure_misses"]:
        lines.append(f"  {f['article']} {f['kind']} {f['value']} {f['unit']} {f['drug']}: {f['text']!r}")
    return "\n".join(lines)
