"""MiniMax's pay-as-you-go text-model prices (USD), from the Markdown source of its pricing page.

Since 2026 the page is https://platform.minimax.io/docs/guides/pricing-paygo (its Markdown
source: the URL plus ``.md``, Mintlify MDX). Its ``## LLM`` section holds:

- ``<Tabs>`` with ``<Tab title="Standard">`` and ``<Tab title="Priority*">``, each an indented
  pipe table. Priority is tier "priority" (TAB_TIERS); a tab this parser does not know is a
  layout error naming it, never prices filed under the wrong tier.
- Rows per prompt length: ``**MiniMax-M3**<br />≤ 512k input tokens`` and ``> 512k input
  tokens``; the lower bound becomes ``min_prompt_tokens`` (0 and 512000, k = 1000 as for the
  other sources).
- Promotional prices struck through: ``~~\\$0.60~~ \\$0.30 / M tokens`` charges $0.30. The record
  stores the price charged and notes the list price (``PriceRecord.list_prices``).
- Untabbed tables after ``</Tabs>`` and inside ``<Accordion title="Legacy Models">``: standard.

The 2025 page (``/docs/pricing/pay-as-you-go``, a ``## Text`` section with one table) still
parses. Tables are read within the section only; one is a price table when its header names
a price column (the section also holds a rate-limits table). In a price table every column
must be one of COLUMNS and every REQUIRED_COLUMNS present, else SourceLayoutError naming the
column: a renamed cache column can never drop its prices silently. A table without an
OPTIONAL_COLUMNS column leaves that price unknown (``unread``): the offer keeps its stored
value. A cell that cannot be read is a row error and its row is not stored. Only the LLM section is
read: audio, video, music and image are priced per character, clip, song or image.

An HTML body raises SourceLayoutError: no prices rather than wrong ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pricewatch.errors import RecordInvalid, SourceLayoutError
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import ListPrice, PriceRecord, make_record
from pricewatch.scraper.sources._tables import (
    MarkdownCell,
    MarkdownTable,
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
PRICING_PATH = "/docs/guides/pricing-paygo.md"

# The ``##`` section the text-model tables sit under: "LLM" since 2026, "Text" in 2025.
SECTION_HEADINGS = ("LLM", "Text")
# Column headings (whitespace collapsed) -> record field. A price table has only these.
COLUMNS = {
    "Model": "model",
    "Input": "input",
    "Output": "output",
    "Prompt caching Read": "cache_read",
    "Prompt caching Write": "cache_write",
}
# What every price table must have (every table of the 2025 and 2026 pages has these).
REQUIRED_COLUMNS = ("Model", "Input", "Output", "Prompt caching Read")
# A column a table may leave out (MiniMax-M3's tables have no cache writes). A table
# without it says nothing about that price: the record lists the field as ``unread`` and
# the store keeps the offer's stored value (never blanks a price the offer had).
OPTIONAL_COLUMNS = ("Prompt caching Write",)
# Tab titles (a trailing footnote "*" dropped) -> tier. Tables outside tabs are standard.
TAB_TIERS = {"Standard": "standard", "Priority": "priority"}
# Caching may be absent for a model: these cells then mean "not offered", never zero.
OPTIONAL_FIELDS = ("cache_read", "cache_write")
NOT_OFFERED = ("", "-", "—", "N/A")
# Price cells: "$0.3 / M tokens", with a struck-through list price before it on promotion:
# "~~$0.60~~ $0.30 / M tokens" (the Markdown escapes the dollar, "\$", which markdown-it undoes;
# strikethrough is not enabled in the reader, so the "~~" stay in the text).
_PER_MTOK = re.compile(
    r"^(?:~~\s*(?P<list>\$\s*[\d.,]+)\s*~~\s*)?(?P<amount>\$\s*[\d.,]+)\s*/\s*M tokens$", re.IGNORECASE
)
# A prompt-length tier after the model id: "≤ 512k input tokens", "> 512k input tokens*".
_PROMPT_TIER = re.compile(r"^(?P<op>≤|<=|<|>|≥|>=)\s*(?P<k>\d+)\s*k\b", re.IGNORECASE)
_SECTION = re.compile(r"^##\s+(?P<title>.+?)\s*#*\s*$")
_TAB_OPEN = re.compile(r"^<Tab\s+title=\"(?P<title>[^\"]*)\"\s*>$")
_TAB_CLOSE = "</Tab>"


@dataclass(frozen=True)
class _Block:
    """A pipe table of the section, dedented, and the tier of the tab it sits in."""

    tier: str
    table: MarkdownTable


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The Markdown source of the pay-as-you-go pricing page under ``base_url``."""
    return [base_url.rstrip("/") + PRICING_PATH]


def _section(text: str, url: str) -> list[str]:
    """The lines of the LLM (or 2025: Text) section, up to the next ``#`` or ``##`` heading."""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        match = _SECTION.match(line)
        if match and match["title"] in SECTION_HEADINGS:
            end = next(
                (i for i in range(start + 1, len(lines)) if re.match(r"^#{1,2}\s", lines[i])), len(lines)
            )
            return lines[start + 1 : end]
    wanted = " or ".join(f"## {h}" for h in SECTION_HEADINGS)
    raise SourceLayoutError(f"no pricing table found (no {wanted} section)", url=url)


