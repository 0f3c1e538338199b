"""Nothing lost: for every source file and every article source, the items read equal the items
loaded plus those quarantined plus those rejected with a reason, counted from what actually
landed in the lake, not from the counters that decided where each item went. A run whose
balance is off fails, naming the source and the numbers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow.parquet as pq

from drugtrade.errors import DrugtradeError

if TYPE_CHECKING:
    from drugtrade.pipeline.articles import ArticleIngestSummary

log = logging.getLogger(__name__)


class BalanceError(DrugtradeError, RuntimeError):
    """Items read do not equal items loaded + quarantined + rejected."""


@dataclass(frozen=True, kw_only=True)
class ItemBalance:
    what: str  # "statistics file cbp_nationwide (nationwide.csv)", "article source sample-news"
    unit: str  # records, pages
    read: int
    loaded: int
    quarantined: int = 0
    rejected: int = 0

    @property
    def accounted(self) -> int:
        return self.loaded + self.quarantined + self.rejected

    def check(self) -> ItemBalance:
        if self.read != self.accounted or min(self.read, self.loaded, self.quarantined, self.rejected) < 0:
            raise BalanceError(
                f"{self.what}: {self.read} {self.unit} read but {self.loaded} loaded + {self.quarantined} quarantined"
                f" + {self.rejected} rejected = {self.accounted}: {self.read - self.accounted} {self.unit} unaccounted for"
            )
        log.info(
            "%s: balance %d %s read = %d loaded + %d quarantined + %d rejected",
            self.what,
            self.read,
            self.unit,
            self.loaded,
            self.quarantined,
            self.rejected,
        )
        return self


def rows_in(path: Path) -> int:
    """Rows of a lake partition file as written (its Parquet footer); 0 when there is none."""
    return pq.ParquetFile(path).metadata.num_rows if path.exists() else 0


def check_landed(what: str, expected: int, path: Path) -> None:
    """The partition file holds exactly the rows the run meant to write."""
    landed = rows_in(path)
    if landed != expected:
        raise BalanceError(f"{what}: {expected} rows meant for {path}, {landed} landed")


def check_article_balance(
    summary: ArticleIngestSummary, lake_dir: Path, partition: dict[str, str]
) -> ItemBalance:
    """Pages a source offered = new articles and versions (in the lake) + pages unchanged or not
    modified since the last run + pages rejected with a reason (in the lake)."""
    from drugtrade import lake

    what = f"article source {summary.source_id} ({summary.ingest_date})"
    new = summary.new_articles + summary.new_versions
    check_landed(what, new, lake.partition_dir(lake_dir, "articles", partition) / lake.PARTITION_FILE)
    rejected = rows_in(lake.partition_dir(lake_dir, "articles_rejected", partition) / lake.PARTITION_FILE)
    return ItemBalance(
        what=what,
        unit="pages",
        read=summary.pages_seen,
        loaded=new + summary.unchanged + summary.not_modified,
        rejected=rejected,
    ).check()
