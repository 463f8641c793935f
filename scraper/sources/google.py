"""Google's own Gemini API price list: the Markdown form of ai.google.dev's pricing page.

One ``## <model>`` section per model, with ``### Standard``, ``### Batch``, ``### Flex`` and
``### Priority`` tables (tiers of those names; or one table straight under the section
heading, read as standard). Each table has a row per price kind and a Free Tier and a Paid
Tier column; only the paid column is read.

A dated cell, "$0.75 through December 31, 2026. $1.50 starting January 1, 2027.", gives two
records of the offer: the price in force now and, with ``effective_from`` 2027-01-01, the
scheduled one. A price row a table does not have (most tables have no "Context caching
price") leaves that price unknown (``unread``): an offer keeps its stored value. A cell
that cannot be read is a row error: that table's offer is not stored. "$3.50 or $0.0053/min (audio)" is one price (per million tokens) restated per
minute: the restatement is dropped. Footnote marks (``^*^``) are stripped everywhere.

A paid cell can hold several prices: "$1.25, prompts <= 200k tokens $2.50, prompts > 200k
tokens" becomes two records (``min_prompt_tokens`` 0 and 200000); "$0.30 (text / image /
video) $1.00 (audio)" puts the text price in the token field and the audio one in
``UnitPrice(unit="audio_input_mtok")`` (a video output price: ``video_output_mtok``). Storage prices per hour, grounding, tuning and the
per-image / per-second tables (Imagen, Veo) are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from pricewatch.errors import PriceCellError, RecordInvalid, SourceLayoutError
from pricewatch.money import decimal_from_text
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, UnitPrice, make_record
from pricewatch.scraper.sources._markdown import (
    Table,
    cell_key,
    decode_body,
    header_key,
    is_not_a_price,
    iter_tables,
    strip_footnote_marks,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "KIND",
    "LISTS_EVERYTHING",
    "NAME",
    "PAID_COLUMN_PREFIX",
    "PROVIDER",
    "REQUIRED_COLUMNS",
    "REQUIRED_HEADINGS",
    "REQUIRED_ROWS",
    "TIER_HEADINGS",
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

# What the parser requires of the page, stated once (titles compared by ``header_key``: case,
# spacing and footnote marks may vary, a renamed title fails the source with
# SourceLayoutError naming it, and stored prices stay).
#
# Page regions. A model section is a "## <display name>" heading; its tier tables sit under
# "### Standard" / "### Batch" / "### Flex" / "### Priority" (or, for single-table models,
# straight under the "##"). "### Standard" is the anchor: a page without one is not the page
# we know.
TIER_HEADINGS = {"Standard": "standard", "Batch": "batch", "Flex": "flex", "Priority": "priority"}
MODEL_LEVEL = 2  # model sections are "##"; their tier headings are "###"
ANCHOR_HEADING = "Standard"
REQUIRED_HEADINGS = (ANCHOR_HEADING,)
# "## Pricing for Tools" has the same column layout but prices tools, not models.
NON_MODEL_SECTIONS = frozenset({"Pricing for Tools"})
# The paid column's header (matched as a prefix): required in every tier table. Token tables
# say "per 1M tokens" (others: "per Image", "per second", "per request").
PAID_COLUMN_PREFIX = "Paid Tier"
REQUIRED_COLUMNS = (PAID_COLUMN_PREFIX,)
TOKEN_COLUMN_MARK = "per 1M tokens"
# Row labels (first cell, matched as a prefix): "Input price (text, image, video)",
# "Output price (including thinking tokens)", "Context caching price"; an embedding model's
# table says "Text input price".
ROW_FIELDS = {
    "Input price": "input",
    "Text input price": "input",
    "Output price": "output",
    "Context caching price": "cache_read",
}
# Rows every per-1M-token tier table must have (field -> the labels that give it). Embedding
# models (a section whose name holds NO_OUTPUT_MARK) return vectors and have no output price.
REQUIRED_ROWS = {"input": ("Input price", "Text input price"), "output": ("Output price",)}
NO_OUTPUT_MARK = "Embedding"

# One "$<amount><rest>" piece of a paid cell; the rest runs to the next "$".
_SEGMENT_RE = re.compile(r"(?P<neg>-\s*)?\$\s*(?P<amount>[0-9][0-9,]*(?:\.[0-9]+)?)(?P<rest>[^$]*)")
_THRESHOLD_RE = re.compile(r"prompts\s*(?P<op><=|≤|<|>=|≥|>)\s*(?P<k>\d+)\s*k", re.IGNORECASE)
_QUALIFIER_RE = re.compile(r"\(([^)]*)\)")
# "through December 31, 2026" / "starting January 1, 2027": a dated price's validity.
_DATED_RE = re.compile(r"\b(?P<word>through|until|starting|from)\s+(?P<day>[A-Z][a-z]+\s+\d{1,2},\s*\d{4})")
# "$3.50 or $0.0053/min (audio)": the second amount restates the first in another unit.
_ALTERNATIVE_RE = re.compile(r"^(?:or|,?\s*equivalent to)$", re.IGNORECASE)
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
    modality: str = "text"  # "text", "audio", "video" or "image"
    per_unit: str | None = None  # "image" for "$0.039 per image"; None for per million tokens
    starting: date | None = None  # "... starting January 1, 2027": a scheduled price


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The pricing page's Markdown form under ``base_url``."""
    return [base_url.rstrip("/") + PAGE_PATH]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


