"""OpenRouter's per-host prices: the endpoints sweep, a source of its own with its own schedule.

The models list (``openrouter``) is one request; the sweep is one request per model
(~420 in 2026), so it runs apart, by default every 6 hours (data/schedule.toml), where
the list runs hourly. Its start page is the models list, read only for the endpoints URL
of every model (``openrouter.endpoint_links``: no records from it, those are the list
source's); each endpoints body gives one model's hosts (``openrouter.parse``).

Each endpoints body is normalised before it is parsed and stored
(``openrouter.normalise_endpoints_body``: uptime, latency, throughput and status dropped,
endpoints in a fixed order, keys sorted), so an unchanged sweep stores no new body and no
new price row. A complete sweep lists every endpoint OpenRouter sells: a host's offer
missing from it has ended (``LISTS_EVERYTHING``); a sweep with any failed page ends none.

Its base URL is OpenRouter's: ``PRICEWATCH_OPENROUTER_ENDPOINTS_BASE_URL``, else
``PRICEWATCH_OPENROUTER_BASE_URL`` (``BASE_URL_OF``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.sources import openrouter

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_OF",
    "DEFAULT_BASE_URL",
    "KIND",
    "LISTS_EVERYTHING",
    "NAME",
    "normalise_body",
    "parse",
    "start_urls",
]

NAME = "openrouter-endpoints"
# The hosts' prices as the aggregator reports them: a maker's own page owns an offer it lists.
KIND = "aggregator"
DEFAULT_BASE_URL = openrouter.DEFAULT_BASE_URL
# A complete sweep lists every endpoint: an endpoint that disappeared has ended.
LISTS_EVERYTHING = True
# The source whose base URL variable this one falls back to.
BASE_URL_OF = openrouter.NAME
# OpenRouter's optional API key, as for the models list.
API_KEY_ENV = openrouter.API_KEY_ENV

normalise_body = openrouter.normalise_body


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The models list, which names every model's endpoints URL."""
    return openrouter.start_urls(base_url)


def parse(url: str, body: bytes) -> Parsed:
    """The models list -> links to every endpoints URL; an endpoints body -> its hosts' records."""
    if urlsplit(url).path.rstrip("/").endswith(openrouter.LIST_PATH):
        return openrouter.endpoint_links(url, body)
    return openrouter.parse(url, body)
