"""DeepSeek's own price page (api-docs.deepseek.com/quick_start/pricing), parsed from its HTML.

The page is a Docusaurus site whose price table is server-rendered HTML. The table is
transposed: one column per model, one row per meter. Its model columns have changed
three times (deepseek-chat/deepseek-reasoner, deepseek-v4-flash/deepseek-v4-pro,
deepseek-flash/deepseek-v4-pro), so models are read from the header row, never listed
here. A price cell may span several model columns (2025: one price for chat and reasoner).
Since 2026-08 each meter has OFF-PEAK and PEAK sub-rows: PEAK is the standard price and
OFF-PEAK becomes tier "off-peak" (the hours are in a footnote; a record has no field for them).

The column ids are API names whose model changes over time (deepseek-chat has served V3,
V3.1 and V3.2; deepseek-v4-pro served V4-Pro, then V4-Pro-0813), so a record is named by
what the page says the column serves now, its MODEL VERSION cell ("DeepSeek-V3.2"; a mode
note such as "(Thinking Mode)" is dropped), and the catalog maps that name. Two API names
serving one version at one price (deepseek-chat and deepseek-reasoner, 2025-12) are one
record. Without a MODEL VERSION row the API name is the record's name, left to the catalog.

Every meter is required (a renamed one fails the source). A price cell that cannot be read
is a row error: that model's offer in that period is not stored, never stored with the
price left empty; the other offers of the page are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pricewatch.errors import RecordInvalid, SourceLayoutError
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, make_record
from pricewatch.scraper.sources._tables import decode_body, parse_amount

__all__ = [
    "CLOSES_MISSING_MODELS_OF",
    "DEFAULT_BASE_URL",
    "KIND",
    "LISTS_EVERYTHING",
    "NAME",
    "parse",
    "start_urls",
]

NAME = "deepseek"
KIND = "first-party"
DEFAULT_BASE_URL = "https://api-docs.deepseek.com"
# The page lists only DeepSeek's current models, not every offer this source ever stored
# (LISTS_EVERYTHING closes a source's own offers missing from a listing). But it is the
# whole of what DeepSeek sells on its API (two API names, each serving one version), so a
# DeepSeek model missing from a complete page is no longer sold by DeepSeek: its offers at
# "deepseek" end at that observation, whoever recorded them (the curated V3.2 rows ended
# with the 2026 pages that list only V4). Other makers' pages list retired models or are
# recorded as excerpts, so only this one closes.
LISTS_EVERYTHING = False
CLOSES_MISSING_MODELS_OF = "deepseek"

PROVIDER = "DeepSeek"
CURRENCY = "USD"
PRICING_PATH = "/quick_start/pricing"

# The price table (inside div.theme-doc-markdown on the live page; alone in trimmed copies):
# every <table>, and the one whose first row's first cell reads MODEL is the model table.
TABLE_SELECTOR = "table"
HEADER_LABEL = "MODEL"
# The row that says which model an alias serves now ("DeepSeek-V3.2 (Thinking Mode)"): the
# record's model name, since deepseek-chat has meant V3, V3.1 and V3.2 over time.
VERSION_LABEL = "MODEL VERSION"
# First cell of the price rows (a rowspan cell, may carry a footnote marker: "PRICING(3)").
PRICING_LABEL = "PRICING"
# Meter labels in the second column (a <br> inside is read as a space). Each is required: a
# pricing block without one of them is a layout error naming it (a renamed meter).
METERS = {
    "1M INPUT TOKENS (CACHE HIT)": "cache_read",
    "1M INPUT TOKENS (CACHE MISS)": "input",
    "1M OUTPUT TOKENS": "output",
}
# Sub-row labels in the third column since 2026-08; "" when a meter has no sub-rows. Any other
# label is a layout error naming it.
PERIODS = {"": "standard", "PEAK": "standard", "OFF-PEAK": "off-peak"}
# The footnote that says when off-peak applies ("Peak hours are 01:00 - 04:00 ... UTC").
PEAK_HOURS_TEXT = "peak hours are"

# Footnote markers after a model id or label: "deepseek-flash(1)", "PRICING (3)".
_FOOTNOTE = re.compile(r"\s*\(\d+\)\s*$")
# A mode note after a model version: "DeepSeek-V3.2 (Thinking Mode)".
_MODE_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class _Cell:
    """One grid position of the expanded table: the text of the <td> covering it and its identity."""

    text: str
    origin: int


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The English pricing page under ``base_url``."""
    return [base_url.rstrip("/") + PRICING_PATH]


def _text(node: LexborNode) -> str:
    return " ".join(node.text(deep=True, separator=" ").split())


def _label(text: str) -> str:
    return _FOOTNOTE.sub("", text).strip()


def _grid(table: LexborNode) -> list[list[_Cell]]:
    """The table as a rectangle of cells, with rowspan and colspan expanded."""
    grid: dict[tuple[int, int], _Cell] = {}
    rows = table.css("tr")
    origin = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.iter():
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            rowspan = int(td.attributes.get("rowspan") or 1)
            colspan = int(td.attributes.get("colspan") or 1)
            origin += 1
            cell = _Cell(_text(td), origin=origin)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), cell)
            c += colspan
    width = max((c for _, c in grid), default=-1) + 1
    empty = _Cell("", origin=-1)
    return [[grid.get((r, c), empty) for c in range(width)] for r in range(len(rows))]


