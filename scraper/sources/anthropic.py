"""Anthropic's own price list: the Markdown form of platform.claude.com's pricing page.

One record per model and offer: standard (base input, 5-minute and 1-hour cache writes,
cache hits, output), batch, long context above 200k input tokens where the page has a
table for it, and fast mode (tier "priority", variant "fast"). Model names are kept as
printed ("Claude Opus 4.6"); the refresh loop maps them to catalog ids.

Prices that are not per token and not per model (web search per 1,000 searches, code
execution per container-hour, Managed Agents session-hours, CCUs) are skipped: a
UnitPrice belongs to one model's record, and these apply to every model alike.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from pricewatch.errors import PriceCellError, RecordInvalid, SourceLayoutError
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, make_record
from pricewatch.scraper.sources._markdown import (
    Table,
    decode_body,
    header_key,
    iter_tables,
    missing_columns,
    parse_price_cell,
)

__all__ = [
    "BATCH_COLUMNS",
    "DEFAULT_BASE_URL",
    "FAST_COLUMNS",
    "KIND",
    "LISTS_EVERYTHING",
    "MODEL_COLUMN",
    "NAME",
    "PROVIDER",
    "REQUIRED_HEADINGS",
    "STANDARD_COLUMNS",
    "parse",
    "start_urls",
]

NAME = "anthropic"
KIND = "first-party"
DEFAULT_BASE_URL = "https://platform.claude.com"
# The page lists current and some retired models, not everything ever sold: no delisting.
LISTS_EVERYTHING = False
PROVIDER = "Anthropic"
PAGE_PATH = "/docs/en/about-claude/pricing.md"

# What the parser requires of the page, stated once. Titles and headings are matched by
# ``header_key``: case, spacing, footnote marks and "&" for "and" may vary (the 2026-08 page
# says "Cache Hits & Refreshes", the 2026-09 one "Cache hits and refreshes"); any other
# rewording is a renamed column, and a missing or renamed required column fails the source
# with SourceLayoutError naming it (stored prices stay), never a price silently left empty.
#
# Page regions, by the text of the heading each table sits under.
# "## Model pricing": required; without it the page is not one we know.
MODEL_PRICING_HEADING = "Model pricing"
# "### Batch processing": expected; when it is missing the standard prices are still stored
#   and the run is partial, with a row error naming the heading.
BATCH_HEADING = "Batch processing"
# "### Long context pricing": a "≤ 200k input tokens<br />Input | ... | > 200k input tokens<br />Output"
#   table in 2026-03; prose only (no premium) from 2026-08 on, so it is optional.
LONG_CONTEXT_HEADING = "Long context pricing"
# "### Fast mode pricing": Model | Input | Output (2026-08), or Input | Output with the model
#   named in the sentence before the table ("Currently supported on Opus 4.6:", 2026-03). Optional.
FAST_MODE_HEADING = "Fast mode pricing"
REQUIRED_HEADINGS = (MODEL_PRICING_HEADING,)

# Required columns of each table: every one must be present (title -> price field).
MODEL_COLUMN = "Model"
STANDARD_COLUMNS = {
    "Base input tokens": "input",
    "5m cache writes": "cache_write",
    "1h cache writes": "cache_write_1h",
    "Cache hits and refreshes": "cache_read",
    "Output tokens": "output",
}
BATCH_COLUMNS = {"Batch input": "input", "Batch output": "output"}
FAST_COLUMNS = {"Input": "input", "Output": "output"}
FAST_VARIANT = "fast"

# "> 200k input tokens Input" (the <br /> became a space).
_LONG_HEADER_RE = re.compile(
    r"^(?P<op>≤|<=|<|>|≥|>=)\s*(?P<k>\d+)\s*k\s+input tokens\s+(?P<field>input|output)$", re.IGNORECASE
)
# A trailing "([retired, except on ...](...))" or "([deprecated](...))" after the name.
# "Claude Sonnet 5 through August 31, 2026" and "Claude Sonnet 5 starting September 1, 2026"
# (the page of July-August 2026): one model's price now and an announced later one.
_DATED_NAME_RE = re.compile(
    r"^(?P<name>.*?\S)\s+(?P<word>through|until|starting|from)\s+(?P<day>[A-Z][a-z]+\s+\d{1,2},\s*\d{4})$"
)
_NAME_NOTE_RE = re.compile(r"\s*\(.*\)\s*$")
# "Claude Sonnet 4.5" -> family "Claude Sonnet", for expanding "Claude Sonnet 4.5 / 4".
_FAMILY_RE = re.compile(r"^(?P<family>.*?\S)\s+\d[\d.]*$")
_FAST_PROSE_RE = re.compile(r"supported on (?:Claude )?(?P<name>[A-Z][A-Za-z]+ \d+(?:\.\d+)?)")


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The pricing page's Markdown form under ``base_url``."""
    return [base_url.rstrip("/") + PAGE_PATH]


