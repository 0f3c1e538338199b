"""Precision, recall and F1 of extract_statements on the evaluation set (tests/eval/articles).

    .venv/bin/python scripts/evaluate_statements.py [PATH ...] [-v]

PATH: gold files, articles with a gold file next to them, or folders (default: the whole set).
-v lists the missed and spurious pairs of each article.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drugtrade.extract.evaluate import evaluate, format_score

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "eval" / "articles"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    print(format_score(evaluate(args.paths), verbose=args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
