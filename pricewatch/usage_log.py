"""Re-pricing a usage log: each row's tokens at the price in force at its timestamp (`pricewatch reprice`).

A log is CSV (a header row) or JSON lines (one object per line), read as a stream: rows are
costed and handed on one at a time, and only the totals (per model, per month) are kept.

Fields of a row (CSV columns or JSON keys; JSON may nest the token counts under ``usage``):

    timestamp   when the request was made: ISO 8601 ("2026-03-01T12:00:00Z"; no offset is
                UTC), a date (its end), or Unix seconds (``time``, ``created_at``,
                ``created`` and ``date`` are read too)
    model       the name as the log writes it (``pricewatch.pricing.PriceBook.resolve``)
    provider    optional: who charged it (default: the model's maker)
    tier        optional: standard (default), batch, priority, flex...

Token counts, by ``usage_format``:

    explicit    input_tokens (UNCACHED input), cache_read_tokens, cache_write_tokens (5-minute),
                cache_write_1h_tokens, output_tokens, reasoning_tokens (on top of output);
                a missing count is 0
    openai      prompt_tokens (or input_tokens) INCLUDES the cached tokens:
                uncached = prompt_tokens - cached_tokens (``prompt_tokens_details.cached_tokens``,
                ``input_tokens_details.cached_tokens`` or a ``cached_tokens`` column);
                completion_tokens (or output_tokens) INCLUDES the reasoning tokens
                (``completion_tokens_details.reasoning_tokens``, ``output_tokens_details...`` or
                a ``reasoning_tokens`` column), billed apart at the reasoning price (else output)
    anthropic   input_tokens EXCLUDES the cache: it is the uncached input;
                cache_read_input_tokens are cache reads; cache_creation_input_tokens cache
                writes (5-minute), or the ``cache_creation`` object's ephemeral_5m_input_tokens
                and ephemeral_1h_input_tokens; output_tokens
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from json.encoder import encode_basestring_ascii as _quote
from typing import IO, Any, Literal

from pricewatch.analysis.workloads import TokenCounts
from pricewatch.errors import PricewatchError, UsageLogError
from pricewatch.money import decimal_to_text
from pricewatch.pricing import PriceBook, parse_time

__all__ = ["LogFormat", "RepricedRow", "Totals", "UsageFormat", "read_log", "reprice", "token_counts"]

UsageFormat = Literal["explicit", "openai", "anthropic"]
LogFormat = Literal["auto", "csv", "jsonl"]

_TIME_KEYS = ("timestamp", "time", "created_at", "created", "date")
_ZERO = Decimal(0)


def _count(value: Any, name: str) -> Decimal:
    """A token count from a field's value: 0 when absent or empty; ValueError when not a whole number."""
    if value is None or value == "":
        return _ZERO
    kind = type(value)
    if (kind is str and value.isdigit()) or kind is int:
        return Decimal(value)  # the common case of a long log
    return _number({name: value}, name)


def _number(record: Mapping[str, Any], *path: str) -> Decimal:
    """A count at ``path`` (nested keys), 0 when absent or empty; ValueError when not a whole number."""
    value: Any = record
    for key in path:
        if not isinstance(value, Mapping):
            return _ZERO
        value = value.get(key)
    if value is None or value == "" or value == 0:
        return _ZERO
    if (type(value) is str and value.isdigit()) or type(value) is int:
        return Decimal(value)
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal | float):
        raise ValueError(f"{'.'.join(path)} is not a number: {value!r}")
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValueError(f"{'.'.join(path)} is not a number: {value!r}") from None
    if number < 0 or number != number.to_integral_value():
        raise ValueError(f"{'.'.join(path)} is not a token count: {value!r}")
    return number


def _first(record: Mapping[str, Any], *paths: tuple[str, ...]) -> Decimal:
    for path in paths:
        number = _number(record, *path)
        if number:
            return number
    return _ZERO


