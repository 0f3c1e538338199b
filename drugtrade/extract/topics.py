"""Topic tags for statements and articles, from the taxonomy kept as a dbt seed.

The seed (dbt_project/seeds/topic_taxonomy.csv: topic, label, description, keywords) is the one
place topics are defined; the warehouse joins on the same file. Keywords are matched
case-insensitively on word boundaries; a trailing ``*`` matches any ending ("eradicat*").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from drugtrade.config import REPO_SEEDS_DIR
from drugtrade.errors import DrugtradeError

TAXONOMY_CSV = REPO_SEEDS_DIR / "topic_taxonomy.csv"


@dataclass(frozen=True, kw_only=True)
class Topic:
    topic: str
    label: str
    description: str
    keywords: tuple[str, ...]


class TaxonomyError(DrugtradeError, ValueError):
    """The taxonomy seed is malformed; the message names the file and the row."""


@cache
def load_taxonomy(path: Path = TAXONOMY_CSV) -> tuple[Topic, ...]:
    topics: list[Topic] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            keywords = tuple(k.strip() for k in (row.get("keywords") or "").split("|") if k.strip())
            if not row.get("topic") or not keywords:
                raise TaxonomyError(f"{path}: row {line}: a topic needs a name and at least one keyword")
            topics.append(
                Topic(
                    topic=row["topic"], label=row["label"], description=row["description"], keywords=keywords
                )
            )
    return tuple(topics)


def _keyword_pattern(keyword: str) -> str:
    if keyword.endswith("*"):
        return r"\b" + re.escape(keyword[:-1]) + r"[\w-]*"
    return r"\b" + re.escape(keyword) + r"\b"


@cache
def _matchers(path: Path = TAXONOMY_CSV) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (t.topic, re.compile("|".join(_keyword_pattern(k) for k in t.keywords), re.IGNORECASE))
        for t in load_taxonomy(path)
    )


def tag_topics(text: str, path: Path = TAXONOMY_CSV) -> tuple[str, ...]:
    """The topics whose keywords occur in ``text``, in taxonomy order."""
    return tuple(topic for topic, pattern in _matchers(path) if pattern.search(text))
