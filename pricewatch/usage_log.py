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
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from json.encoder import encode_basestring_ascii as _quote
from typing import IO, Any, Literal, cast

from pricewatch.analysis.workloads import TokenCounts
from pricewatch.errors import PricewatchError, UsageLogError
from pricewatch.money import decimal_to_text
from pricewatch.pricing import SHAPE_CLASSES, PriceBook, Resolved, parse_time

__all__ = [
    "LogFormat",
    "RepricedRow",
    "Totals",
    "UsageFormat",
    "read_log",
    "reprice",
    "reprice_lines",
    "token_counts",
]

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
        yield _reprice_one(book, line, record, usage_format, at)


def _reprice_one(
    book: PriceBook, line: int, record: Mapping[str, Any], usage_format: UsageFormat, at: str | None
) -> RepricedRow:
    """One record costed (``reprice``'s row by row rules)."""
    model = _text(record, "model")
    provider = _text(record, "provider") or None
    tier = _text(record, "tier") or "standard"
    stamp = _text(record, "timestamp") or next((_text(record, k) for k in _TIME_KEYS if _text(record, k)), "")
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
        return RepricedRow(line, stamp, "", model, None, provider, tier, None, None, error=str(error))
    model_id = None
    try:
        resolved = book.resolve(model)
        model_id = resolved.model
        batch = tier == "batch"
        sheets = book.sheets(resolved, provider, when, tier="standard" if batch else tier)
        cost, flags, converted = book.total_usd(sheets, counts, batch=batch)
    except PricewatchError as error:
        return RepricedRow(line, stamp, when, model, model_id, provider, tier, counts, None, error=str(error))
    return RepricedRow(
        line, stamp, when, model, model_id, sheets.provider, tier, counts, cost, flags, converted
    )


# ----------------------------------------------------------------------------- the long-log path

# The explicit count columns, in ``PriceBook.shape_rates``' mask order.
_FAST_COLUMNS = tuple(f"{name}_tokens" for name in SHAPE_CLASSES)
_MILLION = Decimal(1_000_000)
_EXACT = 10**28  # below this an integer total has no more digits than the decimal context keeps


def _first_line(stream: IO[str]) -> str:
    """The first non-blank line ("" at the end of the stream)."""
    while True:
        line = stream.readline()
        if not line or line.strip():
            return line


