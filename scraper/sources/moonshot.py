"""Moonshot AI's (Kimi) chat prices: the per-model USD pages, and the old CNY page.

Since 2026 the prices are on one page per model family of the international site
(https://platform.kimi.ai/docs/pricing/chat-k3 and so on), in USD. Each page's Markdown
source (the URL plus ``.md``, Mintlify MDX) holds its table as a JSX component call,
``<DocTable columns={[{ title: "Model", ... }, ...]} rows={[["kimi-k3", "1M tokens",
<>{"$"}0.30</>, ...], ...]} />``, read with ``_jsliteral`` (never by splitting on commas:
the context cell is "1,048,576 tokens"). Columns are mapped by title (DOC_COLUMNS); a
title this parser does not know, or a required one missing, fails the page with
SourceLayoutError naming it, so a renamed cache column can never drop its prices silently;
a cache-miss input column without its cache-hit partner fails it too (PAIRED_COLUMNS). A
table without any cache column (the V1 page) leaves cache_read ``unread``: unknown, so an
offer keeps its stored value. A cell that cannot be read is a row error (the row is skipped).
The start URLs are the family pages (PRICING_PAGES): the overview page's Markdown lists
only "featured" cards, so it is no index to follow; a new family needs a line there. Each
is a start page, so a page that fails fails the source and keeps its stored prices.

The older page (https://platform.moonshot.cn/docs/pricing/chat, CNY, as a third party's
Markdown conversion of 2025) still parses: it has pipe tables chosen by their exact
header row (the converter drops the headings). Prices are ￥ per 1M tokens. kimi-latest
is priced by the request's context length: its continuation rows leave out the model
cell, and the lower bound of each range becomes ``min_prompt_tokens``.

An HTML body raises SourceLayoutError: no prices rather than wrong ones.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from pricewatch.errors import RecordInvalid, SourceLayoutError
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, make_record
from pricewatch.scraper.sources._jsliteral import read_component_props
from pricewatch.scraper.sources._tables import (
    MarkdownTable,
    decode_body,
    looks_like_html,
    markdown_tables,
    parse_amount,
)

__all__ = ["DEFAULT_BASE_URL", "KIND", "LISTS_EVERYTHING", "NAME", "parse", "start_urls"]

NAME = "moonshot"
KIND = "first-party"
DEFAULT_BASE_URL = "https://platform.kimi.ai"
LISTS_EVERYTHING = False

PROVIDER = "Moonshot AI"

# ---------------------------------------------------------------- the per-model pages (USD)

PRICING_DIR = "/docs/pricing/"
# One page per model family, fetched as Markdown (the page URL plus ".md").
PRICING_PAGES = ("chat-k3", "chat-k27-code", "chat-k26", "chat-k25", "chat-v1")
# The JSX component whose call holds a page's price table.
DOC_TABLE = "DocTable"
# Column titles -> what they hold. Every title must be one of these.
DOC_COLUMNS = {
    "Model": "model",
    "Unit": "unit",
    "Input Price (Cache Hit)": "cache_read",
    "Input Price (Cache Miss)": "input",
    "Input Price": "input",  # the Moonshot V1 page: no cache columns
    "Output Price": "output",
    "Context Window": "context_length",
}
# What a table must give, and the titles that give it.
REQUIRED_FIELDS = ("model", "unit", "input", "output")
# A column that requires another: a table that splits input into cache miss and cache hit
# must have both (the k3/k2.x pages). Only a table with the plain "Input Price" (the V1
# page) has no cache price; it leaves cache_read ``unread``, so an offer keeps a stored one.
PAIRED_COLUMNS = {"Input Price (Cache Miss)": "Input Price (Cache Hit)"}
# The one billing unit the prices may be in.
PER_MILLION_TOKENS = "1M tokens"
# Price symbols and the currency each means (platform.kimi.com, the CNY twin, prints ￥).
CURRENCY_SYMBOLS = {"$": "USD", "￥": "CNY", "¥": "CNY"}

_TOKENS = re.compile(r"^(?P<n>[\d,]+)\s*tokens$")

# ---------------------------------------------------------------- the old page (CNY, 2025)

# Column headings of the price tables (header row, whitespace collapsed) -> what they hold.
MODEL_COLUMN = "模型"
UNIT_COLUMN = "计费单位"
COLUMNS = {
    MODEL_COLUMN: "model",
    UNIT_COLUMN: "unit",
    "输入价格 （缓存命中）": "cache_read",
    "输入价格 （缓存未命中）": "input",
    "输入价格": "input",
    "输出价格": "output",
    "模型上下文长度": "context_length",
    "请求上下文长度范围 （自动选择计费模型）": "range",
}
# As PAIRED_COLUMNS: a cache-miss input column requires its cache-hit partner.
CNY_PAIRED_COLUMNS = {"输入价格 （缓存未命中）": "输入价格 （缓存命中）"}
# Price cells: "￥4.00" (full-width yen, as the page prints it) or "¥4.00".
CNY_SYMBOLS = ("￥", "¥")

# A model id at the start of the model cell; the converter glues badges on ("...preview推荐").
_MODEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
# A context-length range cell: "≤ 8,192 tokens" or "8,192 < 长度 ≤ 32,768 tokens".
_RANGE = re.compile(r"^(?:(?P<low>[\d,]+)\s*<\s*\S+\s*)?≤\s*(?P<high>[\d,]+)\s*tokens$")


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The Markdown source of each model family's pricing page under ``base_url``."""
    root = base_url.rstrip("/") + PRICING_DIR
    return [f"{root}{page}.md" for page in PRICING_PAGES]


