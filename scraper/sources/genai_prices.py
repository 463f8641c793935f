"""pydantic/genai-prices' published price data as price records.

Not a refresh source (it is not registered): ``pricewatch backfill genai-prices`` replays
its git history. The file (``prices/data.json``, earlier ``data/prices.json``, later
``prices/new_data/v2/data.json``) is a JSON list of providers, each with ``models``::

    {"id": "anthropic", "models": [{"id": "claude-sonnet-5", "match": {...},
      "context_window": 1000000, "prices": {"input_mtok": 2, "output_mtok": 10, ...}}]}

Prices are USD per million tokens (``*_mtok``) or per thousand calls (``*_kcount``), as
JSON numbers, read exactly (``parse_float=str``). A price may be tiered by prompt size,
``{"base": 5, "tiers": [{"start": 200000, "price": 10}]}``: each ``start`` is a
long-context band (``min_prompt_tokens``); a field without a tier there keeps its price
of the band below. ``prices`` may be a list of ``{constraint, prices}``:

- ``constraint.start_date``: the price from that day (``PriceRecord.effective_from``);
  which price is in force is decided per version by the backfill (``scraper.backfill``);
- one time-of-day window (``start_time``/``end_time``, DeepSeek's discount hours): the
  window and the rest of the day are two tiers: the part of the day that is longer is
  ``standard``, the shorter ``off-peak`` (genai-prices gives DeepSeek's 16:30-00:30 UTC
  discount as the default and the 00:30-16:30 price under the window). When the
  off-peak price is not the cheaper one, neither is read (a row error says so);
- any other constraint: that price is skipped, with a row error that names it.

An id ending in ``:free`` is the ``free`` tier of the model without the suffix, as on
OpenRouter. Model names are resolved through the catalog from the ``id`` and the names
its ``match`` clause gives exactly (``equals``; ``MatchNames``), never fuzzily.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pricewatch.errors import RecordInvalid, SourceLayoutError
from pricewatch.money import decimal_from_text, without_float_noise
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, UnitPrice, make_record

__all__ = [
    "KIND",
    "NAME",
    "UPSTREAM_URL",
    "MatchNames",
    "load_providers",
    "parse",
    "parse_entry",
]

NAME = "genai-prices"
KIND = "backfill"
# What fetches.url says a version is a copy of (each fetch row names its path and commit).
UPSTREAM_URL = "https://github.com/pydantic/genai-prices"

# price key -> PriceRecord token field (USD per million tokens).
TOKEN_KEYS = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cache_read",
    "cache_write_mtok": "cache_write",
    "cache_write_1h_mtok": "cache_write_1h",
    "output_reasoning_mtok": "reasoning",
}
# price key -> unit of a non-text token price, per million tokens (the units OpenRouter's
# prices use where they exist).
MEDIA_KEYS = {
    "input_audio_mtok": "audio_input_mtok",
    "output_audio_mtok": "audio_output_mtok",
    "response_audio_mtok": "audio_output_mtok",  # the name before 2025-06-22
    "cache_audio_read_mtok": "audio_cache_read_mtok",
    "input_image_mtok": "image_input_mtok",
    "output_image_mtok": "image_output_mtok",
    "cache_image_read_mtok": "image_cache_read_mtok",
    "input_video_mtok": "video_input_mtok",
    "output_video_mtok": "video_output_mtok",
}
# price key -> unit of a per-call fee given per thousand calls (stored per call).
KCOUNT_KEYS = {"requests_kcount": "request", "web_searches_kcount": "web_search"}
THOUSAND = Decimal(1000)
FREE_SUFFIX = ":free"
# Makers that sell their own models under bare names ("o3", "claude-2"): the catalog id is
# usually "<maker>/<name>", tried after the bare name.
MAKER_PREFIX = {
    "anthropic": "anthropic",
    "openai": "openai",
    "google": "google",
    "deepseek": "deepseek",
    "mistral": "mistralai",
    "x-ai": "x-ai",
    "moonshotai": "moonshotai",
    "zai": "z-ai",
    "minimax": "minimax",
    "cohere": "cohere",
    "perplexity": "perplexity",
}
SECONDS_PER_DAY = 86400


def load_providers(body: bytes) -> list[dict[str, Any]]:
    """The providers of one version; numbers kept as their JSON text."""
    try:
        doc = json.loads(body, parse_float=str)
    except ValueError as error:
        raise SourceLayoutError(f"invalid JSON ({error})") from None
    if not isinstance(doc, list) or not all(isinstance(p, dict) for p in doc):
        raise SourceLayoutError("the price data is not a JSON list of providers")
    return doc


def entries(
    body: bytes, matches: dict[tuple[str, str], Any] | None = None
) -> list[tuple[str, tuple[str, Any]]]:
    """("provider/model", (provider id, model entry)) for every model of every provider.

    ``matches`` (when given) gets each model's ``match`` clause by (provider, model name).
    """
    found: list[tuple[str, tuple[str, Any]]] = []
    for provider in load_providers(body):
        provider_id = provider.get("id")
        models = provider.get("models")
        if not isinstance(provider_id, str) or not isinstance(models, list):
            found.append((f"#{len(found)}", ("", provider)))
            continue
        for model in models:
            model_id = model.get("id") if isinstance(model, dict) else None
            found.append((f"{provider_id}/{model_id}", (provider_id, model)))
            if matches is not None and isinstance(model_id, str):
                matches[(provider_id, _model_name(model_id))] = model.get("match", model.get("matches"))
    return found


def parse(body: bytes) -> Parsed:
    """Records of one whole version (the backfill parses it entry by entry instead)."""
    records: list[PriceRecord] = []
    errors: list[str] = []
    for _, entry in entries(body):
        parsed = parse_entry(entry)
        records.extend(parsed.records)
        errors.extend(parsed.row_errors)
    if not records:
        raise SourceLayoutError("no prices in the price data")
    return Parsed(records=records, row_errors=errors)


class MatchNames:
    """The exact names a version's ``match`` clauses give each model, for the catalog lookup.

    ``split`` reads a version's entries and keeps each model's clause; ``candidates`` is
    the backfill's ``name_candidates`` (called for the entries it parses: the changed ones).
    """

    def __init__(self) -> None:
        self.matches: dict[tuple[str, str], Any] = {}

    def split(self, body: bytes) -> list[tuple[str, Any]]:
        return entries(body, self.matches)

    def candidates(self, model: str, provider: str) -> list[str]:
        """Names to try, most literal first: the id, then each name `match` equals, each also
        as "<maker>/<name>" for a maker's own models; then a host's "org/Model" as "Model"."""
        maker = MAKER_PREFIX.get(provider)
        names = []
        for name in [model, *_equals(self.matches.get((provider, model)))]:
            names.append(name)
            if maker and "/" not in name:
                names.append(f"{maker}/{name}")
        # Last, a host's "org/Model" under its bare name (as LiteLLM's names are tried).
        names.extend(name.rsplit("/", 1)[1] for name in list(names) if "/" in name)
        return list(dict.fromkeys(names))


def _equals(match: Any) -> list[str]:
    """Every ``equals`` name of a match clause (``or``/``and`` lists included), in order."""
    if isinstance(match, list):
        return [name for item in match for name in _equals(item)]
    if not isinstance(match, dict):
        return []
    names = []
    for key, value in match.items():
        if key == "equals" and isinstance(value, str):
            names.append(value)
        elif key in ("or", "and"):
            names.extend(_equals(value))
    return names


def _model_name(model_id: str) -> str:
    return model_id.removesuffix(FREE_SUFFIX)


def parse_entry(entry: tuple[str, Any]) -> Parsed:
    """The records of one model of one provider; prices that cannot be read are row errors."""
    provider_id, model = entry
    if not provider_id or not isinstance(model, dict) or not isinstance(model.get("id"), str):
        return Parsed(records=[], row_errors=[f"{provider_id or '?'}: a model without an id"])
    model_id = model["id"]
    label = f"{model_id} @ {provider_id}"
    tier = "free" if model_id.endswith(FREE_SUFFIX) else "standard"
    context = model.get("context_window", model.get("max_tokens"))
    base = {
        "model": _model_name(model_id),
        "provider": provider_id,
        "context_length": context
        if isinstance(context, int) and not isinstance(context, bool) and context >= 0
        else None,
    }
    errors: list[str] = []
    records: list[PriceRecord] = []
    for prices, tier_of_set, start in _price_sets(label, model.get("prices"), tier, errors):
        records.extend(
            _records(label, prices, {**base, "tier": tier_of_set, "effective_from": start}, errors)
        )
    return Parsed(records=records, row_errors=errors)


def _price_sets(
    label: str, prices: Any, tier: str, errors: list[str]
) -> list[tuple[Mapping[str, Any], str, date | None]]:
    """(prices, tier, start day) of each price set of a model the records are made of."""
    if isinstance(prices, dict):
        return [(prices, tier, None)]
    if not isinstance(prices, list):
        errors.append(f"{label}: no prices")
        return []
    default: Mapping[str, Any] | None = None
    dated: list[tuple[Mapping[str, Any], str, date | None]] = []
    windows: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []
    for index, item in enumerate(prices):
        constraint = item.get("constraint") if isinstance(item, dict) else None
        values = item.get("prices") if isinstance(item, dict) else None
        if not isinstance(values, dict):
            errors.append(f"{label}: prices[{index}] has no prices")
            continue
        if not constraint:
            default = values
        elif set(constraint) == {"start_date"}:
            try:
                dated.append((values, tier, date.fromisoformat(str(constraint["start_date"]))))
            except ValueError:
                errors.append(f"{label}: prices[{index}]: start_date {constraint['start_date']!r} skipped")
        elif set(constraint) == {"start_time", "end_time"}:
            windows.append((constraint, values))
        else:
            errors.append(
                f"{label}: prices[{index}]: constraint {json.dumps(constraint)} not supported; skipped"
            )
    if windows:
        tiers = None
        if len(windows) == 1 and not dated and default is not None:
            tiers = _time_of_day_tiers(windows[0][0], tier)
        if tiers is None or default is None:
            errors.append(f"{label}: time-of-day prices beside these others are not supported; skipped")
            return dated
        constraint, window = windows[0]
        window_tier, rest_tier = tiers
        off_peak, standard = (window, default) if window_tier == "off-peak" else (default, window)
        if not _cheaper(off_peak, standard):
            errors.append(
                f"{label}: time-of-day prices {json.dumps(constraint)} skipped: the off-peak price is not the cheaper"
            )
            return dated
        return [(window, window_tier, None), (default, rest_tier, None)]
    found: list[tuple[Mapping[str, Any], str, date | None]] = []
    if default is not None:
        found.append((default, tier, None))
    return [*found, *dated]


def _time_of_day_tiers(constraint: Mapping[str, Any], tier: str) -> tuple[str, str] | None:
    """(the window's tier, the rest of the day's tier): the longer part is the base tier."""
    try:
        start, end = (_seconds(str(constraint[key])) for key in ("start_time", "end_time"))
    except ValueError:
        return None
    length = (end - start) % SECONDS_PER_DAY
    if length == 0:
        return None
    return (tier, "off-peak") if length > SECONDS_PER_DAY - length else ("off-peak", tier)


def _seconds(text: str) -> int:
    """Seconds after midnight UTC of "HH:MM:SS" (a trailing Z or +00:00 allowed)."""
    clock = text.removesuffix("Z").removesuffix("+00:00")
    hours, minutes, *rest = (int(part) for part in clock.split(":"))
    return hours * 3600 + minutes * 60 + (rest[0] if rest else 0)


def _cheaper(off_peak: Mapping[str, Any], standard: Mapping[str, Any]) -> bool:
    """Whether every token price both give is lower or equal off-peak, and one is lower."""
    lower = False
    for key in TOKEN_KEYS:
        a, b = _flat(off_peak.get(key)), _flat(standard.get(key))
        if a is None or b is None:
            continue
        if a > b:
            return False
        lower = lower or a < b
    return lower


def _flat(value: Any) -> Decimal | None:
    """The base price of a value (tiered or not), None when absent or unreadable."""
    if isinstance(value, dict):
        value = value.get("base")
    try:
        return _number(value)
    except ValueError:
        return None


def _number(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    try:
        return without_float_noise(decimal_from_text(value))
    except (ValueError, TypeError, AttributeError):
        raise ValueError(f"not a number: {value!r}") from None


def _records(
    label: str, prices: Mapping[str, Any], base: Mapping[str, Any], errors: list[str]
) -> list[PriceRecord]:
    """One record per prompt band of one price set."""
    # key -> [(band start, price)], band 0 first.
    bands: dict[str, list[tuple[int, Decimal]]] = {}
    for key, value in prices.items():
        if key not in TOKEN_KEYS and key not in MEDIA_KEYS and key not in KCOUNT_KEYS:
            continue  # a unit we do not compare
        try:
            steps = _steps(value)
        except ValueError as error:
            errors.append(f"{label}: {key}: {error}")
            continue
        if steps:
            bands[key] = steps
    starts = sorted({start for steps in bands.values() for start, _ in steps} | {0})
    records = []
    for start in starts:
        fields: dict[str, Any] = {}
        units: list[UnitPrice] = []
        for key, steps in bands.items():
            price = _at(steps, start)
            if price is None:
                continue
            if key in TOKEN_KEYS:
                fields[TOKEN_KEYS[key]] = price
            elif price > 0:  # a unit price of 0 says nothing
                unit, amount = (
                    (MEDIA_KEYS[key], price) if key in MEDIA_KEYS else (KCOUNT_KEYS[key], price / THOUSAND)
                )
                units.append(UnitPrice(unit=unit, amount=amount))
        if not fields and not units:
            continue
        try:
            records.append(
                make_record(
                    **base,
                    **fields,
                    min_prompt_tokens=start,
                    unit_prices=tuple(sorted(units, key=lambda u: u.unit)),
                )
            )
        except RecordInvalid as error:
            errors.extend(f"{label}: {line}" for line in error.errors)
    return records


def _steps(value: Any) -> list[tuple[int, Decimal]]:
    """[(band start, price)] of one price: a number, or {"base", "tiers": [{"start", "price"}]}."""
    if not isinstance(value, dict):
        price = _number(value)
        return [] if price is None else [(0, price)]
    steps = []
    base = _number(value.get("base"))
    if base is not None:
        steps.append((0, base))
    for tier in value.get("tiers") or []:
        start = tier.get("start") if isinstance(tier, dict) else None
        if not isinstance(start, int) or isinstance(start, bool) or start <= 0:
            raise ValueError(f"a tier without a positive start: {tier!r}")
        price = _number(tier.get("price"))
        if price is not None:
            steps.append((start, price))
    return sorted(steps)


def _at(steps: list[tuple[int, Decimal]], start: int) -> Decimal | None:
    """The price of the band that begins at ``start``: the last step at or below it."""
    found = None
    for step_start, price in steps:
        if step_start <= start:
            found = price
    return found
