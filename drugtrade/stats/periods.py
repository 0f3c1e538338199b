"""Reporting periods: calendar years and US federal fiscal-year months."""

from __future__ import annotations

import calendar
import re
from datetime import date

from drugtrade.errors import DrugtradeError
from drugtrade.stats.records import Period

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_name) if name})
MONTHS["sept"] = 9

# "2019", "FY2019", "FY 2019", "2026 (FYTD)", "FY2026 (FYTD)"
_FISCAL_YEAR = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*(\(\s*FYTD\s*\)|FYTD)?\s*$", re.IGNORECASE)


class PeriodError(DrugtradeError, ValueError):
    """A period label that cannot be read."""


def latest_year() -> int:
    # Figures for next year are refused as typos rather than taken as forecasts.
    return date.today().year + 1


def check_year(year: int) -> None:
    if not 1900 <= year <= latest_year():
        raise PeriodError(f"year out of range: {year} (1900..{latest_year()})")


def calendar_year(year: int, label: str | None = None) -> Period:
    check_year(year)
    return Period(start=date(year, 1, 1), end=date(year, 12, 31), label=label or str(year))


def parse_fiscal_year(label: str) -> tuple[int, bool]:
    """``'2019'`` -> (2019, False); ``'2026 (FYTD)'`` -> (2026, True): fiscal year to date."""
    match = _FISCAL_YEAR.match(label)
    if match is None:
        raise PeriodError(f"unreadable fiscal year {label!r}")
    return int(match.group(1)), match.group(2) is not None


def fiscal_month(fiscal_year_label: str, month_label: str) -> Period:
    """A month of the US federal fiscal year (October to September): FY2019 OCT is October 2018."""
    fiscal_year, partial = parse_fiscal_year(fiscal_year_label)
    month = MONTHS.get(month_label.strip().lower().rstrip("."))
    if month is None:
        raise PeriodError(f"unreadable month {month_label!r}")
    year = fiscal_year - 1 if month >= 10 else fiscal_year
    check_year(year)
    last_day = calendar.monthrange(year, month)[1]
    label = f"FY{fiscal_year_label.strip().removeprefix('FY').strip()} {month_label.strip()}"
    return Period(
        start=date(year, month, 1),
        end=date(year, month, last_day),
        label=label,
        is_partial=partial,
        fiscal_year=fiscal_year,
    )