def _model_names(cell: str) -> list[str]:
    """Display names in a model cell: note stripped, "A / B" and "Claude Sonnet 4.5 / 4" split."""
    text = _NAME_NOTE_RE.sub("", cell).strip()
    parts = [part.strip() for part in text.split(" / ") if part.strip()]
    if not parts:
        return []
    family = _FAMILY_RE.match(parts[0])
    names = [parts[0]]
    for part in parts[1:]:
        if part[0].isdigit() and family:
            part = f"{family.group('family')} {part}"
        names.append(part)
    return names


def _column_map(table: Table, wanted: dict[str, str]) -> dict[int, str]:
    """Header index -> price field, for the columns in ``wanted`` (matched by ``header_key``)."""
    keys = {header_key(label): field for label, field in wanted.items()}
    return {
        index: keys[header_key(cell)] for index, cell in enumerate(table.header) if header_key(cell) in keys
    }


def _model_index(table: Table) -> int | None:
    return next(
        (i for i, cell in enumerate(table.header) if header_key(cell) == header_key(MODEL_COLUMN)), None
    )


def _first_table(tables: list[Table], heading: str) -> Table | None:
    for table in tables:
        if header_key(table.heading) == header_key(heading):
            return table
    return None


def _dated_name(name: str) -> tuple[str, date | None]:
    """A row name without its dated suffix, and the day a "starting DAY" row's prices begin."""
    match = _DATED_NAME_RE.match(name)
    if match is None:
        return name, None
    if match.group("word") in ("through", "until"):
        return match.group("name"), None  # the price in force until that day: the price now
    day = datetime.strptime(" ".join(match.group("day").replace(",", ", ").split()), "%B %d, %Y").date()
    return match.group("name"), day