def _blocks(lines: list[str], url: str) -> list[_Block]:
    """Each run of table lines with its tab's tier; MDX tags (Tabs, Accordion) only steer tiers."""
    blocks: list[_Block] = []
    tier = "standard"
    run: list[str] = []

    def flush() -> None:
        if run:
            blocks.extend(_Block(tier, table) for table in markdown_tables("\n".join(run)))
            run.clear()

    for raw in lines:
        line = raw.strip()
        if line.startswith("|"):
            run.append(line)
            continue
        flush()
        opened = _TAB_OPEN.match(line)
        if opened:
            title = opened["title"].rstrip("*").strip()
            if title not in TAB_TIERS:
                raise SourceLayoutError(
                    f"no pricing table found (unknown tab {opened['title']!r}; known: {', '.join(TAB_TIERS)})",
                    url=url,
                )
            tier = TAB_TIERS[title]
        elif line == _TAB_CLOSE:
            tier = "standard"
    flush()
    return blocks


def _check_columns(header: tuple[str, ...], url: str) -> None:
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if unknown or missing:
        problems = [f"unknown column {name!r}" for name in unknown]
        problems += [f"missing column {name!r}" for name in missing]
        raise SourceLayoutError(
            f"no pricing table found ({'; '.join(problems)}; known: {', '.join(COLUMNS)})", url=url
        )


def _model(cell: MarkdownCell) -> tuple[str, str]:
    """(model id, the note after it) of a model cell: ("MiniMax-M3", "≤ 512k input tokens ...")."""
    first, _, note = cell.text.partition("\n")
    model = cell.strong[0] if cell.strong else first.strip()
    return model, note.strip()


def _threshold(note: str) -> int | None:
    """The prompt length a row's prices start above (0 for "≤ 512k"), None for no tier note."""
    match = _PROMPT_TIER.match(note.replace("\\", ""))
    if match is None:
        return None
    return int(match["k"]) * 1000 if match["op"] in (">", "≥", ">=") else 0


def _price(text: str) -> tuple[Decimal, Decimal | None]:
    """(price charged, list price or None) of a price cell."""
    match = _PER_MTOK.match(" ".join(text.split()))
    if match is None:
        raise ValueError(f"not a price per M tokens: {text!r}")
    listed = parse_amount(match["list"], symbols=("$",)) if match["list"] else None
    return parse_amount(match["amount"], symbols=("$",)), listed


def _record(block: _Block, row: tuple[MarkdownCell, ...], errors: list[str]) -> PriceRecord | None:
    cells = dict(zip([COLUMNS[name] for name in block.table.header], row, strict=False))
    model, note = _model(cells["model"])
    if not model:
        errors.append(f"row without a model: {[cell.text for cell in row]}: skipped")
        return None
    fields: dict[str, object] = {"tier": block.tier}
    threshold = _threshold(note)
    if threshold:
        fields["min_prompt_tokens"] = threshold
    list_prices: list[ListPrice] = []
    try:
        for name, cell in cells.items():
            if name == "model" or (name in OPTIONAL_FIELDS and cell.text.strip() in NOT_OFFERED):
                continue
            fields[name], listed = _price(cell.text)
            if listed is not None:
                list_prices.append(ListPrice(field=name, amount=listed))
    except ValueError as error:
        errors.append(f"{model}: {error}: skipped")
        return None
    unread = tuple(COLUMNS[name] for name in OPTIONAL_COLUMNS if name not in block.table.header)
    try:
        return make_record(
            model=model,
            provider=PROVIDER,
            currency=CURRENCY,
            list_prices=tuple(list_prices),
            unread=unread,
            **fields,
        )
    except RecordInvalid as error:
        errors.extend(error.errors)
        return None


def parse(url: str, body: bytes) -> Parsed:
    """Records from the LLM section of the pay-as-you-go page's Markdown source."""
    text = decode_body(body, url)
    if looks_like_html(text):
        raise SourceLayoutError(
            "got HTML, but this parser reads only the Markdown source of the pricing page;"
            " no pricing table found",
            url=url,
        )
    price_columns = set(COLUMNS) - {"Model"}
    blocks = [b for b in _blocks(_section(text, url), url) if price_columns & set(b.table.header)]
    if not blocks:
        raise SourceLayoutError(
            f"no pricing table found (no table with a {' / '.join(sorted(price_columns))} column)", url=url
        )
    records: list[PriceRecord] = []
    errors: list[str] = []
    for block in blocks:
        _check_columns(block.table.header, url)
        for row in block.table.rows:
            record = _record(block, row, errors)
            if record is not None:
                records.append(record)
    if not records:
        raise SourceLayoutError("no prices read from the LLM pricing tables", url=url)
    return Parsed(records=records, row_errors=errors)
