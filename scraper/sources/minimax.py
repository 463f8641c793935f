"""MiniMax's pay-as-you-go text-model prices (USD), from the markdown form of its pricing page.

Caveat: https://platform.minimax.io/docs/pricing/pay-as-you-go is an HTML docs page; what
this parser reads is the page's markdown (the docs source, as mirrored by a third party;
the only recording we have). Until the live HTML is recorded and a parser written for it,
a body that is HTML, or markdown without the expected table, raises SourceLayoutError:
no prices rather than wrong ones.

Only the ``## Text`` table is read. The audio, video, music and image tables price
characters, clips, songs and images per API rather than per model token and are left out.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pricewatch.errors import RecordInvalid, SourceLayoutError
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, make_record
from pricewatch.scraper.sources._tables import (
    MarkdownCell,
    decode_body,
    looks_like_html,
    markdown_tables,
    parse_amount,
)

__all__ = ["DEFAULT_BASE_URL", "KIND", "LISTS_EVERYTHING", "NAME", "parse", "start_urls"]

NAME = "minimax"
KIND = "first-party"
DEFAULT_BASE_URL = "https://platform.minimax.io"
LISTS_EVERYTHING = False

PROVIDER = "MiniMax"
CURRENCY = "USD"
PRICING_PATH = "/docs/pricing/pay-as-you-go"

# The section heading ("## Text") the text-model table sits under.
TEXT_HEADING = "Text"
# Its header row, exactly, and the record field of each column.
TEXT_COLUMNS = {
    "Model": "model",
    "Input": "input",
    "Output": "output",
    "Prompt caching Read": "cache_read",
    "Prompt caching Write": "cache_write",
}
# Caching may be absent for a model: these cells then mean "not offered", never zero.
OPTIONAL_FIELDS = ("cache_read", "cache_write")
NOT_OFFERED = ("", "-", "—", "N/A")
# Price cells: "$0.3 / M tokens" (the markdown escapes the dollar: "\$", which markdown-it undoes).
_PER_MTOK = re.compile(r"^(?P<amount>\$\s*[\d.,]+)\s*/\s*M tokens$", re.IGNORECASE)


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The pay-as-you-go pricing page under ``base_url``."""
    return [base_url.rstrip("/") + PRICING_PATH]


def _model(cell: MarkdownCell) -> str:
    """The bold model id of a model cell ("**MiniMax-M2-Stable** <br />High Concurrency...")."""
    if cell.strong:
        return cell.strong[0]
    return cell.text.split("\n", 1)[0].strip()


def _price(text: str) -> Decimal:
    match = _PER_MTOK.match(" ".join(text.split()))
    if match is None:
        raise ValueError(f"not a price per M tokens: {text!r}")
    return parse_amount(match["amount"], symbols=("$",))


def parse(url: str, body: bytes) -> Parsed:
    """Records from the Text table of the pay-as-you-go page's markdown (see the module caveat)."""
    text = decode_body(body, url)
    if looks_like_html(text):
        raise SourceLayoutError(
            "got HTML, but this parser reads only the markdown form of the pricing page;"
            " no pricing table found",
            url=url,
        )
    header = tuple(TEXT_COLUMNS)
    tables = [t for t in markdown_tables(text) if t.heading == TEXT_HEADING and t.header == header]
    if not tables:
        raise SourceLayoutError(
            f"no pricing table found (no table headed {' | '.join(header)} under ## {TEXT_HEADING})",
            url=url,
        )
    fields_of = list(TEXT_COLUMNS.values())
    records: list[PriceRecord] = []
    errors: list[str] = []
    for row in tables[0].rows:
        cells = dict(zip(fields_of, row, strict=False))
        model = _model(cells["model"])
        if not model:
            errors.append(f"row without a model: {[cell.text for cell in row]}: skipped")
            continue
        prices: dict[str, Decimal] = {}
        try:
            for name in fields_of[1:]:
                if name in OPTIONAL_FIELDS and cells[name].text.strip() in NOT_OFFERED:
                    continue
                prices[name] = _price(cells[name].text)
        except ValueError as error:
            errors.append(f"{model}: {error}: skipped")
            continue
        try:
            records.append(make_record(model=model, provider=PROVIDER, currency=CURRENCY, **prices))
        except RecordInvalid as error:
            errors.extend(error.errors)
    if not records:
        raise SourceLayoutError("no prices read from the Text pricing table", url=url)
    return Parsed(records=records, row_errors=errors)
