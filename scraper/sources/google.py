"""Google's own Gemini API price list: the Markdown form of ai.google.dev's pricing page.

One ``## <model>`` section per model, with a ``### Standard`` and a ``### Batch`` table (or
one table straight under the section heading, read as standard). Each table has a row per
price kind and a Free Tier and a Paid Tier column; only the paid column is read.

A paid cell can hold several prices: "$1.25, prompts <= 200k tokens $2.50, prompts > 200k
tokens" becomes two records (``min_prompt_tokens`` 0 and 200000); "$0.30 (text / image /
video) $1.00 (audio)" puts the text price in the token field and the audio one in
``UnitPrice(unit="audio_input_mtok")``. Storage prices per hour, grounding, tuning and the
per-image / per-second tables (Imagen, Veo) are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pricewatch.errors import PriceCellError, RecordInvalid, SourceLayoutError
from pricewatch.money import decimal_from_text
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, UnitPrice, make_record
from pricewatch.scraper.sources._markdown import (
    Table,
    cell_key,
    decode_body,
    is_not_a_price,
    iter_tables,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "KIND",
    "LISTS_EVERYTHING",
    "NAME",
    "PROVIDER",
    "PriceSegment",
    "parse",
    "parse_paid_cell",
    "start_urls",
]

NAME = "google"
KIND = "first-party"
DEFAULT_BASE_URL = "https://ai.google.dev"
# Retired models drop off the page while still served for a while: never delist from it.
LISTS_EVERYTHING = False
PROVIDER = "Google"
PAGE_PATH = "/gemini-api/docs/pricing.md.txt"

# Page regions. A model section is a "## <display name>" heading; its tier tables sit under
# "### Standard" / "### Batch" (or, for single-table models, straight under the "##").
# "### Standard" is the anchor: a page without one is not the page we know.
TIER_HEADINGS = {"Standard": "standard", "Batch": "batch"}
MODEL_LEVEL = 2  # model sections are "##"; their tier headings are "###"
ANCHOR_HEADING = "Standard"
# "## Pricing for Tools" has the same column layout but prices tools, not models.
NON_MODEL_SECTIONS = frozenset({"Pricing for Tools"})
# The paid column's header; token tables say "per 1M tokens" (others: "per Image", "per second").
PAID_COLUMN_PREFIX = "Paid Tier"
TOKEN_COLUMN_MARK = "per 1M tokens"
# Row labels (first cell, matched as a prefix): "Input price (text, image, video)",
# "Output price (including thinking tokens)", "Context caching price".
ROW_FIELDS = {"Input price": "input", "Output price": "output", "Context caching price": "cache_read"}

# One "$<amount><rest>" piece of a paid cell; the rest runs to the next "$".
_SEGMENT_RE = re.compile(r"(?P<neg>-\s*)?\$\s*(?P<amount>[0-9][0-9,]*(?:\.[0-9]+)?)(?P<rest>[^$]*)")
_THRESHOLD_RE = re.compile(r"prompts\s*(?P<op><=|≤|<|>=|≥|>)\s*(?P<k>\d+)\s*k", re.IGNORECASE)
_QUALIFIER_RE = re.compile(r"\(([^)]*)\)")
_PER_UNIT_RE = re.compile(r"^per\s+(?P<unit>[^(,]+)", re.IGNORECASE)
_SLASH_UNIT_RE = re.compile(r"^/\s*(?P<unit>[^()]+?)\s*(?:\(|$)")
_TOKEN_UNITS = frozenset({"1,000,000 tokens", "1m tokens", "mtok", "1m"})
# A trailing run of non-ASCII characters: the 🍌 emoji (double-encoded as "ðŸŒ" in one copy).
_TRAILING_SYMBOLS_RE = re.compile(r"\s+[^\x00-\x7f]+$")


@dataclass(frozen=True)
class PriceSegment:
    """One price inside a paid cell."""

    amount: Decimal
    min_prompt_tokens: int = 0
    modality: str = "text"  # "text", "audio" or "image"
    per_unit: str | None = None  # "image" for "$0.039 per image"; None for per million tokens


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The pricing page's Markdown form under ``base_url``."""
    return [base_url.rstrip("/") + PAGE_PATH]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


def parse_paid_cell(cell: str) -> list[PriceSegment]:
    """The prices in one paid-tier cell; [] for "Not available"; PriceCellError if unreadable.

    Storage prices ("... per hour") are dropped. "Free of charge" is one zero text price.
    """
    text = " ".join(cell.split())
    if is_not_a_price(text):
        return []
    if cell_key(text) in ("free", "free of charge"):
        return [PriceSegment(Decimal(0))]
    matches = list(_SEGMENT_RE.finditer(text))
    if not matches:
        raise PriceCellError(f"not a price: {cell!r}")
    segments: list[PriceSegment] = []
    for match in matches:
        rest = match.group("rest").strip().lstrip(",").strip()
        if match.group("neg"):
            raise PriceCellError(f"negative price: {cell!r}")
        if "per hour" in rest.casefold() or "storage" in rest.casefold():
            continue
        amount = decimal_from_text(match.group("amount"))
        threshold = 0
        found = _THRESHOLD_RE.search(rest)
        if found and found.group("op") in (">", ">=", "≥"):
            threshold = int(found.group("k")) * 1000
        per_unit = None
        slash = _SLASH_UNIT_RE.match(rest)
        if slash and cell_key(slash.group("unit")) not in _TOKEN_UNITS:
            raise PriceCellError(f"unexpected unit '/ {slash.group('unit').strip()}' in {cell!r}")
        per = _PER_UNIT_RE.match(rest)
        if per:
            per_unit = _slug(per.group("unit").replace("\\", "").replace("*", "").replace("^", ""))
        modality = "text"
        qualifier = _QUALIFIER_RE.search(rest)
        if qualifier:
            words = qualifier.group(1).casefold()
            if "text" in words:
                modality = "text"
            elif "audio" in words:
                modality = "audio"
            elif "image" in words:
                modality = "image"
            else:
                raise PriceCellError(f"unexpected qualifier ({qualifier.group(1)}) in {cell!r}")
        segments.append(PriceSegment(amount, threshold, modality, per_unit))
    return segments


