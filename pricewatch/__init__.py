"""pricewatch: a tracker of LLM API prices.

Subpackages: ``pricewatch.scraper`` (getting prices in, the store),
``pricewatch.analysis`` (pure computations), ``pricewatch.cli`` (the front door).

The Python API (``pricewatch.api``) is re-exported here on first use, so ``import
pricewatch`` loads nothing else: ``pricewatch.price(...)``, ``pricewatch.cost(...)``,
``pricewatch.resolve(...)``, ``pricewatch.History(db=...)``. The import is by name (the
layer rules keep every lower module free of the API, and ``pricewatch.scraper.http`` imports
this package for its version); type checkers see the names in ``pricewatch.api``.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
__all__ = [
    "Cost",
    "CostPart",
    "History",
    "Model",
    "Price",
    "__version__",
    "cost",
    "history",
    "price",
    "resolve",
]

_API = frozenset({"Cost", "CostPart", "History", "Model", "Price", "cost", "history", "price", "resolve"})


def __getattr__(name: str) -> Any:
    """The API's names, imported when first asked for (PEP 562)."""
    if name in _API:
        return getattr(importlib.import_module("pricewatch.api"), name)
    raise AttributeError(f"module 'pricewatch' has no attribute {name!r}")