def token_counts(record: Mapping[str, Any], usage_format: UsageFormat = "explicit") -> TokenCounts:
    """A row's tokens by class, read by ``usage_format``'s rules (module docstring)."""
    usage = record.get("usage")
    fields: Mapping[str, Any] = {**record, **usage} if isinstance(usage, Mapping) else record
    if usage_format == "explicit":
        get = fields.get
        return TokenCounts(
            _count(get("input_tokens"), "input_tokens"),
            _count(get("output_tokens"), "output_tokens"),
            _count(get("cache_read_tokens"), "cache_read_tokens"),
            _count(get("cache_write_tokens"), "cache_write_tokens"),
            _count(get("cache_write_1h_tokens"), "cache_write_1h_tokens"),
            _count(get("reasoning_tokens"), "reasoning_tokens"),
        )
    if usage_format == "openai":
        prompt = _first(fields, ("prompt_tokens",), ("input_tokens",))
        cached = _first(
            fields,
            ("prompt_tokens_details", "cached_tokens"),
            ("input_tokens_details", "cached_tokens"),
            ("cached_tokens",),
        )
        completion = _first(fields, ("completion_tokens",), ("output_tokens",))
        reasoning = _first(
            fields,
            ("completion_tokens_details", "reasoning_tokens"),
            ("output_tokens_details", "reasoning_tokens"),
            ("reasoning_tokens",),
        )
        if cached > prompt:
            raise ValueError(f"cached tokens ({cached}) exceed the prompt tokens ({prompt})")
        if reasoning > completion:
            raise ValueError(f"reasoning tokens ({reasoning}) exceed the completion tokens ({completion})")
        return TokenCounts(
            input=prompt - cached, output=completion - reasoning, cache_read=cached, reasoning=reasoning
        )
    if usage_format == "anthropic":
        by_ttl = fields.get("cache_creation")
        five = _number(by_ttl, "ephemeral_5m_input_tokens") if isinstance(by_ttl, Mapping) else _ZERO
        hour = _number(by_ttl, "ephemeral_1h_input_tokens") if isinstance(by_ttl, Mapping) else _ZERO
        if not five and not hour:
            five = _number(fields, "cache_creation_input_tokens")
        return TokenCounts(
            input=_number(fields, "input_tokens"),
            output=_number(fields, "output_tokens"),
            cache_read=_number(fields, "cache_read_input_tokens"),
            cache_write=five,
            cache_write_1h=hour,
        )
    raise ValueError(f"unknown usage format {usage_format!r} (explicit, openai or anthropic)")


