"""The price vocabulary, defined once: every layer (sources, store, analysis, site) imports it.

Token prices are per million tokens in the record's currency. The site's JavaScript receives
these names in the page data rather than repeating them.
"""

from __future__ import annotations

__all__ = ["MANDATORY_PRICE_FIELDS", "OPTIONAL_PRICE_FIELDS", "PRICE_FIELDS", "usd_per_mtok_column"]

# Token price fields, in the order every table shows them.
PRICE_FIELDS = ("input", "output", "cache_read", "cache_write", "cache_write_1h", "reasoning")
# What a page must give for a record to be useful (a golden fixture must name them); the rest
# appear only where a source sells them.
MANDATORY_PRICE_FIELDS = PRICE_FIELDS[:2]
OPTIONAL_PRICE_FIELDS = PRICE_FIELDS[2:]


def usd_per_mtok_column(field: str) -> str:
    """The column name a price field has in files of USD prices: ``input`` -> ``input_usd_per_mtok``."""
    if field not in PRICE_FIELDS:
        raise ValueError(f"not a price field: {field!r}")
    return f"{field}_usd_per_mtok"
