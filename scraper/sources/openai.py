"""OpenAI's own price list: the Markdown form of developers.openai.com's pricing page.

The text-model tables, one per offer tier (standard, batch, flex, priority/fast), each with
short- and long-context columns: input, cached input (-> cache_read), cache writes
(-> cache_write) and output. A long-context price becomes its own record with
``min_prompt_tokens`` set to the boundary the page states ("<272K context length").

Later tables (realtime/audio, image, video, transcription, tools, specialized, fine-tuning)
share the generic heading "Grouped Pricing Table data" and mix units (per minute, per
second, per 1M characters), so they are not read here.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pricewatch.errors import PriceCellError, RecordInvalid, SourceLayoutError
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, make_record
from pricewatch.scraper.sources._markdown import (
    Table,
    cell_key,
    decode_body,
    header_key,
    iter_tables,
    merge_group_header,
    parse_price_cell,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "KIND",
    "LISTS_EVERYTHING",
    "MODEL_COLUMN",
    "NAME",
    "OPTIONAL_COLUMNS",
    "PROVIDER",
    "REQUIRED_COLUMNS",
    "TIER_HEADINGS",
    "parse",
    "start_urls",
]

NAME = "openai"
KIND = "first-party"
DEFAULT_BASE_URL = "https://developers.openai.com"
# Older models leave the page while still served: never delist from it.
LISTS_EVERYTHING = False
PROVIDER = "OpenAI"
PAGE_PATH = "/api/docs/pricing.md"

# Page regions. The official .md export puts each tier's table under its own heading:
# "### Standard pricing data", "### Batch pricing data", "### Flex pricing data" and
# "### Fast pricing data" (Priority processing was renamed Fast mode on 2026-07-30; the
# older name is kept so either page version reads). Fast and priority are one offer
# (`service_tier: "priority"` still works), so both map to tier "priority" with no variant.
TIER_HEADINGS = {
    "Standard pricing data": "standard",
    "Batch pricing data": "batch",
    "Flex pricing data": "flex",
    "Fast pricing data": "priority",
    "Priority pricing data": "priority",
}
ANCHOR_HEADING = "Standard pricing data"
# The page as an HTML-to-Markdown crawler renders it: the four tables sit under
# "## Flagship models", each after a one-word paragraph left over from the tab UI, with a
# two-row header ("| | Short context | | | Long context |" then "| Model | Input | ...").
RENDERED_SECTION_HEADING = "Flagship models"
RENDERED_TIER_LABELS = {
    "Standard": "standard",
    "Batch": "batch",
    "Flex": "flex",
    "Priority": "priority",
    "Fast mode": "priority",
    "Fast": "priority",
}
# Columns of every tier table, stated once (titles compared case- and space-insensitively;
# "Input" without a context reads as "Short context input"). Each required column must be
# there; a column that is neither required nor optional is a renamed one: the source fails
# with SourceLayoutError naming it, and stored prices stay (never a price left empty). An
# optional column a table leaves out makes that price unknown (``unread``): the offer keeps
# its stored value.
MODEL_COLUMN = "Model"
REQUIRED_COLUMNS = ("Short context input", "Short context cached input", "Short context output")
# The 2026-06 rendering has no cache-write columns; one-context tables no long ones.
OPTIONAL_COLUMNS = (
    "Short context cache writes",
    "Long context input",
    "Long context cached input",
    "Long context cache writes",
    "Long context output",
)
# The short/long boundary when a row does not state one. The page states it on some rows
# ("gpt-5.5 (<272K context length)") and applies it to the rest; a boundary found on the
# page wins over this default.
LONG_CONTEXT_DEFAULT_TOKENS = 272_000

# "Short context cached input", "Long context cache writes", or plain "Input" (one context).
_COLUMN_RE = re.compile(
    r"^(?:(?P<context>short|long) context\s+)?(?P<field>input|cached input|cache writes?|output)$"
)
# The field each of REQUIRED_COLUMNS gives.
_REQUIRED_FIELDS = ("input", "cache_read", "output")
_FIELDS = {
    "input": "input",
    "cached input": "cache_read",
    "cache write": "cache_write",
    "cache writes": "cache_write",
    "output": "output",
}
# Every price field a tier table can give.
_TABLE_FIELDS = ("input", "cache_read", "cache_write", "output")
# "gpt-5.5 (<272K context length)": the model name and the long-context boundary.
_QUALIFIER_RE = re.compile(r"^(?P<name>.+?)\s*\(\s*<\s*(?P<k>\d+)\s*K context length\s*\)$", re.IGNORECASE)


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The pricing page's Markdown form under ``base_url``."""
    return [base_url.rstrip("/") + PAGE_PATH]


