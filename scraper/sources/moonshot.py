"""Moonshot AI's (Kimi) chat prices in CNY, from a markdown conversion of its pricing page.

Caveat: https://platform.moonshot.cn/docs/pricing/chat serves an HTML application; what
this parser reads is the markdown a third party's converter made of that page (the only
recording we have). Until the live HTML is recorded and a parser written for it, a body
that is HTML, or markdown without the expected tables, raises SourceLayoutError: no
prices rather than wrong ones.

The converter drops the section headings (they come out empty), so tables are chosen by
their exact header row (the page's column headings). Prices are ￥ per 1M tokens.
kimi-latest is priced by the request's context length: its continuation rows leave out
the model cell, and the lower bound of each range becomes ``min_prompt_tokens``.
"""

from __future__ import annotations

import re

from pricewatch.errors import RecordInvalid, SourceLayoutError
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, make_record
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
DEFAULT_BASE_URL = "https://platform.moonshot.cn"
LISTS_EVERYTHING = False

PROVIDER = "Moonshot AI"
CURRENCY = "CNY"
PRICING_PATH = "/docs/pricing/chat"

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
# The one billing unit the prices may be in.
PER_MILLION_TOKENS = "1M tokens"
# Price cells: "￥4.00" (full-width yen, as the page prints it) or "¥4.00".
CNY_SYMBOLS = ("￥", "¥")

# A model id at the start of the model cell; the converter glues badges on ("...preview推荐").
_MODEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
# A context-length range cell: "≤ 8,192 tokens" or "8,192 < 长度 ≤ 32,768 tokens".
_RANGE = re.compile(r"^(?:(?P<low>[\d,]+)\s*<\s*\S+\s*)?≤\s*(?P<high>[\d,]+)\s*tokens$")
_TOKENS = re.compile(r"^(?P<n>[\d,]+)\s*tokens$")


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The chat pricing page under ``base_url``."""
    return [base_url.rstrip("/") + PRICING_PATH]


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


def _record(model: str, cells: dict[str, str], errors: list[str]) -> PriceRecord | None:
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
    try:
        return make_record(model=model, provider=PROVIDER, currency=CURRENCY, **fields)
    except RecordInvalid as error:
        errors.extend(error.errors)
        return None


def parse(url: str, body: bytes) -> Parsed:
    """Records from the markdown conversion of the chat pricing page (see the module caveat)."""
    text = decode_body(body, url)
    if looks_like_html(text):
        raise SourceLayoutError(
            "got HTML, but this parser reads only the markdown conversion of the pricing page;"
            " no pricing table found",
            url=url,
        )
    tables = [table for table in markdown_tables(text) if _is_price_table(table)]
    if not tables:
        raise SourceLayoutError(
            f"no pricing table found (no table headed {MODEL_COLUMN} | {UNIT_COLUMN})", url=url
        )
    records: list[PriceRecord] = []
    errors: list[str] = []
    for table in tables:
        unknown = [name for name in table.header if name not in COLUMNS]
        if unknown or "output" not in {COLUMNS.get(name) for name in table.header}:
            raise SourceLayoutError(f"no pricing table found (unexpected columns {unknown})", url=url)
        for model, cells in _rows(table):
            record = _record(model, cells, errors)
            if record is not None:
                records.append(record)
    if not records:
        raise SourceLayoutError("no prices read from the pricing tables", url=url)
    return Parsed(records=records, row_errors=errors)
