"""What the project's GX custom expectations (column_types, columns_not_null) share: their
library metadata and their Data Docs renderer, one string template built as GX's own
expectations build theirs."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any

from great_expectations.expectations.expectation import BatchExpectation
from great_expectations.render.components import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import ExpectationValidationResult
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration


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


class TemplatedBatchExpectation(BatchExpectation):
    """A GX batch expectation whose Data Docs line is one string template with ``$name``
    placeholders, as GX's own expectations render theirs; a subclass says what it prints."""

    @classmethod
    @abstractmethod
    def _template(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, str]]:
        """The template and its parameters for an expectation configured with ``kwargs``."""

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(
        cls,
        configuration: ExpectationConfiguration | None = None,
        result: ExpectationValidationResult | None = None,
        runtime_configuration: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[RenderedStringTemplateContent]:
        template, params = cls._template(dict(configuration.kwargs) if configuration else {})
        styling = (runtime_configuration or {}).get("styling")
        return [
            RenderedStringTemplateContent(
                content_block_type="string_template",
                string_template={"template": template, "params": params, "styling": styling},
            )
        ]
