"""What a validation found, in a form people and the pipeline both read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drugtrade.errors import DrugtradeError

SAMPLE_SIZE = 5


@dataclass(frozen=True, kw_only=True)
class ExpectationOutcome:
    expectation: str  # type and columns, e.g. "expect_column_values_to_be_between(value)"
    severity: str  # critical | warning
    success: bool
    observed_value: str | None
    unexpected_count: int | None
    unexpected_sample: list[Any] = field(default_factory=list)  # up to 5 JSON-able values or rows
    column: str | None = None  # the columns, comma-separated; None for table-level expectations
    why: str = ""


@dataclass(frozen=True, kw_only=True)
class ValidationReport:
    run_id: str
    stage: str
    dataset: str
    success: bool  # no critical expectation failed
    outcomes: list[ExpectationOutcome]
    rows_validated: int
    validated_at: datetime
    suite_name: str = ""

    def failed_critical(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    def failed_warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "warning"]

    def summary_text(self) -> str:
        failed = self.failed_critical() + self.failed_warnings()
        verdict = "FAILED" if not self.success else ("passed with warnings" if failed else "passed")
        lines = [
            f"{self.stage}/{self.dataset} (run {self.run_id}): {verdict}: "
            f"{len(self.outcomes)} expectations on {self.rows_validated} rows, "
            f"{len(self.failed_critical())} critical and {len(self.failed_warnings())} warning failed"
        ]
        for outcome in failed:
            line = f"  [{outcome.severity}] {outcome.expectation}"
            if outcome.unexpected_count is not None:
                line += f": {outcome.unexpected_count} unexpected"
            if outcome.observed_value is not None:
                line += f"; observed {outcome.observed_value}"
            lines.append(line)
            if outcome.why:
                lines.append(f"      why: {outcome.why}")
            for sample in outcome.unexpected_sample:
                lines.append(f"      e.g. {json.dumps(sample, ensure_ascii=False, default=str)}")
        return "\n".join(lines)


class QualityGateError(DrugtradeError, RuntimeError):
    """A critical expectation failed; the message is the summary of every failing report."""

    def __init__(self, *reports: ValidationReport) -> None:
        super().__init__("\n".join(report.summary_text() for report in reports))
        self.reports = list(reports)
        self.report = reports[0]


def gate(*reports: ValidationReport) -> None:
    """Stop the pipeline when a critical expectation failed in any report; warnings pass."""
    failed = [report for report in reports if report.failed_critical()]
    if failed:
        raise QualityGateError(*failed)
