"""One error family: every exception class drugtrade defines derives from DrugtradeError."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import drugtrade
from drugtrade.errors import DrugtradeError


def _public_exception_classes() -> list[type[BaseException]]:
    found = []
    for module_info in pkgutil.walk_packages(drugtrade.__path__, prefix="drugtrade."):
        try:
            module = importlib.import_module(module_info.name)
        except ModuleNotFoundError as error:
            # drugtrade.bi.superset_import runs inside Superset's own environment (make bi)
            assert error.name == "superset", f"{module_info.name}: {error}"
            continue
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and not name.startswith("_")
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


def test_every_public_exception_class_derives_from_the_root():
    classes = _public_exception_classes()
    assert len(classes) >= 25, [c.__qualname__ for c in classes]  # the walk really found them
    outside = [f"{c.__module__}.{c.__qualname__}" for c in classes if not _in_family(c)]
    assert not outside, f"not derived from DrugtradeError: {outside}"


def _in_family(cls: type[BaseException]) -> bool:
    return issubclass(cls, DrugtradeError) or cls is DrugtradeError


def test_a_parse_error_is_caught_as_a_drugtrade_error_and_still_as_a_value_error():
    from drugtrade.normalize.numbers import NotANumber, parse_number

    for family in (DrugtradeError, ValueError, NotANumber):
        try:
            parse_number("not a number")
        except family:
            continue
        raise AssertionError(f"parse_number did not raise {family.__name__}")