def _tier_tables(tables: list[Table]) -> list[tuple[str, Table]]:
    """(tier, table) for each tier table: official headings first, else the rendered layout."""
    keys = {cell_key(heading): tier for heading, tier in TIER_HEADINGS.items()}
    found = [(keys[cell_key(t.heading)], t) for t in tables if cell_key(t.heading) in keys]
    if any(cell_key(t.heading) == cell_key(ANCHOR_HEADING) for _, t in found):
        return found
    labels = {cell_key(label): tier for label, tier in RENDERED_TIER_LABELS.items()}
    rendered = [
        (labels[cell_key(t.preceding_text)], merge_group_header(t, MODEL_COLUMN))
        for t in tables
        if cell_key(t.heading) == cell_key(RENDERED_SECTION_HEADING) and cell_key(t.preceding_text) in labels
    ]
    if any(tier == "standard" for tier, _ in rendered):
        return rendered
    return []


def _columns(table: Table) -> tuple[int, dict[int, tuple[bool, str]]]:
    """The model column's index and {index: (is_long_context, field)}; SourceLayoutError if unusable."""
    where = f"the table under '{table.heading}'"
    model_index = None
    columns: dict[int, tuple[bool, str]] = {}
    unexpected: list[str] = []
    for index, cell in enumerate(table.header):
        key = header_key(cell)
        if key == header_key(MODEL_COLUMN):
            model_index = index
            continue
        match = _COLUMN_RE.match(key)
        if match is None:
            unexpected.append(cell)
            continue
        columns[index] = (match.group("context") == "long", _FIELDS[match.group("field")])
    short_fields = {field for is_long, field in columns.values() if not is_long}
    missing = [MODEL_COLUMN] if model_index is None else []
    missing += [
        title
        for title, field in zip(REQUIRED_COLUMNS, _REQUIRED_FIELDS, strict=True)
        if field not in short_fields
    ]
    found = f"; header: {list(table.header)!r}"
    if missing:
        titles = ", ".join(f"'{title}'" for title in missing)
        raise SourceLayoutError(f"{where} lacks the required column(s) {titles}{found}")
    if unexpected or model_index is None:
        titles = ", ".join(f"'{title}'" for title in unexpected)
        raise SourceLayoutError(f"{where} has the unexpected column(s) {titles} (renamed?){found}")
    return model_index, columns


def _page_boundary(tables: list[tuple[str, Table]]) -> int:
    """The long-context boundary the page states on any row, else the default."""
    for _, table in tables:
        for row in table.rows:
            match = _QUALIFIER_RE.match(row[0].strip()) if row else None
            if match:
                return int(match.group("k")) * 1000
    return LONG_CONTEXT_DEFAULT_TOKENS


def parse(url: str, body: bytes) -> Parsed:
    """Records from the pricing page's Markdown; SourceLayoutError when the tier tables are gone."""
    tables = _tier_tables(list(iter_tables(decode_body(body))))
    if not tables:
        raise SourceLayoutError(f"no pricing table found (heading '{ANCHOR_HEADING}' missing)", url=url)
    boundary = _page_boundary(tables)
    records: dict[tuple[str, str, str, int, str], PriceRecord] = {}
    row_errors: list[str] = []
    for tier, table in tables:
        where = f"table under '{table.heading}'" + (
            f" ({table.preceding_text})" if table.preceding_text else ""
        )
        try:
            model_index, columns = _columns(table)
        except SourceLayoutError as error:
            raise SourceLayoutError(error.message, url=url) from None
        # A price whose column the table leaves out (the 2026-06 rendering has no cache
        # writes) is unknown to it, not "not offered": ``unread``, the offer keeps its value.
        given = {
            is_long: {field for long_column, field in columns.values() if long_column == is_long}
            for is_long in (False, True)
        }
        unread = {is_long: tuple(f for f in _TABLE_FIELDS if f not in given[is_long]) for is_long in given}
        for row in table.rows:
            cell = row[model_index].strip() if model_index < len(row) else ""
            if not cell:
                row_errors.append(f"{where}: a row without a model name: {row!r}")
                continue
            qualifier = _QUALIFIER_RE.match(cell)
            model = qualifier.group("name").strip() if qualifier else cell
            threshold = int(qualifier.group("k")) * 1000 if qualifier else boundary
            short: dict[str, Decimal | None] = {}
            long: dict[str, Decimal | None] = {}
            try:
                for index, (is_long, field) in columns.items():
                    value = parse_price_cell(row[index] if index < len(row) else "")
                    (long if is_long else short)[field] = value
            except PriceCellError as error:
                row_errors.append(f"{where}: {model}: {error}")
                continue
            for is_long, min_prompt_tokens, values in ((False, 0, short), (True, threshold, long)):
                # A model with no price in this part ("-" throughout) is simply not offered there.
                if all(value is None for value in values.values()):
                    continue
                try:
                    record = make_record(
                        model=model,
                        provider=PROVIDER,
                        tier=tier,
                        min_prompt_tokens=min_prompt_tokens,
                        unread=unread[is_long],
                        **values,
                    )
                except RecordInvalid as error:  # e.g. a price above the sanity bound
                    row_errors.append(f"{where}: {error}")
                    continue
                if record.offer_key() in records:
                    row_errors.append(f"{where}: {model}: listed twice; kept the first row")
                    continue
                records[record.offer_key()] = record
    if not records:
        raise SourceLayoutError(f"no prices read from the table under '{ANCHOR_HEADING}'", url=url)
    return Parsed(records=list(records.values()), row_errors=row_errors)
