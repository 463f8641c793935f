"""OpenRouter: its own list price per model, and every host's price from the endpoints API.

Two bodies, one parser (``parse`` dispatches on the URL path):

- ``GET /api/v1/models`` lists every model (and its `:free`/`:batch` tiers), priced by OpenRouter itself
  (provider "OpenRouter"). Each model links to its endpoints URL (``endpoint_links``).
- ``GET /api/v1/models/{canonical_slug}/endpoints`` lists the hosts that serve one model,
  each with its own price, quantization and context length.

Two sources read them, each on its own schedule: this one (``openrouter``) reads the models
list alone (one request); ``openrouter-endpoints`` (``openrouter_endpoints.py``) is the
per-host sweep, one request per model, with bodies normalised before they are stored
(``normalise_endpoints_body``).

Prices arrive as strings in USD per token and become exact ``Decimal`` per million tokens.
Pure: no HTTP, no clock, no files (see scraper/parsing.py for the contract).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from pricewatch.errors import RecordInvalid, SourceLayoutError
from pricewatch.money import decimal_from_text, per_million_from_per_token, without_float_noise
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, UnitPrice, make_record

__all__ = [
    "API_KEY_ENV",
    "DEFAULT_BASE_URL",
    "KIND",
    "LISTS_EVERYTHING",
    "NAME",
    "endpoint_links",
    "normalise_body",
    "normalise_endpoints_body",
    "parse",
    "start_urls",
]

NAME = "openrouter"
KIND = "aggregator"
DEFAULT_BASE_URL = "https://openrouter.ai"
# One /api/v1/models response lists every model OpenRouter sells.
LISTS_EVERYTHING = True

# An optional API key (sent as a Bearer token to OpenRouter's host only, never logged or stored).
API_KEY_ENV = "OPENROUTER_API_KEY"

# ---------------------------------------------------------------- page knowledge
LIST_PATH = "/api/v1/models"
ENDPOINTS_PATH_END = "/endpoints"
# The provider name for OpenRouter's own list price (an alias in data/catalog.toml).
LIST_PROVIDER = "OpenRouter"

# pricing key -> PriceRecord field; the value is USD per token, stored per million tokens.
TOKEN_PRICE_KEYS = {
    "prompt": "input",
    "completion": "output",
    "input_cache_read": "cache_read",
    "input_cache_write": "cache_write",
    "input_cache_write_1h": "cache_write_1h",
    "internal_reasoning": "reasoning",
}
# pricing key -> unit of a per-call fee; the amount is stored as given (USD per call).
CALL_PRICE_UNITS = {
    "request": "request",
    "web_search": "web_search",
}
# pricing key -> unit of a non-text token price. Despite the short names these are per
# TOKEN (in models.json every `image` equals `prompt`, e.g. Gemini 2.5 Pro 0.00000125), so
# they are stored per million tokens under units ending in `_mtok`, like the text prices.
MEDIA_TOKEN_UNITS = {
    "image": "image_input_mtok",
    "audio": "audio_input_mtok",
    "input_audio_cache": "audio_cache_read_mtok",
    "audio_output": "audio_output_mtok",
    "image_output": "image_output_mtok",
}
# Keys every pricing object has (a renamed one must never leave the price empty): without
# them the model or endpoint is a row error, and a body where every one lacks them fails.
REQUIRED_PRICING_KEYS = ("prompt", "completion")
# Tiered (long-context) prices: a list of {"min_prompt_tokens": N, <price keys>...}.
OVERRIDES_KEY = "overrides"
THRESHOLD_KEY = "min_prompt_tokens"
# Endpoint pricing carries a number `discount` beside the prices; see _endpoint_record.
DISCOUNT_KEY = "discount"
# Router pseudo-models (openrouter/auto, fusion, ...) price at "-1": it depends on the
# model the router picks, so the record is variable=True with that price unknown.
VARIABLE_PRICE = Decimal(-1)
# Model id suffixes that name an offer tier of the same model; any other suffix
# (`:thinking`, ...) is a different model and the id is kept whole.
TIER_SUFFIXES = {":free": "free", ":batch": "batch"}
# Endpoints say "unknown" when the host does not publish its quantization.
UNKNOWN_QUANTIZATION = "unknown"
# Per-endpoint health figures that change on every fetch while no price does: dropped from
# an endpoints body before it is stored (``normalise_endpoints_body``).
VOLATILE_ENDPOINT_KEYS = frozenset({"status"})
VOLATILE_ENDPOINT_PREFIXES = ("uptime_", "latency_", "throughput_")


def start_urls(base_url: str) -> list[str]:
    """The models list: the one page a refresh fetches first."""
    return [base_url.rstrip("/") + LIST_PATH]


def parse(url: str, body: bytes) -> Parsed:
    """Records from a models-list or an endpoints body; which one is told by ``url``'s path.

    A models list links to its next page only: the endpoints are the sweep's (``endpoint_links``).
    """
    path = urlsplit(url).path.rstrip("/")
    if path.endswith(ENDPOINTS_PATH_END):
        return _parse_endpoints(url, _load_json(url, body))
    if path.endswith(LIST_PATH):
        parsed, endpoints = _parse_list(url, _load_json(url, body))
        return Parsed(
            records=parsed.records,
            links=[link for link in parsed.links if link not in endpoints],
            row_errors=parsed.row_errors,
        )
    raise SourceLayoutError(f"not an OpenRouter models or endpoints URL: {url}", url=url)


def endpoint_links(url: str, body: bytes) -> Parsed:
    """What the endpoints sweep takes from a models list: no records; the endpoints URL of
    every model and the list's next page as links; the list's row errors (a model without an
    id has no link, so a sweep that misses it is not complete)."""
    parsed, _ = _parse_list(url, _load_json(url, body))
    return Parsed(
        records=[], links=parsed.links, row_errors=parsed.row_errors, link_subjects=parsed.link_subjects
    )


def normalise_body(url: str, body: bytes) -> bytes:
    """The body as the refresh stores and parses it: an endpoints body normalised, others as sent."""
    if urlsplit(url).path.rstrip("/").endswith(ENDPOINTS_PATH_END):
        return normalise_endpoints_body(body)
    return body


def normalise_endpoints_body(body: bytes) -> bytes:
    """One endpoints body without what changes on every fetch, so an unchanged sweep stores nothing new.

    Each endpoint loses ``status`` and every ``uptime_*``, ``latency_*`` and ``throughput_*``
    key (prices, tags, quantization, context length and the rest stay); endpoints are put in
    a fixed order (by tag, then provider, then content: the offers do not depend on the
    listing order, ``scraper/identity.py``); keys are sorted and the JSON written compactly
    (UTF-8). Numbers keep their value (prices are strings anyway). Pure and idempotent; a
    body that is not an endpoints JSON object comes back unchanged, for the parser to reject.
    """
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("endpoints"), list):
        return body
    endpoints = data["endpoints"]
    kept = [
        {
            key: value
            for key, value in endpoint.items()
            if key not in VOLATILE_ENDPOINT_KEYS and not key.startswith(VOLATILE_ENDPOINT_PREFIXES)
        }
        if isinstance(endpoint, dict)
        else endpoint
        for endpoint in endpoints
    ]
    data["endpoints"] = sorted(kept, key=_endpoint_order)
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _endpoint_order(endpoint: Any) -> tuple[str, str, str]:
    if not isinstance(endpoint, dict):
        return ("", "", json.dumps(endpoint, sort_keys=True))
    return (
        _text(endpoint.get("tag")),
        _text(endpoint.get("provider_name")),
        json.dumps(endpoint, sort_keys=True, ensure_ascii=False),
    )


# ---------------------------------------------------------------- the two bodies


def _parse_list(url: str, doc: Any) -> tuple[Parsed, set[str]]:
    """The list's records, with the endpoints links and the next page as links; and the endpoints links."""
    models = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(models, list):
        raise SourceLayoutError("no `data` list in /api/v1/models response", url=url)
    records: list[PriceRecord] = []
    links: list[str] = []
    subjects: dict[str, set[str]] = {}
    errors: list[str] = []
    seen: set[tuple[str, str, str, int, str]] = set()
    for index, model in enumerate(models):
        if not isinstance(model, dict) or not _text(model.get("id")):
            errors.append(f"models[{index}]: no id")
            continue
        model_id = _text(model["id"])
        name, tier = _split_tier(model_id)
        try:
            base = {
                "model": name,
                "provider": LIST_PROVIDER,
                "tier": tier,
                "context_length": _int_or_none(model.get("context_length")),
                "info": _model_info(model, tier),
            }
        except ValueError as error:  # one bad field is this model's row error, not the list's
            errors.append(f"{model_id}: {error}")
            continue
        for record in _priced_records(model_id, model.get("pricing"), base, errors):
            if record.offer_key() in seen:
                errors.append(f"{model_id}: duplicate offer {record.offer_key()} skipped")
                continue
            seen.add(record.offer_key())
            records.append(record)
        link = _details_link(model)
        # `:free`/`:batch` variants share their base model's canonical slug, hence its link.
        if link and link not in links:
            links.append(link)
        if link:
            subjects.setdefault(link, set()).add(name)
    if not records:
        raise SourceLayoutError("no models in /api/v1/models response", url=url)
    # Pagination-style fields appeared in July 2026 (`links.next` has been null so far);
    # follow a next page if one is ever given.
    endpoints = set(links)
    next_page = doc.get("links", {}).get("next") if isinstance(doc.get("links"), dict) else None
    if isinstance(next_page, str) and next_page and next_page not in links:
        links.append(next_page)
    link_subjects = {link: frozenset(names) for link, names in subjects.items()}
    return Parsed(records=records, links=links, row_errors=errors, link_subjects=link_subjects), endpoints


