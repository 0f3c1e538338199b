"""What the project's GX custom expectations (column_types, columns_not_null) share: their
library metadata and the string template Data Docs print for them, built as GX's own
expectations build theirs."""

from __future__ import annotations

from typing import Any

from great_expectations.render.components import RenderedStringTemplateContent


def custom_library_metadata(*tags: str) -> dict[str, Any]:
    """GX's ``library_metadata`` of a custom expectation of this project."""
    return {
        "maturity": "experimental",
        "tags": ["table expectation", *tags],
        "contributors": ["drugtrade"],
        "requirements": [],
        "has_full_test_suite": False,
        "manually_reviewed_code": True,
    }


def string_template(
    template: str, params: dict[str, str], runtime_configuration: dict[str, Any] | None
) -> list[RenderedStringTemplateContent]:
    """The prescriptive rendering of an expectation: ``template`` with ``$name`` placeholders
    for ``params``, in the run's styling."""
    styling = (runtime_configuration or {}).get("styling")
    return [
        RenderedStringTemplateContent(
            content_block_type="string_template",
            string_template={"template": template, "params": params, "styling": styling},
        )
    ]