def reprice_lines(
    book: PriceBook,
    stream: IO[str],
    *,
    totals: Totals,
    log_format: LogFormat = "auto",
    name: str = "-",
    usage_format: UsageFormat = "explicit",
    at: str | None = None,
    lines: bool = True,
) -> Iterator[str]:
    """``reprice`` of a log read from ``stream``, each row added to ``totals`` and, with
    ``lines``, yielded as its ``RepricedRow.json_line()``: the same rows, costs, errors and
    totals, by a faster path for the common long log (CSV, explicit counts).

    On that path a row is read as a list (no dict), its name resolved once per distinct
    (model, provider, tier), its sheets found once per stretch of the model's history
    (``PriceBook.stretch_bounds``), its prices per token class asked once per sheet and shape
    (``PriceBook.shape_rates``) and turned into integers at a common exponent, so the row's
    bill is a sum of integer products, exact (a total with more digits than the decimal
    context keeps is billed in Decimal, as ``reprice`` does). A row the path does not cover
    (a short or long row, no timestamp or model, a count that is not plain digits, a time
    that is not already the store's form after parsing) is costed by ``reprice``'s rules.
    """
    first = _first_line(stream)
    if not first:
        return
    kind = log_format if log_format != "auto" else ("jsonl" if first.lstrip().startswith("{") else "csv")
    source = _chain([first], stream)
    if kind != "csv" or usage_format != "explicit":
        log: LogFormat = "jsonl" if kind == "jsonl" else "csv"
        records = read_log(cast("IO[str]", _Prepended(first, stream)), log, name)
        for each in reprice(book, records, usage_format=usage_format, at=at):
            totals.add(each)
            if lines:
                yield each.json_line()
        return
    reader = csv.reader(source)
    header = next(reader, [])
    _check_header(header, name)
    index = {column: i for i, column in enumerate(header)}  # the last of a repeated name, as dict(zip())
    width = len(header)
    if "model" not in index or "timestamp" not in index or "__error__" in index:
        for row in reader:
            if row:
                repriced = _reprice_one(
                    book, reader.line_num, dict(zip(header, row, strict=False)), usage_format, at
                )
                totals.add(repriced)
                if lines:
                    yield repriced.json_line()
        return
    # A missing column reads the "" appended to every row (index ``width``).
    at_model, at_time = index["model"], index["timestamp"]
    at_provider, at_tier = index.get("provider", width), index.get("tier", width)
    at_counts = [index.get(column, width) for column in _FAST_COLUMNS]
    padded = width in at_counts
    plans: dict[tuple[str, str, str], _Plan] = {}
    plan_of = plans.get
    by_model, by_month = totals.by_model, totals.by_month
    reasons, unpriced_rows, listed = totals.unpriced_reasons, totals.unpriced_rows, totals.listed
    i_input, i_read, i_write, i_write_1h, i_output, i_reasoning = at_counts
    has_provider, has_tier = at_provider < width, at_tier < width
    # Counted here and added to ``totals`` at the end; the cost is summed in row order.
    rows = priced = flagged = converted = 0
    running = totals.cost
    try:
        for row in reader:
            if len(row) == width:
                stamp = row[at_time].strip()
                model = row[at_model].strip()
                when = at or stamp
                if padded:
                    row.append("")
                n_input, n_read, n_write = row[i_input], row[i_read], row[i_write]
                n_write_1h, n_output, n_reasoning = row[i_write_1h], row[i_output], row[i_reasoning]
                joined = n_input + n_read + n_write + n_write_1h + n_output + n_reasoning
                if (
                    model
                    and stamp  # an empty one: the row-by-row rules look in the other time columns
                    and len(when) == 20
                    and when[10] == "T"
                    and when[19] == "Z"
                    and ((joined.isdigit() and joined.isascii()) or not joined)
                ):
                    line = reader.line_num
                    provider = row[at_provider].strip() if has_provider else ""
                    tier = (row[at_tier].strip() if has_tier else "") or "standard"
                    plan = plan_of((model, provider, tier))
                    if plan is None:
                        plan = plans[(model, provider, tier)] = _Plan(book, model, provider or None, tier)
                    c0 = int(n_input) if n_input else 0
                    c1 = int(n_read) if n_read else 0
                    c2 = int(n_write) if n_write else 0
                    c3 = int(n_write_1h) if n_write_1h else 0
                    c4 = int(n_output) if n_output else 0
                    c5 = int(n_reasoning) if n_reasoning else 0
                    rows += 1
                    stretch = bisect_right(plan.bounds, when)
                    entry = plan.entries.get(stretch)
                    if entry is None:
                        entry = plan.entry(stretch, when)
                    error = entry.error
                    shape = _NO_SHAPE
                    if error is None:
                        threshold = entry.threshold
                        long = threshold is not None and c0 + c1 + c2 + c3 > threshold
                        mask = (c0 != 0, c1 != 0, c2 != 0, c3 != 0, c4 != 0, c5 != 0)
                        known = entry.shapes.get((long, mask))
                        shape = known if known is not None else entry.shape(book, long, mask)
                        error = shape.error
                    quoted = _quote(stamp)
                    when_quoted = quoted if when is stamp else _quote(when)
                    if error is not None:
                        reasons[error] = reasons.get(error, 0) + 1
                        if len(unpriced_rows) < listed:
                            unpriced_rows.append({"line": line, "model": model, "reason": error})
                        if lines:
                            yield (
                                f'{{"line": {line}, "timestamp": {quoted}, {plan.head_unpriced}, '
                                f'"priced_at": {when_quoted}, "input_tokens": "{c0}", '
                                f'"cache_read_tokens": "{c1}", "cache_write_tokens": "{c2}", '
                                f'"cache_write_1h_tokens": "{c3}", "output_tokens": "{c4}", '
                                f'"reasoning_tokens": "{c5}", "cost": null, "flags": [], "converted": null, '
                                f'"error": {_quote(error)}}}'
                            )
                        continue
                    counts = (c0, c1, c2, c3, c4, c5)
                    total = 0
                    for position, price in shape.prices:
                        total += counts[position] * price
                    if total < _EXACT:
                        cost = Decimal(total).scaleb(shape.exponent)
                    else:  # as many digits as the context keeps: billed as ``PriceBook.total_usd`` does
                        cost = _ZERO
                        for position, decimal in shape.decimals:
                            cost += counts[position] * decimal / _MILLION
                    if shape.fx is not None:
                        cost = cost * shape.fx
                    priced += 1
                    running += cost
                    if shape.flags:
                        flagged += 1
                    if shape.note:
                        converted += 1
                    found = by_model.get(plan.model_id)
                    if found is None:
                        by_model[plan.model_id] = [1, cost]
                    else:
                        found[0] += 1
                        found[1] += cost
                    month = when[:7]
                    found = by_month.get(month)
                    if found is None:
                        by_month[month] = [1, cost]
                    else:
                        found[0] += 1
                        found[1] += cost
                    if lines:
                        yield (
                            f'{{"line": {line}, "timestamp": {quoted}, {entry.head}, '
                            f'"priced_at": {when_quoted}, "input_tokens": "{c0}", '
                            f'"cache_read_tokens": "{c1}", "cache_write_tokens": "{c2}", '
                            f'"cache_write_1h_tokens": "{c3}", "output_tokens": "{c4}", '
                            f'"reasoning_tokens": "{c5}", "cost": "{format(cost.normalize(), "f") if cost else "0"}"{shape.tail}'
                        )
                    continue
            elif not row:
                continue
            # Not a row the fast path covers: costed by the row-by-row rules.
            totals.cost = running
            repriced = _reprice_one(
                book, reader.line_num, dict(zip(header, row, strict=False)), usage_format, at
            )
            totals.add(repriced)
            running = totals.cost
            if lines:
                yield repriced.json_line()
    finally:
        totals.cost = running
        totals.rows += rows
        totals.priced += priced
        totals.flagged += flagged
        totals.converted += converted