def _parse_endpoints(url: str, doc: Any) -> Parsed:
    data = doc.get("data") if isinstance(doc, dict) else None
    endpoints = data.get("endpoints") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(endpoints, list) or not _text(data.get("id")):
        raise SourceLayoutError("no `data.id` and `data.endpoints` list in endpoints response", url=url)
    model_id = _text(data["id"])
    name, tier = _split_tier(model_id)
    try:
        created_at = _created_at(data.get("created"))
    except ValueError as error:
        return Parsed(records=[], row_errors=[f"{model_id}: {error}"], subject=name)
    info = {"display_name": _text(data.get("name")) or None, "created_at": created_at}
    records: list[PriceRecord] = []
    errors: list[str] = []
    for index, endpoint in enumerate(endpoints):
        if not isinstance(endpoint, dict) or not _text(endpoint.get("provider_name")):
            errors.append(f"{model_id}: endpoints[{index}]: no provider_name")
            continue
        provider = _text(endpoint["provider_name"])
        # The tag names one endpoint of a host (`deepinfra/fp4`, `anthropic/2`, a region):
        # which endpoints are one offer is decided when names are resolved
        # (scraper/identity.py), not here; a tag may even repeat (two Google endpoints of
        # qwen3-235b-a22b-2507 tagged `google-vertex/us-south1` at different prices).
        # An endpoint without a tag is named by its host, so it still counts as an endpoint.
        tag = _text(endpoint.get("tag")) or provider
        quantization = _text(endpoint.get("quantization"))
        base = {
            "model": name,
            "provider": provider,
            "tier": tier,
            "endpoint": tag,
            "quantization": None if quantization in ("", UNKNOWN_QUANTIZATION) else quantization,
            "context_length": _int_or_none(endpoint.get("context_length")),
            "info": info,
        }
        label = f"{model_id} @ {provider} ({tag})"
        records.extend(_priced_records(label, endpoint.get("pricing"), base, errors))
    # Zero endpoints is not a layout failure: a model can be listed with no live host.
    return Parsed(records=records, links=[], row_errors=errors, subject=name)


