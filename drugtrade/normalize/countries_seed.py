"""Build ``dbt_project/seeds/countries.csv``: every ISO 3166-1 country with its UN M49 region.

Codes and names come from pycountry (the ISO 3166 data of Debian's iso-codes). The M49
classification comes from the data file that the ``country_converter`` package ships
(``country_converter/country_data.tsv``, column ``UNregion``), read directly as a table: the
package's module is not imported. The seed is committed, so only whoever regenerates it needs
country_converter installed::

    .venv/bin/pip install country_converter
    .venv/bin/python -m drugtrade.normalize.countries_seed            # rewrite the seed
    .venv/bin/python -m drugtrade.normalize.countries_seed --check    # exit 1 if it differs

``subregion`` is M49's intermediate region where M49 has one (Caribbean, South America, Eastern
Africa...) and its sub-region otherwise (Northern America, Southern Asia...), as country_converter
records it; ``region`` is the M49 region above it. Antarctica has no M49 region and keeps both
blank.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import io
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import pycountry

from drugtrade.config import REPO_SEEDS_DIR
from drugtrade.generated import write_or_check
from drugtrade.vocab.countries import FORMER_AND_USER_ASSIGNED

SEED_PATH = REPO_SEEDS_DIR / "countries.csv"

# The M49 hierarchy above each (intermediate) sub-region: UN Statistics Division, "Standard
# country or area codes for statistical use (M49)".
M49_REGION_OF: dict[str, str] = {
    "Northern Africa": "Africa",
    "Eastern Africa": "Africa",
    "Middle Africa": "Africa",
    "Southern Africa": "Africa",
    "Western Africa": "Africa",
    "Caribbean": "Americas",
    "Central America": "Americas",
    "South America": "Americas",
    "Northern America": "Americas",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Western Asia": "Asia",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}


@dataclass(frozen=True, kw_only=True)
class CountryRow:
    iso3: str
    iso2: str
    name: str
    region: str
    subregion: str


def country_converter_data() -> Path:
    """Path of country_converter's data file, found through the installed distribution."""
    try:
        distribution = importlib.metadata.distribution("country_converter")
    except importlib.metadata.PackageNotFoundError:
        raise FileNotFoundError(
            "country_converter is not installed: `.venv/bin/pip install country_converter` to regenerate the seed"
        ) from None
    path = Path(str(distribution.locate_file("country_converter/country_data.tsv")))
    if not path.is_file():
        raise FileNotFoundError(f"country_converter {distribution.version} has no data file at {path}")
    return path


def read_m49_subregions(data_file: Path) -> dict[str, str]:
    """ISO3 -> M49 (intermediate) sub-region, from country_converter's ``UNregion`` column."""
    with data_file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = {"ISO3", "UNregion"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{data_file}: expected columns {sorted(missing)}, saw {reader.fieldnames}")
        return {row["ISO3"]: row["UNregion"].strip() for row in reader if row["ISO3"]}


def build_rows(subregions: dict[str, str]) -> list[CountryRow]:
    rows: list[CountryRow] = []
    for country in pycountry.countries:
        subregion = subregions.get(country.alpha_3, "")
        region = M49_REGION_OF.get(subregion, "")
        if not region:
            subregion = ""  # e.g. Antarctica: country_converter's "Antarctica" is not an M49 area
        name = getattr(country, "common_name", None) or country.name
        rows.append(
            CountryRow(
                iso3=country.alpha_3, iso2=country.alpha_2, name=name, region=region, subregion=subregion
            )
        )
    current = {row.iso3 for row in rows}
    for former in FORMER_AND_USER_ASSIGNED:
        if former.iso3 not in current:
            rows.append(
                CountryRow(
                    iso3=former.iso3,
                    iso2=former.iso2,
                    name=former.name,
                    region=former.region,
                    subregion=former.subregion,
                )
            )
    return sorted(rows, key=lambda row: row.iso3)


def render(rows: list[CountryRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.name for f in fields(CountryRow)])
    writer.writerows(astuple(row) for row in rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed seed, write nothing")
    parser.add_argument("--output", type=Path, default=SEED_PATH)
    args = parser.parse_args(argv)
    text = render(build_rows(read_m49_subregions(country_converter_data())))
    return write_or_check(args.output, text, check=args.check, made_from="pycountry + country_converter")


if __name__ == "__main__":
    raise SystemExit(main())
