"""xAI's own token prices, from the Markdown its docs serve at /developers/pricing.md.

Checked against a description, not a recording: no copy of the page with a nameable
repository and commit was found (../shared/samples/xai/PROVENANCE.md describes its format).
The parser keys on what that description names, as constants, and fails with
SourceLayoutError naming whatever it misses, so a real page that differs is a loud failure
with stored prices kept, never wrong prices:

- a ``### Text API Pricing`` table (TEXT_HEADING), columns ``Model | Context |
  Input / 1M tokens | Cached input / 1M tokens | Output / 1M tokens`` (COLUMNS; Model, Input
  and Output required, an unknown column a layout error; a table without the cached-input
  column leaves that price unknown, ``unread``, and the offer keeps its stored value);
- a model priced by prompt length has two rows, ``grok-4.7 (< 200k prompt tokens)`` and
  ``grok-4.7 (≥ 200k prompt tokens)``: the suffix is stripped from the id and the lower bound
  becomes ``min_prompt_tokens`` (0 and 200000, k = 1000 as for the other sources; the page
  says the higher rate applies to all tokens of such a request). A model with one row has no
  suffix.
- prices are USD per million tokens (``$2.00``); the context cell reads ``500k`` or ``2M``.

Batch (20% off, a bullet list), Priority (2x) and the US regional endpoint (1.1x) are stated
as multipliers, not priced per model, so they are not read: only published prices are stored.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pricewatch.errors import PriceCellError, RecordInvalid, SourceLayoutError
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, make_record
from pricewatch.scraper.sources._markdown import (
    Table,
    decode_body,
    is_not_a_price,
    iter_tables,
    parse_price_cell,
)
from pricewatch.scraper.sources._tables import looks_like_html

__all__ = ["DEFAULT_BASE_URL", "KIND", "LISTS_EVERYTHING", "NAME", "parse", "start_urls"]

NAME = "xai"
KIND = "first-party"
DEFAULT_BASE_URL = "https://docs.x.ai"
# The page lists xAI's current models; one missing from it is not delisted.
LISTS_EVERYTHING = False

PROVIDER = "xAI"
CURRENCY = "USD"
PRICING_PATH = "/developers/pricing.md"

# The heading the token-price table sits under.
TEXT_HEADING = "Text API Pricing"
# Column headings -> record field. A table under TEXT_HEADING has only these.
COLUMNS = {
    "Model": "model",
    "Context": "context_length",
    "Input / 1M tokens": "input",
    "Cached input / 1M tokens": "cache_read",
    "Output / 1M tokens": "output",
}
REQUIRED_COLUMNS = ("Model", "Input / 1M tokens", "Output / 1M tokens")

# "grok-4.7 (< 200k prompt tokens)", "grok-4.7 (≥ 200k prompt tokens)"; "grok-4.3" alone.
_MODEL = re.compile(
    r"^(?P<model>[A-Za-z0-9][A-Za-z0-9._:-]*)"
    r"(?:\s*\(\s*(?P<op><|≤|<=|≥|>=|>)\s*(?P<k>\d+)\s*k\s+prompt tokens\s*\))?$",
    re.IGNORECASE,
)
# "500k", "2M", "256K", "1,000,000".
_CONTEXT = re.compile(r"^(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[kKmM]?)$")
_MULTIPLIERS = {"": 1, "k": 1000, "m": 1_000_000}


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The Markdown pricing page under ``base_url``."""
    return [base_url.rstrip("/") + PRICING_PATH]


def _check_columns(table: Table, url: str) -> None:
    unknown = [name for name in table.header if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in table.header]
    if unknown or missing:
        problems = [f"unknown column {name!r}" for name in unknown]
        problems += [f"missing column {name!r}" for name in missing]
        raise SourceLayoutError(
            f"no pricing table found ({'; '.join(problems)} under ### {TEXT_HEADING};"
            f" known: {', '.join(COLUMNS)})",
            url=url,
        )


def _context(cell: str) -> int | None:
    match = _CONTEXT.match(cell.strip())
    if match is None:
        raise ValueError(f"unreadable context {cell!r}")
    return int(Decimal(match["n"].replace(",", "")) * _MULTIPLIERS[match["unit"].lower()])


def _record(cells: dict[str, str], errors: list[str]) -> PriceRecord | None:
    match = _MODEL.match(cells["model"].strip())
    if match is None:
        errors.append(f"unreadable model cell {cells['model']!r}: skipped")
        return None
    model = match["model"]
    fields: dict[str, object] = {}
    if match["op"] in ("≥", ">=", ">"):
        fields["min_prompt_tokens"] = int(match["k"]) * 1000
    try:
        for name in ("input", "cache_read", "output"):
            if name in cells:
                fields[name] = parse_price_cell(cells[name])
        if "context_length" in cells and not is_not_a_price(cells["context_length"]):
            fields["context_length"] = _context(cells["context_length"])
    except (PriceCellError, ValueError) as error:
        errors.append(f"{model}: {error}: skipped")
        return None
    # Without the cached-input column the table says nothing about that price: unknown
    # (``unread``), so the offer keeps a stored one rather than losing it.
    unread = () if "cache_read" in cells else ("cache_read",)
    try:
        return make_record(model=model, provider=PROVIDER, currency=CURRENCY, unread=unread, **fields)
    except RecordInvalid as error:
        errors.extend(error.errors)
        return None


def parse(url: str, body: bytes) -> Parsed:
    """Records from the ``### Text API Pricing`` table of the pricing page's Markdown."""
    text = decode_body(body)
    if looks_like_html(text):
        raise SourceLayoutError(
            "got HTML, but this parser reads only the Markdown pricing page; no pricing table found", url=url
        )
    tables = [table for table in iter_tables(text) if table.heading == TEXT_HEADING]
    if not tables:
        raise SourceLayoutError(f"no pricing table found (no table under ### {TEXT_HEADING})", url=url)
    records: list[PriceRecord] = []
    errors: list[str] = []
    for table in tables:
        _check_columns(table, url)
        fields = [COLUMNS[name] for name in table.header]
        for row in table.rows:
            record = _record(dict(zip(fields, row, strict=False)), errors)
            if record is not None:
                records.append(record)
    if not records:
        raise SourceLayoutError(f"no prices read from the {TEXT_HEADING} table", url=url)
    return Parsed(records=records, row_errors=errors)