# ---------------------------------------------------------------- prices


def _priced_records(
    label: str, pricing: Any, base: Mapping[str, Any], errors: list[str]
) -> list[PriceRecord]:
    """The base-price record and one record per long-context override; problems -> errors."""
    if not isinstance(pricing, dict) or not pricing:
        errors.append(f"{label}: no pricing")
        return []
    missing = [key for key in REQUIRED_PRICING_KEYS if key not in pricing]
    if missing:
        errors.append(f"{label}: no pricing.{' / pricing.'.join(missing)}: skipped")
        return []
    # `discount` (endpoints only) is informative: the listed prices are already net of it.
    # Alibaba's deepseek-v3.2 lists prompt 0.0000003705 with discount 0.35, which is
    # 0.57/M (Alibaba's own price) x 0.65; SambaNova's `sambanova-turbo` llama-3.3 lists
    # 0.45/0.9 with discount 0.25 where its undiscounted endpoint lists 0.6/1.2. We store
    # the listed price: what a buyer pays now.
    flat = {key: value for key, value in pricing.items() if key not in (OVERRIDES_KEY, DISCOUNT_KEY)}
    try:
        fields = _price_fields(flat)
    except ValueError as error:
        errors.append(f"{label}: {error}")
        return []
    records: list[PriceRecord] = []
    _append_record(records, errors, {**base, **fields})
    overrides = pricing.get(OVERRIDES_KEY) or []
    if not isinstance(overrides, list):
        errors.append(f"{label}: pricing.{OVERRIDES_KEY} is not a list")
        return records
    for index, override in enumerate(overrides):
        where = f"{label}: pricing.{OVERRIDES_KEY}[{index}]"
        threshold = override.get(THRESHOLD_KEY) if isinstance(override, dict) else None
        if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold <= 0:
            errors.append(f"{where}: no positive {THRESHOLD_KEY}")
            continue
        # An override carries only the prices that change above the threshold (prompt and
        # completion always; cache and audio keys often; web_search never), so a missing
        # key inherits the base price: per-call fees do not depend on prompt length, and
        # "override" means exactly that. Caveat: Gemini overrides omit `image` and
        # `internal_reasoning`, which therefore keep their base price above 200k tokens.
        merged = {**flat, **{key: value for key, value in override.items() if key != THRESHOLD_KEY}}
        try:
            fields = _price_fields(merged)
        except ValueError as error:
            errors.append(f"{where}: {error}")
            continue
        _append_record(records, errors, {**base, **fields, "min_prompt_tokens": threshold})
    return records


