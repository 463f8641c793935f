"""LiteLLM's price map (``model_prices_and_context_window.json``) as price records.

Not a refresh source (it is not registered): its git history is replayed by
``pricewatch backfill litellm``. The file is one JSON object keyed by LiteLLM's model name
(``claude-3-opus-20240229``, ``deepinfra/meta-llama/Llama-3.3-70B-Instruct``); each entry
names its seller in ``litellm_provider`` and gives prices in USD per TOKEN as JSON
numbers (``5e-06``), stored exactly per million tokens (``5``).

Price keys are a base name, then an optional long-context threshold, then an optional tier:

    input_cost_per_token                         standard input
    input_cost_per_token_above_200k_tokens       input for prompts of at least 200k tokens
    output_cost_per_token_batches                batch output
    cache_read_input_token_cost_above_272k_tokens_priority

Pure: no I/O, no clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pricewatch.errors import RecordInvalid, SourceLayoutError
from pricewatch.money import decimal_from_text, per_million_from_per_token, without_float_noise
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, make_record

__all__ = [
    "DEFAULT_FILE",
    "KIND",
    "NAME",
    "UPSTREAM_URL",
    "load_entries",
    "model_name",
    "name_candidates",
    "parse",
    "parse_entry",
]

NAME = "litellm"
KIND = "backfill"
DEFAULT_FILE = "model_prices_and_context_window.json"
# Where the file is published (fetches.url of backfilled versions).
UPSTREAM_URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/" + DEFAULT_FILE

# The first key documents the fields; it is not a model.
SPEC_KEY = "sample_spec"
PROVIDER_KEY = "litellm_provider"
CONTEXT_KEY = "max_input_tokens"
# Token-priced text models. Embeddings, images, audio, rerank... are priced per other
# units or are not chat models; they are left out (and not reported as errors).
TEXT_MODES = {"chat", "completion", "responses", None}

# Base price names -> PriceRecord field, longest first so a prefix never shadows a longer name.
BASE_KEYS = (
    ("cache_creation_input_token_cost_above_1hr", "cache_write_1h"),
    ("cache_creation_input_token_cost", "cache_write"),
    ("cache_read_input_token_cost", "cache_read"),
    ("input_cost_per_token_cache_hit", "cache_read_fallback"),  # older DeepSeek-style entries
    ("output_cost_per_reasoning_token", "reasoning"),
    ("input_cost_per_token", "input"),
    ("output_cost_per_token", "output"),
)
# What may follow a base name: a threshold, then a tier.
_MODIFIERS_RE = re.compile(r"^(?:_above_(?P<k>\d+)k_tokens)?(?:_(?P<tier>batches|flex|priority))?$")
TIERS = {None: "standard", "batches": "batch", "flex": "flex", "priority": "priority"}

# Fireworks names models by account path: "accounts/fireworks/models/deepseek-r1".
FIREWORKS_PATH = "accounts/fireworks/models/"
# Providers that sell their own models under bare names ("gpt-4o", "gemini-2.5-flash"):
# the catalog id is usually "<maker>/<name>", tried after the bare name.
MAKER_PREFIX = {
    "anthropic": "anthropic",
    "openai": "openai",
    "text-completion-openai": "openai",
    "gemini": "google",
    "vertex_ai-language-models": "google",
    "deepseek": "deepseek",
    "mistral": "mistralai",
    "xai": "x-ai",
    "moonshot": "moonshotai",
    "zai": "z-ai",
    "minimax": "minimax",
    "dashscope": "qwen",
}


def parse(body: bytes) -> Parsed:
    """Records from one version of the price map; entries that cannot be read become row errors."""
    records: dict[tuple[str, str, str, int, str], PriceRecord] = {}
    errors: list[str] = []
    for key, entry in load_entries(body):
        parsed = parse_entry(key, entry)
        errors.extend(parsed.row_errors)
        for record in parsed.records:
            previous = records.get(record.offer_key())
            if previous is None:
                records[record.offer_key()] = record
            elif previous.price_values() != record.price_values():
                # "deepseek-chat" and "deepseek/deepseek-chat" both name DeepSeek's own offer.
                errors.append(f"{key}: {record.offer_key()} listed twice with other prices; kept the first")
    if not records:
        raise SourceLayoutError("no token-priced models in the price map")
    return Parsed(records=list(records.values()), row_errors=errors)


def load_entries(body: bytes) -> list[tuple[str, Any]]:
    """(model key, entry) for every entry of the map but the spec, in file order.

    Numbers are kept as their JSON text (``parse_float=str``), so ``5e-06`` reaches
    ``Decimal`` exactly, never through a binary float.
    """
    try:
        doc = json.loads(body, parse_float=str)
    except ValueError as error:
        raise SourceLayoutError(f"invalid JSON ({error})") from None
    if not isinstance(doc, dict):
        raise SourceLayoutError("the price map is not a JSON object keyed by model name")
    return [(key, entry) for key, entry in doc.items() if key != SPEC_KEY]


def parse_entry(key: str, entry: Any) -> Parsed:
    """The records of one entry (none for models that are not token-priced text models)."""
    errors: list[str] = []
    if not isinstance(entry, dict) or entry.get("mode") not in TEXT_MODES:
        return Parsed(records=[])
    provider = entry.get(PROVIDER_KEY)
    if not isinstance(provider, str) or not provider.strip():
        if any(_is_price_key(name) for name in entry):
            errors.append(f"{key}: no {PROVIDER_KEY}")
        return Parsed(records=[], row_errors=errors)
    records = _entry_records(key, provider.strip(), entry, errors)
    return Parsed(records=records, row_errors=errors)


def model_name(key: str, provider: str) -> str:
    """LiteLLM's key without its routing prefix: "deepinfra/Qwen/QwQ-32B" -> "Qwen/QwQ-32B"."""
    for prefix in (provider, provider.split("-", 1)[0]):
        if key.startswith(prefix + "/"):
            return key[len(prefix) + 1 :]
    return key


