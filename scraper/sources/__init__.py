"""The source registry: one dict from name to module, built from an explicit tuple."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from types import ModuleType
from urllib.parse import urlsplit

from pricewatch.errors import UnknownSourceError

__all__ = [
    "SOURCE_NAMES",
    "all_sources",
    "api_keys_from_env",
    "base_url_env_var",
    "base_url_from_env",
    "get_source",
]

# Built-in sources, in refresh order. Each name is a module of this package (a "-" in the
# name is a "_" in the module's: openrouter-endpoints is openrouter_endpoints.py).
SOURCE_NAMES: tuple[str, ...] = (
    "openrouter",
    "openrouter-endpoints",
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
        _loaded[name] = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
    return _loaded[name]


def all_sources() -> list[ModuleType]:
    """Every registered source module, in refresh order."""
    return [get_source(name) for name in SOURCE_NAMES]


def base_url_env_var(name: str) -> str:
    """PRICEWATCH_<NAME>_BASE_URL: the variable that overrides a source's base URL."""
    return "PRICEWATCH_" + name.upper().replace("-", "_") + "_BASE_URL"


def base_url_from_env(name: str, environ: Mapping[str, str]) -> str | None:
    """A source's base URL override: its own variable, else that of the source its ``BASE_URL_OF``
    names (openrouter-endpoints reads OpenRouter's host: PRICEWATCH_OPENROUTER_BASE_URL)."""
    names = [name]
    if name in SOURCE_NAMES:
        shared = getattr(get_source(name), "BASE_URL_OF", None)
        if shared:
            names.append(shared)
    return next((environ[v] for v in map(base_url_env_var, names) if environ.get(v)), None)


def api_keys_from_env(
    modules: Iterable[ModuleType], base_urls: Mapping[str, str], environ: Mapping[str, str]
) -> dict[str, str]:
    """{host: API key} for the sources that take an optional key (``API_KEY_ENV``) set in ``environ``.

    The key goes to the host of the source's base URL only (``Fetcher(bearer=...)``), as
    ``Authorization: Bearer KEY``; it is never logged or stored.
    """
    keys: dict[str, str] = {}
    for module in modules:
        variable = getattr(module, "API_KEY_ENV", None)
        key = environ.get(variable, "").strip() if variable else ""
        if key:
            base = base_urls.get(module.NAME, module.DEFAULT_BASE_URL)
            host = urlsplit(base).hostname
            if host:
                keys[host] = key
    return keys
