"""The source registry: one dict from name to module, built from an explicit tuple."""

from __future__ import annotations

import importlib
from types import ModuleType

from pricewatch.errors import UnknownSourceError

__all__ = ["SOURCE_NAMES", "all_sources", "base_url_env_var", "get_source"]

# Built-in sources, in refresh order. Each name is a module of this package.
SOURCE_NAMES: tuple[str, ...] = (
    "openrouter",
    "anthropic",
    "openai",
    "google",
    "deepseek",
    "mistral",
    "moonshot",
    "minimax",
    "xai",
)

_loaded: dict[str, ModuleType] = {}


def get_source(name: str) -> ModuleType:
    """The source module called ``name``; raises UnknownSourceError."""
    if name not in SOURCE_NAMES:
        raise UnknownSourceError(name, list(SOURCE_NAMES))
    if name not in _loaded:
        _loaded[name] = importlib.import_module(f"{__name__}.{name}")
    return _loaded[name]


def all_sources() -> list[ModuleType]:
    """Every registered source module, in refresh order."""
    return [get_source(name) for name in SOURCE_NAMES]


def base_url_env_var(name: str) -> str:
    """PRICEWATCH_<NAME>_BASE_URL: the variable that overrides a source's base URL."""
    return "PRICEWATCH_" + name.upper().replace("-", "_") + "_BASE_URL"