def _day(text: str) -> date:
    return datetime.strptime(" ".join(text.replace(",", ", ").split()), "%B %d, %Y").date()


def parse_paid_cell(cell: str) -> list[PriceSegment]:
    """The prices in one paid-tier cell; [] for "Not available"; PriceCellError if unreadable.

    Storage prices ("... per hour") are dropped. "Free of charge" is one zero text price.
    A price "through" a day is the one in force; one "starting" a day is scheduled.
    """
    text = " ".join(strip_footnote_marks(cell).split())
    if is_not_a_price(text):
        return []
    if cell_key(text) in ("free", "free of charge"):
        return [PriceSegment(Decimal(0))]
    matches = list(_SEGMENT_RE.finditer(text))
    if not matches:
        raise PriceCellError(f"not a price: {cell!r}")
    segments: list[PriceSegment] = []
    restated = False
    for index, match in enumerate(matches):
        if restated:  # the amount after "or": the same price in another unit
            restated = False
            continue
        rest = match.group("rest").strip().lstrip(",").strip().rstrip(".").strip()
        if match.group("neg"):
            raise PriceCellError(f"negative price: {cell!r}")
        if _ALTERNATIVE_RE.match(rest) and index + 1 < len(matches):
            restated = True
            following = _QUALIFIER_RE.search(matches[index + 1].group("rest"))
            rest = following.group(0) if following else ""
        if "per hour" in rest.casefold() or "storage" in rest.casefold():
            continue
        starting = None
        dated = _DATED_RE.search(rest)
        if dated is not None:
            try:
                day = _day(dated.group("day"))
            except ValueError:
                raise PriceCellError(f"unreadable date {dated.group('day')!r} in {cell!r}") from None
            if dated.group("word") in ("starting", "from"):
                starting = day
            rest = (rest[: dated.start()] + rest[dated.end() :]).strip()
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
            elif "video" in words:
                modality = "video"
            elif "image" in words:
                modality = "image"
            else:
                raise PriceCellError(f"unexpected qualifier ({qualifier.group(1)}) in {cell!r}")
        if starting is not None and (per_unit is not None or modality != "text"):
            raise PriceCellError(f"a scheduled price that is not a text token price in {cell!r}")
        segments.append(PriceSegment(amount, threshold, modality, per_unit, starting))
    return segments


def _model_name(heading: str) -> str:
    """The section heading without a trailing emoji."""
    return _TRAILING_SYMBOLS_RE.sub("", heading).strip()


def _paid_column(table: Table) -> int | None:
    for index, cell in enumerate(table.header):
        if header_key(cell).startswith(header_key(PAID_COLUMN_PREFIX)):
            return index
    return None


# An offer's prices are gathered by (prompt-size threshold, the day they start; None = now).
_Key = tuple[int, date | None]


class _Offer:
    """Prices of one (model, tier) gathered row by row, split by threshold and start day."""

    def __init__(self) -> None:
        self.tokens: dict[_Key, dict[str, Decimal]] = {}
        self.units: dict[_Key, dict[str, Decimal]] = {}
        self.rows: set[str] = set()  # the fields the table has a row for

    def add(self, field: str, segments: list[PriceSegment]) -> None:
        self.rows.add(field)
        texts = {
            (s.min_prompt_tokens, s.starting) for s in segments if s.modality == "text" and s.per_unit is None
        }
        for segment in segments:
            key = (segment.min_prompt_tokens, segment.starting)
            if segment.per_unit is not None:
                self._put(self.units, key, f"{segment.per_unit}_{field}", segment.amount)
            elif segment.modality == "text" or (segment.modality == "audio" and key not in texts):
                # An audio-only row (text-to-speech output) is the model's token price.
                self._put(self.tokens, key, field, segment.amount)
            elif segment.modality in ("audio", "video"):
                self._put(self.units, key, f"{segment.modality}_{field}_mtok", segment.amount)
            # Image-token prices ("$0.0011 (image)") name no clear unit on this page: skipped.

    @staticmethod
    def _put(target: dict[_Key, dict[str, Decimal]], key: _Key, name: str, amount: Decimal) -> None:
        prices = target.setdefault(key, {})
        if name in prices:
            raise PriceCellError(f"two prices for {name} in one cell")
        prices[name] = amount

    def records(self, model: str, tier: str) -> list[PriceRecord]:
        """The record of each threshold now, and of each threshold from each announced day.

        A price stated without a threshold applies at every prompt size; one stated without
        a day applies from every announced day on unless that day restates it.
        """
        keys = set(self.tokens) | set(self.units)
        thresholds = sorted({threshold for threshold, _ in keys} | {0})
        days: list[date | None] = [None, *sorted({day for _, day in keys if day is not None})]
        records = []
        for day in days:
            for threshold in thresholds:
                layers: list[_Key] = [(0, None), (threshold, None)]
                if day is not None:
                    layers += [(0, day), (threshold, day)]
                    if not any((t, day) in keys for t in (0, threshold)):
                        continue  # nothing announced for this threshold from that day
                tokens = {k: v for layer in layers for k, v in self.tokens.get(layer, {}).items()}
                units = {k: v for layer in layers for k, v in self.units.get(layer, {}).items()}
                if not tokens and not units:
                    continue
                # A row the table does not have (no "Context caching price") leaves that
                # price unknown, not "not offered": the offer keeps its stored value.
                unread = tuple(f for f in dict.fromkeys(ROW_FIELDS.values()) if f not in self.rows)
                records.append(
                    make_record(
                        model=model,
                        provider=PROVIDER,
                        tier=tier,
                        min_prompt_tokens=threshold,
                        unread=unread,
                        unit_prices=tuple(UnitPrice(unit=u, amount=a) for u, a in sorted(units.items())),
                        effective_from=day,
                        **tokens,
                    )
                )
        return records