def _append_record(records: list[PriceRecord], errors: list[str], fields: Mapping[str, Any]) -> None:
    try:
        records.append(make_record(**fields))
    except RecordInvalid as error:
        errors.extend(error.errors)


def _price_fields(pricing: Mapping[str, Any]) -> dict[str, Any]:
    """PriceRecord fields from one flat pricing object; raises ValueError naming the key."""
    fields: dict[str, Any] = {}
    units: list[UnitPrice] = []
    variable = False
    for key, value in pricing.items():
        if key in TOKEN_PRICE_KEYS:
            per_token = _price(key, value)
            if per_token == VARIABLE_PRICE:
                variable = True
                fields[TOKEN_PRICE_KEYS[key]] = None
            else:
                fields[TOKEN_PRICE_KEYS[key]] = per_million_from_per_token(per_token)
        elif key in CALL_PRICE_UNITS or key in MEDIA_TOKEN_UNITS:
            amount = _price(key, value)
            if amount == VARIABLE_PRICE:
                variable = True
                continue
            # A unit price of 0 says nothing: every unit OpenRouter does not charge is 0.
            if amount.is_zero():
                continue
            if key in MEDIA_TOKEN_UNITS:
                units.append(
                    UnitPrice(unit=MEDIA_TOKEN_UNITS[key], amount=per_million_from_per_token(amount))
                )
            else:
                units.append(UnitPrice(unit=CALL_PRICE_UNITS[key], amount=amount))
        # Other keys are not prices we know how to compare; they are ignored.
    fields["unit_prices"] = tuple(units)
    fields["variable"] = variable
    return fields


def _price(key: str, value: Any) -> Decimal:
    if value is None or isinstance(value, bool):
        raise ValueError(f"pricing.{key}: not a number: {value!r}")
    try:
        # OpenRouter prints some per-token prices from binary floats ("0.0000009499999999999999"
        # for $0.95 per million): the digits past a double's precision are noise, not price.
        return without_float_noise(decimal_from_text(value))
    except ValueError as error:  # "not a number", "out of range" ("1e1000000", "1e-999999999")
        raise ValueError(f"pricing.{key}: {error}") from None
    except (TypeError, AttributeError, ArithmeticError):
        raise ValueError(f"pricing.{key}: not a number: {value!r}") from None


# ---------------------------------------------------------------- small helpers


def _load_json(url: str, body: bytes) -> Any:
    try:
        # parse_float=Decimal keeps any numeric price exact (prices are strings today).
        return json.loads(body, parse_float=Decimal)
    except ValueError as error:
        raise SourceLayoutError(f"invalid JSON ({error})", url=url) from None


def _split_tier(model_id: str) -> tuple[str, str]:
    for suffix, tier in TIER_SUFFIXES.items():
        if model_id.endswith(suffix):
            return model_id.removesuffix(suffix), tier
    return model_id, "standard"


def _details_link(model: Mapping[str, Any]) -> str | None:
    links = model.get("links")
    details = links.get("details") if isinstance(links, dict) else None
    if _text(details):
        return _text(details)
    # links.details is built from the canonical slug, not the id (PROVENANCE.md).
    slug = _text(model.get("canonical_slug")) or _split_tier(_text(model.get("id")))[0]
    return f"{LIST_PATH}/{slug}{ENDPOINTS_PATH_END}" if slug else None


def _model_info(model: Mapping[str, Any], tier: str) -> dict[str, Any]:
    # A dict, validated into ModelInfo by make_record, so a bad value is a row error.
    # Tier variants are named "Google: Gemma 4 31B (free)"; the info describes the model.
    name = _text(model.get("name")).removesuffix(f" ({tier})").strip()
    return {
        "display_name": name or None,
        "created_at": _created_at(model.get("created")),
        "context_length": _int_or_none(model.get("context_length")),
        "hugging_face_id": _text(model.get("hugging_face_id")) or None,
        "canonical_slug": _text(model.get("canonical_slug")) or None,
    }


def _created_at(value: Any) -> str | None:
    """Unix seconds -> "YYYY-MM-DDTHH:MM:SSZ" (UTC); None when absent or not a number.

    Raises ValueError for a number no date has (``10**15``): the caller makes it a row error.
    """
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"created: {value} is not a date") from None


def _int_or_none(value: Any) -> int | None:
    # Negative ints pass through so that validation reports them as a row error.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
