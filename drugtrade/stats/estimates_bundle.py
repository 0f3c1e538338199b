"""Build ``sources/statistics/coca_estimates.csv`` from the curated figures in ``shared/data``
(``coca_cultivation.csv``, hectares; ``cocaine_production.csv``, metric tons) in the long shape
the ``production_estimates`` family reads: one figure per row, with measure, unit and estimator.

Every value, estimator, source, URL and note is copied as it is; ``derived_from`` names the
file and line each row came from. Rows with the same figure from two sources stay two rows.

    .venv/bin/python -m drugtrade.stats.estimates_bundle            # rewrite the bundled CSV
    .venv/bin/python -m drugtrade.stats.estimates_bundle --check    # exit 1 if it differs
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from drugtrade.config import PROJECT_ROOT, SHARED_MATERIAL_DIR
from drugtrade.generated import write_or_check

SHARED_DATA = SHARED_MATERIAL_DIR / "data"
OUTPUT = PROJECT_ROOT / "sources" / "statistics" / "coca_estimates.csv"

COLUMNS = (
    "country",
    "iso3",
    "year",
    "drug",
    "measure",
    "value",
    "unit",
    "estimator",
    "measure_as_published",
    "source",
    "source_url_or_doc",
    "notes",
    "derived_from",
)

# (file, value column, drug, measure, unit)
INPUTS = (
    ("coca_cultivation.csv", "hectares", "coca bush", "cultivation", "ha"),
    ("cocaine_production.csv", "tonnes", "cocaine", "potential_production", "t"),
)


def build(data_dir: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for file_name, value_column, drug, measure, unit in INPUTS:
        path = data_dir / file_name
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            expected = {
                "country",
                "iso3",
                "year",
                value_column,
                "estimator",
                "source",
                "source_url_or_doc",
                "notes",
            }
            missing = expected - set(reader.fieldnames or ())
            if missing:
                raise ValueError(
                    f"{path}: missing columns {sorted(missing)}; header seen: {reader.fieldnames}"
                )
            for record in reader:
                rows.append(
                    {
                        "country": record["country"],
                        "iso3": record["iso3"],
                        "year": record["year"],
                        "drug": drug,
                        "measure": measure,
                        "value": record[value_column],
                        "unit": unit,
                        "estimator": record["estimator"],
                        "measure_as_published": record.get("measure", ""),
                        "source": record["source"],
                        "source_url_or_doc": record["source_url_or_doc"],
                        "notes": record["notes"],
                        "derived_from": f"shared/data/{file_name}:{reader.line_num}",
                    }
                )
    return rows


def render(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=SHARED_DATA)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare with the bundled file, write nothing")
    args = parser.parse_args(argv)
    text = render(build(args.data_dir))
    return write_or_check(
        args.output,
        text,
        check=args.check,
        made_from=str(args.data_dir),
        wrote=f" ({len(text.splitlines()) - 1} rows)",
    )


if __name__ == "__main__":
    raise SystemExit(main())