def _label_field(label: str) -> str | None:
    key = header_key(label)
    # The longest matching prefix: "Text input price" before "Input price"'s neighbours.
    for prefix in sorted(ROW_FIELDS, key=len, reverse=True):
        if key.startswith(header_key(prefix)):
            return ROW_FIELDS[prefix]
    return None


def _check_required(table: Table, section: str, tier: str, url: str) -> None:
    """SourceLayoutError naming a required column or row a tier table lacks."""
    where = f"{_model_name(section)} ({tier}): the table under '{table.heading}'"
    if _paid_column(table) is None:
        raise SourceLayoutError(
            f"{where} lacks the required column '{PAID_COLUMN_PREFIX}' (header: {list(table.header)!r})",
            url=url,
        )
    labels = [header_key(row[0]) for row in table.rows if row]
    for field, accepted in REQUIRED_ROWS.items():
        if field == "output" and cell_key(NO_OUTPUT_MARK) in cell_key(section):
            continue
        if not any(label.startswith(header_key(title)) for label in labels for title in accepted):
            raise SourceLayoutError(f"{where} lacks the required row '{accepted[0]}'", url=url)


def parse(url: str, body: bytes) -> Parsed:
    """Records from the pricing page's Markdown; SourceLayoutError when a required part is missing."""
    tables = list(iter_tables(decode_body(body)))
    tier_keys = {header_key(heading): tier for heading, tier in TIER_HEADINGS.items()}
    non_models = {header_key(name) for name in NON_MODEL_SECTIONS}
    anchored = (MODEL_LEVEL, MODEL_LEVEL + 1)
    if not any(
        header_key(t.heading) == header_key(ANCHOR_HEADING) and t.levels[-2:] == anchored for t in tables
    ):
        raise SourceLayoutError(f"no pricing table found (heading '{ANCHOR_HEADING}' missing)", url=url)
    records: dict[tuple[tuple[str, str, str, int, str], date | None], PriceRecord] = {}
    row_errors: list[str] = []
    for table in tables:
        levels = table.levels
        if levels[-2:] == anchored and header_key(table.heading) in tier_keys:
            tier, section = tier_keys[header_key(table.heading)], table.headings[-2]
            if header_key(section) not in non_models:
                _check_required(table, section, tier, url)
        elif levels[-1:] == (MODEL_LEVEL,):
            tier, section = "standard", table.heading  # a model with one table, no tier sub-headings
        else:
            continue  # under a sub-heading we do not know, or before any model section
        if header_key(section) in non_models:
            continue
        paid = _paid_column(table)
        if paid is None or TOKEN_COLUMN_MARK.casefold() not in table.header[paid].casefold():
            continue  # per-image / per-second tables, or not a price table at all
        model = _model_name(section)
        where = f"{model} ({tier})"
        offer = _Offer()
        try:
            for row in table.rows:
                field = _label_field(row[0]) if row else None
                if field is None:
                    continue
                offer.add(field, parse_paid_cell(row[paid] if paid < len(row) else ""))
            offer_records = offer.records(model, tier)
        except (PriceCellError, RecordInvalid) as error:
            row_errors.append(f"{where}: {error}")
            continue
        for record in offer_records:
            key = (record.offer_key(), record.effective_from)
            if key in records:
                row_errors.append(f"{where}: listed twice; kept the first table")
                continue
            records[key] = record
    if not records:
        raise SourceLayoutError(f"no prices read from the tables under '{ANCHOR_HEADING}'", url=url)
    return Parsed(records=list(records.values()), row_errors=row_errors)