# ---------------------------------------------------------------- DocTable pages


def _doc_fields(columns: Any, url: str) -> list[str]:
    """The field of each column, by title; SourceLayoutError naming an unknown or missing title."""
    if not isinstance(columns, list) or not columns:
        raise SourceLayoutError(f"no pricing table found (<{DOC_TABLE}> without columns)", url=url)
    titles = [c.get("title") if isinstance(c, dict) else None for c in columns]
    unknown = [t for t in titles if t not in DOC_COLUMNS]
    if unknown:
        raise SourceLayoutError(
            f"no pricing table found (unknown column {', '.join(repr(t) for t in unknown)};"
            f" known: {', '.join(DOC_COLUMNS)})",
            url=url,
        )
    fields = [DOC_COLUMNS[str(t)] for t in titles]
    for title, partner in PAIRED_COLUMNS.items():
        if title in titles and partner not in titles:
            raise SourceLayoutError(
                f"no pricing table found (missing column {partner!r} beside {title!r})", url=url
            )
    missing = [f for f in REQUIRED_FIELDS if f not in fields]
    if missing or len(set(fields)) != len(fields):
        wanted = [" or ".join(repr(t) for t, f in DOC_COLUMNS.items() if f == name) for name in missing]
        problem = f"missing column {'; '.join(wanted)}" if missing else "two columns give one price"
        raise SourceLayoutError(f"no pricing table found ({problem})", url=url)
    return fields


def _doc_price(cell: Any) -> tuple[Decimal, str]:
    """("$0.30") -> (Decimal("0.30"), "USD"); ValueError for anything else."""
    if not isinstance(cell, str):
        raise ValueError(f"not a price: {cell!r}")
    for symbol, currency in CURRENCY_SYMBOLS.items():
        if cell.strip().startswith(symbol):
            return parse_amount(cell, symbols=(symbol,)), currency
    raise ValueError(f"expected a price starting with {' or '.join(CURRENCY_SYMBOLS)}: {cell!r}")


def _doc_record(cells: dict[str, Any], errors: list[str]) -> PriceRecord | None:
    model = cells.get("model")
    if not isinstance(model, str) or not model.strip():
        errors.append(f"row without a model id: {cells}: skipped")
        return None
    if cells.get("unit") != PER_MILLION_TOKENS:
        errors.append(f"{model}: prices per {cells.get('unit')!r}, not {PER_MILLION_TOKENS}: skipped")
        return None
    fields: dict[str, object] = {}
    currencies = set()
    for name in ("input", "cache_read", "output"):
        if name not in cells:
            continue
        try:
            fields[name], currency = _doc_price(cells[name])
        except ValueError as error:
            errors.append(f"{model}: {name}: {error}: skipped")
            return None
        currencies.add(currency)
    if len(currencies) != 1:
        errors.append(f"{model}: prices in {sorted(currencies)}: skipped")
        return None
    context = _TOKENS.match(str(cells.get("context_length", "")).strip())
    if context:
        fields["context_length"] = int(context["n"].replace(",", ""))
    unread = () if "cache_read" in cells else ("cache_read",)
    try:
        return make_record(model=model, provider=PROVIDER, currency=currencies.pop(), unread=unread, **fields)
    except RecordInvalid as error:
        errors.extend(error.errors)
        return None


def _parse_doc_tables(text: str, url: str) -> Parsed:
    try:
        calls = read_component_props(text, DOC_TABLE)
    except ValueError as error:
        raise SourceLayoutError(
            f"no pricing table found (<{DOC_TABLE}> unreadable: {error})", url=url
        ) from None
    records: list[PriceRecord] = []
    errors: list[str] = []
    for props in calls:
        fields = _doc_fields(props.get("columns"), url)
        rows = props.get("rows")
        if not isinstance(rows, list):
            raise SourceLayoutError(f"no pricing table found (<{DOC_TABLE}> without rows)", url=url)
        for row in rows:
            if not isinstance(row, list) or len(row) != len(fields):
                errors.append(
                    f"row of {len(row) if isinstance(row, list) else '?'} cells under {len(fields)} columns: {row!r}: skipped"
                )
                continue
            record = _doc_record(dict(zip(fields, row, strict=True)), errors)
            if record is not None:
                records.append(record)
    if not records:
        raise SourceLayoutError(f"no prices read from the <{DOC_TABLE}> tables", url=url)
    return Parsed(records=records, row_errors=errors)


