"""Libraries GX imports at start-up for expectations no suite here uses, loaded when first used.

GX 1.24 imports every core expectation when it starts. One of them, the KL-divergence
expectation, imports ``scipy.stats`` and ``altair`` at module level (for its computation and
its chart renderer), as do the KS-test metrics: about a second of every process that validates
(under a real executor each Airflow task of a quality stage is its own process), spent on
modules no suite of this project touches. Importing this module (``drugtrade.quality`` does so
before anything imports GX) calls ``defer()``, which puts a stand-in module in their place
that imports the real one on the first attribute it is asked for, so an expectation that does
use them still gets the real module. (``importlib.util.LazyLoader`` cannot do this on Python
3.11: the import statement reads ``__spec__``, which already executes the module.)

The stand-in carries the module's ``__file__`` from its spec: ``inspect.getmodule`` reads
``__file__`` of every module in ``sys.modules``, and dbt calls ``inspect.stack()`` for each
behaviour flag of its adapter, which would otherwise import both modules (2.5 s) in the
process that runs dbt after GX.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

DEFERRED = ("scipy.stats", "altair")


class DeferredModule(types.ModuleType):
    """Stands in ``sys.modules`` for a module not imported yet; the first attribute read that
    the stand-in does not have imports the module, which then replaces it there."""

    def __getattr__(self, attribute: str) -> Any:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        module = importlib.import_module(name)
        self.__dict__.update(module.__dict__)
        return getattr(module, attribute)


def defer(names: tuple[str, ...] = DEFERRED) -> list[str]:
    """Put a stand-in for each of ``names`` not imported yet; returns those deferred (a module
    that is not installed is left to fail where it is imported)."""
    deferred = []
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        stand_in = DeferredModule(name)
        stand_in.__spec__ = spec
        if spec.has_location:
            stand_in.__file__ = spec.origin
        sys.modules[name] = stand_in
        deferred.append(name)
    return deferred


defer()