def _model_name(heading: str) -> str:
    """The section heading without a trailing emoji."""
    return _TRAILING_SYMBOLS_RE.sub("", heading).strip()


def _paid_column(table: Table) -> int | None:
    for index, cell in enumerate(table.header):
        if cell.strip().startswith(PAID_COLUMN_PREFIX):
            return index
    return None


class _Offer:
    """Prices of one (model, tier) gathered row by row, split by prompt-size threshold."""

    def __init__(self) -> None:
        self.tokens: dict[int, dict[str, Decimal]] = {}
        self.units: dict[int, dict[str, Decimal]] = {}

    def add(self, field: str, segments: list[PriceSegment]) -> None:
        texts = {s.min_prompt_tokens for s in segments if s.modality == "text" and s.per_unit is None}
        for segment in segments:
            threshold = segment.min_prompt_tokens
            if segment.per_unit is not None:
                self._put(self.units, threshold, f"{segment.per_unit}_{field}", segment.amount)
            elif segment.modality == "text" or (segment.modality == "audio" and threshold not in texts):
                # An audio-only row (text-to-speech output) is the model's token price.
                self._put(self.tokens, threshold, field, segment.amount)
            elif segment.modality == "audio":
                self._put(self.units, threshold, f"audio_{field}_mtok", segment.amount)
            # Image-token prices ("$0.0011 (image)") name no clear unit on this page: skipped.

    @staticmethod
    def _put(target: dict[int, dict[str, Decimal]], threshold: int, key: str, amount: Decimal) -> None:
        prices = target.setdefault(threshold, {})
        if key in prices:
            raise PriceCellError(f"two prices for {key} in one cell")
        prices[key] = amount

    def records(self, model: str, tier: str) -> list[PriceRecord]:
        thresholds = sorted(set(self.tokens) | set(self.units) | {0})
        records = []
        for threshold in thresholds:
            # A price stated without a threshold applies at every prompt size.
            tokens = {**self.tokens.get(0, {}), **self.tokens.get(threshold, {})}
            units = {**self.units.get(0, {}), **self.units.get(threshold, {})}
            if not tokens and not units:
                continue
            records.append(
                make_record(
                    model=model,
                    provider=PROVIDER,
                    tier=tier,
                    min_prompt_tokens=threshold,
                    unit_prices=tuple(UnitPrice(unit=u, amount=a) for u, a in sorted(units.items())),
                    **tokens,
                )
            )
        return records


def parse(url: str, body: bytes) -> Parsed:
    """Records from the pricing page's Markdown; SourceLayoutError when no Standard table is found."""
    tables = list(iter_tables(decode_body(body)))
    tier_keys = {cell_key(heading): tier for heading, tier in TIER_HEADINGS.items()}
    non_models = {cell_key(name) for name in NON_MODEL_SECTIONS}
    anchored = (MODEL_LEVEL, MODEL_LEVEL + 1)
    if not any(cell_key(t.heading) == cell_key(ANCHOR_HEADING) and t.levels[-2:] == anchored for t in tables):
        raise SourceLayoutError(f"no pricing table found (heading '{ANCHOR_HEADING}' missing)", url=url)
    records: dict[tuple[str, str, str, int, str], PriceRecord] = {}
    row_errors: list[str] = []
    for table in tables:
        levels = table.levels
        if levels[-2:] == (MODEL_LEVEL, MODEL_LEVEL + 1) and cell_key(table.heading) in tier_keys:
            tier, section = tier_keys[cell_key(table.heading)], table.headings[-2]
        elif levels[-1:] == (MODEL_LEVEL,):
            tier, section = "standard", table.heading  # a model with one table, no tier sub-headings
        else:
            continue  # under a sub-heading we do not know, or before any model section
        if cell_key(section) in non_models:
            continue
        paid = _paid_column(table)
        if paid is None or TOKEN_COLUMN_MARK.casefold() not in table.header[paid].casefold():
            continue  # per-image / per-second tables, or not a price table at all
        model = _model_name(section)
        where = f"{model} ({tier})"
        offer = _Offer()
        try:
            for row in table.rows:
                label = cell_key(row[0]) if row else ""
                field = next(
                    (f for prefix, f in ROW_FIELDS.items() if label.startswith(cell_key(prefix))), None
                )
                if field is None:
                    continue
                offer.add(field, parse_paid_cell(row[paid] if paid < len(row) else ""))
            offer_records = offer.records(model, tier)
        except (PriceCellError, RecordInvalid) as error:
            row_errors.append(f"{where}: {error}")
            continue
        for record in offer_records:
            if record.offer_key() in records:
                row_errors.append(f"{where}: listed twice; kept the first table")
                continue
            records[record.offer_key()] = record
    if not records:
        raise SourceLayoutError(f"no prices read from the tables under '{ANCHOR_HEADING}'", url=url)
    return Parsed(records=list(records.values()), row_errors=row_errors)