def read_log(
    stream: IO[str], log_format: LogFormat = "auto", name: str = "-"
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(line number, record) for every row of a CSV or JSON-lines log, read as a stream.

    ``auto`` reads JSON lines when the first non-blank character is ``{``, else CSV. A JSON
    line that is not an object is yielded as ``{"__error__": ...}`` (the row is listed as
    unpriced, the log goes on).
    """
    from pathlib import Path

    first = ""
    while not first:
        line = stream.readline()
        if not line:
            return
        first = line if line.strip() else ""
    if log_format == "auto":
        log_format = "jsonl" if first.lstrip().startswith("{") else "csv"
    if log_format == "csv":
        reader = csv.reader(_chain([first], stream))
        header = next(reader, [])
        if not any(k in header for k in _TIME_KEYS):
            raise UsageLogError(Path(name), [f"line 1: no timestamp column (one of {', '.join(_TIME_KEYS)})"])
        for row in reader:
            if row:
                yield reader.line_num, dict(zip(header, row, strict=False))
        return
    for number, line in enumerate(_chain([first], stream), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            yield number, {"__error__": f"not JSON ({error})"}
            continue
        yield number, record if isinstance(record, dict) else {"__error__": "not a JSON object"}


def _chain(head: list[str], rest: Iterable[str]) -> Iterator[str]:
    yield from head
    yield from rest


@dataclass
class Totals:
    """What a log cost: in all, per model and per month, with the rows that could not be priced."""

    rows: int = 0
    priced: int = 0
    cost: Decimal = _ZERO
    by_model: dict[str, list[Any]] = field(default_factory=dict)  # model -> [rows, cost]
    by_month: dict[str, list[Any]] = field(default_factory=dict)
    unpriced_reasons: dict[str, int] = field(default_factory=dict)
    unpriced_rows: list[dict[str, Any]] = field(default_factory=list)
    flagged: int = 0
    converted: int = 0
    #: How many unpriced rows are listed one by one (the reasons are all counted).
    listed: int = 100

    def add(self, row: RepricedRow) -> None:
        self.rows += 1
        if row.cost is None:
            reason = row.error or "not priced"
            self.unpriced_reasons[reason] = self.unpriced_reasons.get(reason, 0) + 1
            if len(self.unpriced_rows) < self.listed:
                self.unpriced_rows.append({"line": row.line, "model": row.model, "reason": reason})
            return
        self.priced += 1
        self.cost += row.cost
        self.flagged += bool(row.flags)
        self.converted += bool(row.converted)
        for table, key in ((self.by_model, row.model_id or row.model), (self.by_month, row.at[:7])):
            entry = table.get(key)
            if entry is None:
                table[key] = [1, row.cost]
            else:
                entry[0] += 1
                entry[1] += row.cost

    def as_dict(self) -> dict[str, Any]:
        def table(entries: dict[str, list[Any]]) -> dict[str, dict[str, Any]]:
            return {k: {"rows": n, "cost": decimal_to_text(c)} for k, (n, c) in sorted(entries.items())}

        return {
            "cost": decimal_to_text(self.cost),
            "currency": "USD",
            "rows": self.rows,
            "priced": self.priced,
            "unpriced": self.rows - self.priced,
            "flagged": self.flagged,
            "converted": self.converted,
            "by_model": table(self.by_model),
            "by_month": table(self.by_month),
            "unpriced_reasons": dict(sorted(self.unpriced_reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
            "unpriced_rows": self.unpriced_rows,
        }


@dataclass(slots=True)
class RepricedRow:
    """One log row with its cost (USD, exact), or None and the reason it could not be priced."""

    line: int
    timestamp: str
    at: str
    model: str
    model_id: str | None
    provider: str | None
    tier: str
    counts: TokenCounts | None
    cost: Decimal | None
    flags: tuple[str, ...] = ()
    converted: str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        counts = self.counts
        return {
            "line": self.line,
            "timestamp": self.timestamp,
            "model": self.model,
            "model_id": self.model_id,
            "provider": self.provider,
            "tier": self.tier,
            "priced_at": self.at,
            # Whole numbers read from the log (exponent 0): their str() is the plain text.
            "input_tokens": str(counts.input) if counts else None,
            "cache_read_tokens": str(counts.cache_read) if counts else None,
            "cache_write_tokens": str(counts.cache_write) if counts else None,
            "cache_write_1h_tokens": str(counts.cache_write_1h) if counts else None,
            "output_tokens": str(counts.output) if counts else None,
            "reasoning_tokens": str(counts.reasoning) if counts else None,
            "cost": decimal_to_text(self.cost) if self.cost is not None else None,
            "flags": list(self.flags),
            "converted": self.converted,
            "error": self.error,
        }

    def json_line(self) -> str:
        """``json.dumps(self.as_dict())``, written out field by field (a long log's rows, fast)."""
        c = self.counts
        counts = (
            f'"{c.input}", "cache_read_tokens": "{c.cache_read}", "cache_write_tokens": "{c.cache_write}", '
            f'"cache_write_1h_tokens": "{c.cache_write_1h}", "output_tokens": "{c.output}", '
            f'"reasoning_tokens": "{c.reasoning}"'
            if c is not None
            else 'null, "cache_read_tokens": null, "cache_write_tokens": null, "cache_write_1h_tokens": null, '
            '"output_tokens": null, "reasoning_tokens": null'
        )
        cost = "null" if self.cost is None else f'"{decimal_to_text(self.cost)}"'
        flags = "[" + ", ".join(_quote(f) for f in self.flags) + "]"
        return (
            f'{{"line": {self.line}, "timestamp": {_quote(self.timestamp)}, "model": {_quote(self.model)}, '
            f'"model_id": {_json(self.model_id)}, "provider": {_json(self.provider)}, "tier": {_quote(self.tier)}, '
            f'"priced_at": {_quote(self.at)}, "input_tokens": {counts}, "cost": {cost}, "flags": {flags}, '
            f'"converted": {_json(self.converted)}, "error": {_json(self.error)}}}'
        )


def _json(value: str | None) -> str:
    return "null" if value is None else _quote(value)


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    return value.strip() if type(value) is str else str(value).strip()


def reprice(
    book: PriceBook,
    records: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    usage_format: UsageFormat = "explicit",
    at: str | None = None,
) -> Iterator[RepricedRow]:
    """Each record costed at the price in force at its timestamp (every one at ``at`` when given).

    A row that cannot be priced (no timestamp, unknown model, no price then, bad counts)
    comes back with ``cost=None`` and the reason; the log goes on.
    """
    for line, record in records:
        model = _text(record, "model")
        provider = _text(record, "provider") or None
        tier = _text(record, "tier") or "standard"
        stamp = _text(record, "timestamp") or next(
            (_text(record, k) for k in _TIME_KEYS if _text(record, k)), ""
        )
        try:
            if "__error__" in record:
                raise ValueError(record["__error__"])
            if not model:
                raise ValueError("no model")
            if at is None and not stamp:
                raise ValueError("no timestamp")
            when = at or parse_time(stamp)
            counts = token_counts(record, usage_format)
        except (ValueError, ArithmeticError, PricewatchError) as error:
            yield RepricedRow(line, stamp, "", model, None, provider, tier, None, None, error=str(error))
            continue
        model_id = None
        try:
            resolved = book.resolve(model)
            model_id = resolved.model
            batch = tier == "batch"
            sheets = book.sheets(resolved, provider, when, tier="standard" if batch else tier)
            cost, flags, converted = book.total_usd(sheets, counts, batch=batch)
        except PricewatchError as error:
            yield RepricedRow(
                line, stamp, when, model, model_id, provider, tier, counts, None, error=str(error)
            )
            continue
        yield RepricedRow(
            line,
            stamp,
            when,
            model,
            model_id,
            sheets.provider,
            tier,
            counts,
            cost,
            flags,
            converted,
        )