def name_candidates(model: str, provider: str) -> list[str]:
    """Names to try in the catalog, most literal first (each must match exactly; none is fuzzy)."""
    names = [model]
    if model.startswith(FIREWORKS_PATH):
        names.append(model.removeprefix(FIREWORKS_PATH))
    if "/" in model:
        names.append(model.rsplit("/", 1)[1])
    maker = MAKER_PREFIX.get(provider)
    if maker and "/" not in model:
        names.append(f"{maker}/{model}")
    return list(dict.fromkeys(names))


def _is_price_key(name: str) -> bool:
    return _split_price_key(name) is not None


def _split_price_key(name: str) -> tuple[str, str, int] | None:
    """(field, tier, min_prompt_tokens) for a token price key, else None."""
    for base, field in BASE_KEYS:
        if name.startswith(base):
            match = _MODIFIERS_RE.match(name[len(base) :])
            if match is None:
                continue
            threshold = int(match.group("k")) * 1000 if match.group("k") else 0
            return field, TIERS[match.group("tier")], threshold
    return None


def _entry_records(key: str, provider: str, entry: Mapping[str, Any], errors: list[str]) -> list[PriceRecord]:
    offers: dict[tuple[str, int], dict[str, Decimal]] = {}
    for name, value in entry.items():
        split = _split_price_key(name)
        if split is None:
            continue
        field, tier, threshold = split
        try:
            if value is None or isinstance(value, bool):
                raise ValueError
            price = without_float_noise(per_million_from_per_token(decimal_from_text(value)))
        except (ValueError, TypeError, AttributeError):
            errors.append(f"{key}: {name}: not a number: {value!r}")
            continue
        offers.setdefault((tier, threshold), {})[field] = price
    context = entry.get(CONTEXT_KEY)
    context_length = context if isinstance(context, int) and not isinstance(context, bool) else None
    model = model_name(key, provider)
    records = []
    for (tier, threshold), fields in sorted(offers.items()):
        fallback = fields.pop("cache_read_fallback", None)
        if fallback is not None:
            fields.setdefault("cache_read", fallback)
        if not fields:
            continue
        try:
            records.append(
                make_record(
                    model=model,
                    provider=provider,
                    tier=tier,
                    min_prompt_tokens=threshold,
                    context_length=context_length if context_length and context_length >= 0 else None,
                    **fields,
                )
            )
        except RecordInvalid as error:
            errors.extend(f"{key}: {line}" for line in error.errors)
    return records