class _Collector:
    """Records keyed by offer, with row errors for bad cells and repeated offers."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str, str, int, str, date | None], PriceRecord] = {}
        self.row_errors: list[str] = []

    def add(self, where: str, **fields: object) -> None:
        model, starting = _dated_name(str(fields["model"]))
        fields["model"] = model
        if starting is not None:
            fields["effective_from"] = starting  # a scheduled change (records.effective_from)
        try:
            record = make_record(provider=PROVIDER, **fields)
        except RecordInvalid as error:  # e.g. a price above the sanity bound: skip the row, say why
            self.row_errors.append(f"{where}: {error}")
            return
        key = (*record.offer_key(), record.effective_from)
        if key in self.records:
            self.row_errors.append(f"{where}: {record.model}: listed twice; kept the first row")
            return
        self.records[key] = record

    def prices(
        self, where: str, model: str, row: tuple[str, ...], columns: dict[int, str]
    ) -> dict[str, Decimal | None] | None:
        """Price fields of one row, or None (and a row error) when a cell cannot be read."""
        values: dict[str, Decimal | None] = {}
        for index, field in columns.items():
            cell = row[index] if index < len(row) else ""
            try:
                values[field] = parse_price_cell(cell)
            except PriceCellError as error:
                self.row_errors.append(f"{where}: {model}: {field}: {error}")
                return None
        if all(value is None for value in values.values()):
            return None
        return values


def _read_model_table(table: Table, collector: _Collector, wanted: dict[str, str], **offer: object) -> None:
    """One record per model row of a Model | price... table; every column of ``wanted`` is required."""
    where = f"table under '{table.heading}'"
    model_index = _model_index(table)
    missing = missing_columns(table.header, [MODEL_COLUMN, *wanted])
    if model_index is None or missing:
        titles = ", ".join(f"'{title}'" for title in missing)
        raise SourceLayoutError(
            f"{where} lacks the required column(s) {titles} (header: {list(table.header)!r})"
        )
    columns = _column_map(table, wanted)
    for row in table.rows:
        names = _model_names(row[model_index]) if model_index < len(row) else []
        if not names:
            collector.row_errors.append(f"{where}: a row without a model name: {row!r}")
            continue
        values = collector.prices(where, names[0], row, columns)
        if values is None:
            continue
        for name in names:
            collector.add(where, model=name, **offer, **values)


def _read_long_context(table: Table, collector: _Collector) -> None:
    """Records for the "> 200k input tokens" columns (the "≤" ones repeat the standard table)."""
    where = f"table under '{table.heading}'"
    model_index = _model_index(table) or 0
    above: dict[int, dict[int, str]] = {}
    for index, cell in enumerate(table.header):
        match = _LONG_HEADER_RE.match(" ".join(cell.split()))
        if match and match.group("op") in (">", "≥", ">="):
            threshold = int(match.group("k")) * 1000
            above.setdefault(threshold, {})[index] = match.group("field").lower()
    if not above:
        collector.row_errors.append(f"{where}: no '> Nk input tokens' columns in {list(table.header)!r}")
        return
    for row in table.rows:
        names = _model_names(row[model_index]) if model_index < len(row) else []
        if not names:
            continue
        for threshold, columns in above.items():
            values = collector.prices(where, names[0], row, columns)
            if values is None:
                continue
            for name in names:
                collector.add(where, model=name, min_prompt_tokens=threshold, **values)


def _read_fast_mode(table: Table, collector: _Collector) -> None:
    """Fast mode records; an older layout names the one model in the sentence before the table."""
    if _model_index(table) is not None:
        _read_model_table(table, collector, FAST_COLUMNS, tier="priority", variant=FAST_VARIANT)
        return
    where = f"table under '{table.heading}'"
    match = _FAST_PROSE_RE.search(table.preceding_text)
    if match is None:
        collector.row_errors.append(f"{where}: no Model column and the text before it names no model")
        return
    name = f"Claude {match.group('name')}"
    missing = missing_columns(table.header, FAST_COLUMNS)
    if missing:
        titles = ", ".join(f"'{title}'" for title in missing)
        raise SourceLayoutError(
            f"{where} lacks the required column(s) {titles} (header: {list(table.header)!r})"
        )
    columns = _column_map(table, FAST_COLUMNS)
    for row in table.rows:
        values = collector.prices(where, name, row, columns)
        if values is not None:
            collector.add(where, model=name, tier="priority", variant=FAST_VARIANT, **values)


def parse(url: str, body: bytes) -> Parsed:
    """Records from the pricing page's Markdown; SourceLayoutError when the model table is gone."""
    tables = list(iter_tables(decode_body(body)))
    collector = _Collector()
    try:
        standard = _first_table(tables, MODEL_PRICING_HEADING)
        if standard is None:
            raise SourceLayoutError(f"no pricing table found (heading '{MODEL_PRICING_HEADING}' missing)")
        _read_model_table(standard, collector, STANDARD_COLUMNS, tier="standard")

        batch = _first_table(tables, BATCH_HEADING)
        if batch is None:
            # Keep the standard prices, but say loudly that the batch ones went missing.
            collector.row_errors.append(f"no batch table found (heading '{BATCH_HEADING}' missing)")
        else:
            _read_model_table(batch, collector, BATCH_COLUMNS, tier="batch")

        long_context = _first_table(tables, LONG_CONTEXT_HEADING)
        if long_context is not None:
            _read_long_context(long_context, collector)

        fast = _first_table(tables, FAST_MODE_HEADING)
        if fast is not None:
            _read_fast_mode(fast, collector)
    except SourceLayoutError as error:
        raise SourceLayoutError(error.message, url=url) from None

    if not collector.records:
        raise SourceLayoutError(f"no prices read from the table under '{MODEL_PRICING_HEADING}'", url=url)
    return Parsed(records=list(collector.records.values()), row_errors=collector.row_errors)
