"""Precision, recall and F1 from match counts: the one definition every extraction score uses.

What a score is when there is nothing to count differs by caller (``when_empty``): an article
with no gold quotation and no extracted one has nothing wrong (1.0), while an extractor that
kept no snippet at all has shown nothing right (0.0).
"""

from __future__ import annotations


def precision(true_positives: int, false_positives: int, *, when_empty: float) -> float:
    found = true_positives + false_positives
    return true_positives / found if found else when_empty


def recall(true_positives: int, false_negatives: int, *, when_empty: float) -> float:
    wanted = true_positives + false_negatives
    return true_positives / wanted if wanted else when_empty


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