# ---------------------------------------------------------------- the old CNY page


def _is_price_table(table: MarkdownTable) -> bool:
    return bool(table.header) and table.header[0] == MODEL_COLUMN and UNIT_COLUMN in table.header


def _range_floor(text: str) -> int | None:
    match = _RANGE.match(text.strip())
    if match is None:
        return None
    return int(match["low"].replace(",", "")) if match["low"] else 0


def _rows(table: MarkdownTable) -> list[tuple[str, dict[str, str]]]:
    """(model, {field: cell text}) per row, continuation rows given their model back."""
    fields = [COLUMNS[name] for name in table.header]
    rows: list[tuple[str, dict[str, str]]] = []
    model = ""
    for row in table.rows:
        texts = [cell.text for cell in row]
        if "range" in fields and _range_floor(texts[0]) is not None and model:
            # A continuation row: the model cell is left out and the rest shift left.
            texts = [model, *texts[: len(fields) - 1]]
        else:
            match = _MODEL_ID.match(texts[0])
            model = match.group(0) if match else ""
        rows.append((model, dict(zip(fields, texts, strict=False))))
    return rows


def _cny_record(model: str, cells: dict[str, str], errors: list[str]) -> PriceRecord | None:
    if not model:
        errors.append(f"row without a model id: {cells}: skipped")
        return None
    if cells.get("unit", "").strip() != PER_MILLION_TOKENS:
        errors.append(f"{model}: prices per {cells.get('unit')!r}, not {PER_MILLION_TOKENS}: skipped")
        return None
    fields: dict[str, object] = {}
    for name in ("input", "cache_read", "output"):
        if name not in cells:
            continue
        try:
            fields[name] = parse_amount(cells[name], symbols=CNY_SYMBOLS)
        except ValueError as error:
            errors.append(f"{model}: {name}: {error}: skipped")
            return None
    if "range" in cells:
        floor = _range_floor(cells["range"])
        if floor is None:
            errors.append(f"{model}: unreadable context range {cells['range']!r}: skipped")
            return None
        fields["min_prompt_tokens"] = floor
    context = _TOKENS.match(cells.get("context_length", "").strip())
    if context:
        fields["context_length"] = int(context["n"].replace(",", ""))
    unread = () if "cache_read" in cells else ("cache_read",)
    try:
        return make_record(model=model, provider=PROVIDER, currency="CNY", unread=unread, **fields)
    except RecordInvalid as error:
        errors.extend(error.errors)
        return None


def _parse_cny_tables(text: str, url: str) -> Parsed:
    tables = [table for table in markdown_tables(text) if _is_price_table(table)]
    if not tables:
        raise SourceLayoutError(
            f"no pricing table found (no <{DOC_TABLE}>, and no table headed {MODEL_COLUMN} | {UNIT_COLUMN})",
            url=url,
        )
    records: list[PriceRecord] = []
    errors: list[str] = []
    for table in tables:
        unknown = [name for name in table.header if name not in COLUMNS]
        if unknown or "output" not in {COLUMNS.get(name) for name in table.header}:
            raise SourceLayoutError(f"no pricing table found (unexpected columns {unknown})", url=url)
        for title, partner in CNY_PAIRED_COLUMNS.items():
            if title in table.header and partner not in table.header:
                raise SourceLayoutError(
                    f"no pricing table found (missing column {partner!r} beside {title!r})", url=url
                )
        for model, cells in _rows(table):
            record = _cny_record(model, cells, errors)
            if record is not None:
                records.append(record)
    if not records:
        raise SourceLayoutError("no prices read from the pricing tables", url=url)
    return Parsed(records=records, row_errors=errors)


def parse(url: str, body: bytes) -> Parsed:
    """Records from a per-model page's <DocTable>, or from the old CNY page's pipe tables."""
    text = decode_body(body, url)
    if looks_like_html(text):
        raise SourceLayoutError(
            "got HTML, but this parser reads only the Markdown source of the pricing pages;"
            " no pricing table found",
            url=url,
        )
    if re.search(rf"^[ \t]*<{DOC_TABLE}\b", text, re.MULTILINE):
        return _parse_doc_tables(text, url)
    return _parse_cny_tables(text, url)