class _Prepended:
    """A stream with a line read ahead put back in front (``readline`` and iteration)."""

    def __init__(self, first: str, rest: IO[str]) -> None:
        self.head: list[str] = [first]
        self.rest = rest

    def readline(self) -> str:
        return self.head.pop() if self.head else self.rest.readline()

    def __iter__(self) -> Iterator[str]:
        if self.head:
            yield self.head.pop()
        yield from self.rest


def _check_header(header: list[str], name: str) -> None:
    from pathlib import Path

    if not any(k in header for k in _TIME_KEYS):
        raise UsageLogError(Path(name), [f"line 1: no timestamp column (one of {', '.join(_TIME_KEYS)})"])


class _Plan:
    """What one (model name, provider, tier) of a log means: the resolved model, and its
    answers per stretch of the model's history (``PriceBook.sheets``' own key, or finer)."""

    __slots__ = (
        "book",
        "bounds",
        "entries",
        "error",
        "head_unpriced",
        "model",
        "model_id",
        "provider",
        "resolved",
        "tier",
    )

    def __init__(self, book: PriceBook, model: str, provider: str | None, tier: str) -> None:
        self.book, self.model, self.provider, self.tier = book, model, provider, tier
        self.entries: dict[int, _Entry] = {}
        self.resolved: Resolved | None = None
        self.error: str | None = None
        try:
            self.resolved = book.resolve(model)
        except PricewatchError as error:
            self.error = str(error)
        self.model_id = self.resolved.model if self.resolved is not None else model
        self.bounds: Sequence[str] = book.stretch_bounds(self.resolved.model) if self.resolved else ()
        self.head_unpriced = self.head(self.resolved.model if self.resolved else None, provider)

    def head(self, model_id: str | None, provider: str | None) -> str:
        return (
            f'"model": {_quote(self.model)}, "model_id": {_json(model_id)}, '
            f'"provider": {_json(provider)}, "tier": {_quote(self.tier)}'
        )

    def entry(self, stretch: int, when: str) -> _Entry:
        """The answer for ``stretch``, found at ``when`` (a time in it)."""
        if self.resolved is None:
            found = _Entry(None, self.error, "")
        else:
            batch = self.tier == "batch"
            try:
                sheets = self.book.sheets(
                    self.resolved, self.provider, when, tier="standard" if batch else self.tier
                )
            except PricewatchError as error:
                found = _Entry(None, str(error), "")
            else:
                found = _Entry(sheets, None, self.head(self.resolved.model, sheets.provider), batch)
        self.entries[stretch] = found
        return found


class _Entry:
    """The sheets of one stretch (or why there are none), with the shapes of request billed at them."""

    __slots__ = ("batch", "error", "head", "shapes", "sheets", "threshold")

    def __init__(self, sheets: Any, error: str | None, head: str, batch: bool = False) -> None:
        self.sheets, self.error, self.head, self.batch = sheets, error, head, batch
        self.threshold = sheets.long_context_threshold if sheets is not None else None
        self.shapes: dict[tuple[bool, tuple[bool, ...]], _Shape] = {}

    def shape(self, book: PriceBook, long: bool, mask: tuple[bool, ...]) -> _Shape:
        try:
            rates, flags, fx, note = book.shape_rates(self.sheets, mask, long=long, batch=self.batch)
        except PricewatchError as error:
            found = _Shape((), (), 0, None, (), None, str(error))
        else:
            found = _Shape.of(rates, flags, fx, note)
        self.shapes[(long, mask)] = found
        return found


@dataclass(frozen=True, slots=True)
class _Shape:
    """A shape's prices: (position, integer price at ``exponent`` + 6) per class billed, the
    same as Decimals, the USD rate, and the end of its rows' JSON line."""

    prices: tuple[tuple[int, int], ...]
    decimals: tuple[tuple[int, Decimal], ...]
    exponent: int
    fx: Decimal | None
    flags: tuple[str, ...]
    note: str | None
    error: str | None = None
    tail: str = ""

    @classmethod
    def of(
        cls,
        rates: tuple[tuple[str, Decimal], ...],
        flags: tuple[str, ...],
        fx: Decimal | None,
        note: str | None,
    ) -> _Shape:
        decimals = tuple((SHAPE_CLASSES.index(name), price) for name, price in rates)
        exponent = min((int(price.as_tuple().exponent) for _, price in decimals), default=0)
        prices = tuple((position, int(price.scaleb(-exponent))) for position, price in decimals)
        tail = (
            ', "flags": ['
            + ", ".join(_quote(f) for f in flags)
            + f'], "converted": {_json(note)}, "error": null}}'
        )
        return cls(prices, decimals, exponent - 6, fx, flags, note, None, tail)


_NO_SHAPE = _Shape((), (), 0, None, (), None)