def _model_table(tree: LexborHTMLParser, url: str) -> LexborNode:
    for table in tree.css(TABLE_SELECTOR):
        first = table.css_first("td, th")
        if first is not None and _label(_text(first)) == HEADER_LABEL:
            return table
    raise SourceLayoutError(f"no pricing table found (no <table> starting with {HEADER_LABEL})", url=url)


def parse(url: str, body: bytes) -> Parsed:
    """Records per model column and tier from the pricing page's HTML."""
    tree = LexborHTMLParser(decode_body(body, url))
    table = _model_table(tree, url)
    grid = _grid(table)
    header = grid[0]
    # The MODEL cell spans the label columns; every column after it is a model.
    label_width = sum(1 for cell in header if cell.origin == header[0].origin)
    models = {c: _label(header[c].text) for c in range(label_width, len(header))}
    if not models or not all(models.values()):
        raise SourceLayoutError("no pricing table found (no model ids in the header row)", url=url)

    prices: dict[tuple[str, str], dict[str, Decimal]] = {}
    # (model, tier) with a cell that could not be read: not stored at all (never with that
    # price left empty), the rest of the page is.
    unreadable: set[tuple[str, str]] = set()
    errors: list[str] = []
    saw_pricing = False
    seen_meters: set[str] = set()
    unknown_meters: dict[str, None] = {}
    versions: dict[str, str] = {}
    for row in grid[1:]:
        if _label(row[0].text) == VERSION_LABEL:
            versions = {model: row[c].text for c, model in models.items() if row[c].text}
        if _label(row[0].text) != PRICING_LABEL:
            continue
        saw_pricing = True
        meter_text = row[1].text if label_width > 1 else ""
        period_text = row[2].text if label_width > 2 and row[2].origin != row[1].origin else ""
        meter = METERS.get(_label(meter_text))
        tier = PERIODS.get(_label(period_text).upper())
        if tier is None:
            # Off-peak and peak are all the page has said; another period means other terms.
            raise SourceLayoutError(
                f"no pricing table found (unknown price period {period_text!r};"
                f" known: {', '.join(p for p in PERIODS if p)})",
                url=url,
            )
        if meter is None:
            unknown_meters.setdefault(meter_text, None)
            continue
        seen_meters.add(meter)
        for c, model in models.items():
            try:
                amount = parse_amount(row[c].text, symbols=("$",))
            except ValueError as error:
                errors.append(f"{model} {meter_text} {period_text}: {error}: skipped".replace("  ", " "))
                unreadable.add((model, tier))
                continue
            prices.setdefault((model, tier), {})[meter] = amount
    if not saw_pricing:
        raise SourceLayoutError(f"no pricing table found (no {PRICING_LABEL} rows)", url=url)
    missing = [label for label, meter in METERS.items() if meter not in seen_meters]
    if missing:
        # A renamed meter row: its prices would otherwise vanish from every record.
        unknown = f"; unknown rows {', '.join(repr(m) for m in unknown_meters)}" if unknown_meters else ""
        raise SourceLayoutError(
            f"no pricing table found (no {', '.join(repr(m) for m in missing)} row{unknown})", url=url
        )
    # Every known meter is there: an extra one is a new price this parser does not read yet.
    errors.extend(f"unknown price row {meter_text!r}: skipped" for meter_text in unknown_meters)

    page_text = tree.body.text().lower() if tree.body is not None else ""
    if any(tier == "off-peak" for _, tier in prices) and PEAK_HOURS_TEXT not in page_text:
        errors.append("off-peak prices without the peak-hours footnote: check when they apply")

    # (model version, tier) -> the API names pricing it, and their prices (first one kept).
    offers: dict[tuple[str, str], tuple[list[str], dict[str, Decimal]]] = {}
    for (api_name, tier), fields in prices.items():
        if (api_name, tier) in unreadable:
            continue
        absent = [label for label, meter in METERS.items() if meter not in fields]
        if absent:
            # Every meter is required: a price the page gives for one period only is a
            # layout we do not know, never an offer stored with that price empty.
            errors.append(f"{api_name} ({tier}): no {', '.join(repr(a) for a in absent)} price: skipped")
            continue
        name = _MODE_NOTE.sub("", versions[api_name]).strip() if api_name in versions else api_name
        names, kept = offers.setdefault((name or api_name, tier), ([], fields))
        if fields != kept:
            errors.append(
                f"{api_name} ({tier}): {name} is priced differently under {names[0]}: kept {names[0]}'s prices"
            )
            continue
        names.append(api_name)

    records: list[PriceRecord] = []
    for (name, tier), (api_names, fields) in offers.items():
        info = {"display_name": f"{name} ({', '.join(api_names)})"} if name not in api_names else None
        try:
            records.append(
                make_record(model=name, provider=PROVIDER, tier=tier, currency=CURRENCY, info=info, **fields)
            )
        except RecordInvalid as error:
            errors.extend(error.errors)
    if not records:
        raise SourceLayoutError("no prices read from the pricing table", url=url)
    return Parsed(records=records, links=[], row_errors=errors)
