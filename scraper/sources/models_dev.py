"""models.dev's provider/model TOML files as price records.

Not a refresh source (it is not registered): the git history of anomalyco/models.dev is
replayed by ``pricewatch backfill models-dev``. Each price is one file,
``providers/<provider>/models/<model id>.toml`` (the model id may hold slashes:
``providers/openrouter/models/moonshotai/kimi-k2.6.toml``), with a ``[cost]`` table in USD
per million tokens:

    [cost]                                  the standard offer
    input, output, cache_read, cache_write  -> the fields of the same names (cache_write is
                                               Anthropic's 5-minute write, as models.dev
                                               documents it)
    reasoning                               -> reasoning (reasoning tokens' price)
    [cost.context_over_200k]                -> the same fields at min_prompt_tokens 200000
    [[cost.tiers]] tier = {size = N}        -> the same fields at min_prompt_tokens N (a tier
                                               whose ``type`` is not "context" is a row error)
    [experimental.modes.fast] cost = {...}  -> tier "priority": variant "" when the mode sets
                                               ``service_tier = "priority"`` (OpenAI's priority
                                               processing, as the openai source stores it),
                                               else variant "fast" (Anthropic's fast mode, as
                                               the anthropic source stores it)

Older files spell the cache read ``cached_input``, ``cache_input``, ``cached``,
``cached_read`` or ``inputCached`` and the cache write ``cached_write``: read as
``cache_read`` / ``cache_write``. Ignored on purpose (no field of ours holds them):
``input_audio``, ``output_audio``, ``image``, ``citation``, ``request`` (units models.dev does
not define), ``outputCached``, modes other than ``fast``, and everything outside the cost
(limits, modalities, ``[provider]`` API settings, benchmarks; ``limit.context`` is kept as
the offer's context length). ``providers/<provider>/provider.toml`` (names, SDK settings),
``models/**`` (model facts shared across providers, never a price) and logos are not read.

Names, as every source gives them (the backfill maps them through the catalog):

- provider: the provider folder (``amazon-bedrock``, ``togetherai``); an unmapped one is
  stored under its slug, i.e. the folder name;
- model: ``base_model`` when the file names one (``anthropic/claude-opus-4-6``: models.dev's
  own cross-provider id), else the path's model id; ``name_candidates`` gives the spellings
  tried in the catalog;
- a model id ending in ``:free`` or ``-free`` (``deepseek/deepseek-r1:free``,
  ``kimi-k2.5-free``) is that model's ``free`` tier: the one place a $0 price is a price.

A file without a ``[cost]`` table (a model listed without a price) gives no record; $0
prices outside a free tier are dropped by the backfill (``without_unnamed_free_prices``),
so a file whose costs are all zero is not a price either.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pricewatch.errors import RecordInvalid, SourceLayoutError
from pricewatch.money import decimal_from_text
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, make_record

__all__ = [
    "KIND",
    "NAME",
    "TREE",
    "UPSTREAM_URL",
    "is_price_file",
    "load",
    "name_candidates",
    "parse",
    "parse_file",
    "path_names",
    "price_text",
]

NAME = "models-dev"
KIND = "backfill"
# The published repository (fetches.url of a backfilled version; its path is the file's).
UPSTREAM_URL = "https://github.com/anomalyco/models.dev"
# The folder that holds every price file.
TREE = "providers"
MODELS_FOLDER = "models"
SUFFIX = ".toml"

# [cost] keys -> PriceRecord field (older spellings included).
COST_FIELDS = {
    "input": "input",
    "output": "output",
    "cache_read": "cache_read",
    "cache_write": "cache_write",
    "reasoning": "reasoning",
    "cached_input": "cache_read",
    "cache_input": "cache_read",
    "cached": "cache_read",
    "cached_read": "cache_read",
    "inputCached": "cache_read",
    "cached_write": "cache_write",
}
# Sub-tables of [cost] that are a long-context price, with the threshold they state.
CONTEXT_TABLES = {"context_over_200k": 200_000}
TIERS_KEY = "tiers"
CONTEXT_TIER_TYPE = "context"
# experimental.modes.<mode>: the one mode models.dev prices.
FAST_MODE = "fast"
FAST_VARIANT = "fast"
# What `load` decodes: the tables `parse` reads, and one top-level key.
READ_TABLES = frozenset({"cost", "limit", "experimental"})
_HEADER_RE = re.compile(r"^[ \t]*\[\[?[ \t]*([A-Za-z0-9_-]+)[^\n]*$", re.MULTILINE)
_QUOTED_HEADER_RE = re.compile(r"^[ \t]*\[\[?[ \t]*[\"']", re.MULTILINE)
_TOP_TABLE_KEY_RE = re.compile(r"^[ \t]*[\"']?(?:cost|limit|experimental)\b", re.MULTILINE)
_BASE_MODEL_RE = re.compile(r"^[ \t]*base_model[ \t]*=[^\n]*$", re.MULTILINE)
# Suffixes of a model id that name its free tier.
FREE_SUFFIXES = (":free", "-free")

# Provider folders of makers that name their own models bare ("claude-opus-4-5"): the
# catalog id is usually "<maker>/<name>", tried after the bare name.
MAKER_PREFIX = {
    "anthropic": "anthropic",
    "openai": "openai",
    "azure": "openai",
    "google": "google",
    "google-vertex": "google",
    "deepseek": "deepseek",
    "mistral": "mistralai",
    "xai": "x-ai",
    "moonshotai": "moonshotai",
    "moonshotai-cn": "moonshotai",
    "zai": "z-ai",
    "zhipuai": "z-ai",
    "minimax": "minimax",
    "minimax-cn": "minimax",
    "alibaba": "qwen",
    "alibaba-cn": "qwen",
}


def is_price_file(path: str) -> bool:
    """True for ``providers/<provider>/models/<model id>.toml``."""
    parts = path.split("/")
    return len(parts) >= 4 and parts[0] == TREE and parts[2] == MODELS_FOLDER and path.endswith(SUFFIX)


def path_names(path: str) -> tuple[str, str]:
    """(provider folder, model id) of a price file's path."""
    parts = path.split("/")
    return parts[1], "/".join(parts[3:])[: -len(SUFFIX)]


def load(body: bytes) -> dict[str, Any]:
    """The parts of one file's TOML that ``parse`` reads, numbers kept exact (``Decimal``).

    Only ``base_model`` and the ``cost``, ``limit`` and ``experimental`` tables are decoded
    (``price_text``), each distinct text once: most of a file is metadata, and decoding
    is most of a backfill's time. SourceLayoutError when that text is not TOML. The
    document is shared between calls: read it, never change it.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceLayoutError(f"not a UTF-8 file ({error})") from None
    part = price_text(text)
    if part is not None:
        try:
            return _decode(part)
        except tomllib.TOMLDecodeError:
            pass  # the whole file says where it is wrong
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise SourceLayoutError(f"not a TOML file ({error})") from None


@functools.lru_cache(maxsize=8192)
def _decode(part: str) -> dict[str, Any]:
    """The TOML of a file's price part, decoded once per distinct text (read-only to callers).

    Most commits change a file's metadata (dates, benchmarks), not its price part: of the
    19,491 versions in models.dev's history, 6,820 distinct price parts.
    """
    return tomllib.loads(part, parse_float=Decimal)


def price_text(text: str) -> str | None:
    """The lines of a model file that hold what ``parse`` reads, or None when unsure.

    A table header starts a line (``[cost]``, ``[[cost.tiers]]``, ``[experimental.modes.fast]``);
    the tables read are kept whole, and of the keys before the first header only
    ``base_model``. Anything this cut could misread (a multi-line string, a quoted header,
    a price key before the first header) returns None: the whole file is decoded then.
    """
    if '"""' in text or "'''" in text or _QUOTED_HEADER_RE.search(text):
        return None
    headers = list(_HEADER_RE.finditer(text))
    top = text[: headers[0].start()] if headers else text
    if _TOP_TABLE_KEY_RE.search(top):
        return None
    kept = [m.group(0) for m in _BASE_MODEL_RE.finditer(top)]
    ends = [m.start() for m in headers[1:]] + [len(text)] if headers else []
    for header, end in zip(headers, ends, strict=True):
        if header.group(1) in READ_TABLES:
            kept.append(text[header.start() : end])
    return "\n".join(kept)


def parse_file(path: str, body: bytes) -> Parsed:
    """Records of one file's bytes (``load`` then ``parse``)."""
    return parse(path, load(body))


def parse(path: str, doc: Mapping[str, Any]) -> Parsed:
    """The records of one price file: standard, long-context and fast-mode offers."""
    provider, model_id = path_names(path)
    tier = "standard"
    for suffix in FREE_SUFFIXES:
        stem = model_id.removesuffix(suffix)
        if stem != model_id and stem and not stem.endswith("/"):
            model_id, tier = stem, "free"
            break
    base_model = doc.get("base_model")
    model = base_model.strip() if isinstance(base_model, str) and base_model.strip() else model_id
    cost = doc.get("cost")
    if cost is None:
        return Parsed(records=[])
    errors: list[str] = []
    where = f"{path}: cost"
    if not isinstance(cost, Mapping):
        return Parsed(records=[], row_errors=[f"{where}: not a table"])
    limit = doc.get("limit")
    context = limit.get("context") if isinstance(limit, Mapping) else None
    common: dict[str, Any] = {
        "model": model,
        "provider": provider,
        "context_length": context if isinstance(context, int) and not isinstance(context, bool) else None,
    }
    offers: list[tuple[dict[str, Any], Mapping[str, Any], str]] = [({"tier": tier}, cost, where)]
    for key, threshold in CONTEXT_TABLES.items():
        table = cost.get(key)
        if isinstance(table, Mapping):
            offers.append(({"tier": tier, "min_prompt_tokens": threshold}, table, f"{where}.{key}"))
    tiers = cost.get(TIERS_KEY)
    for index, entry in enumerate(tiers if isinstance(tiers, list) else []):
        size = _tier_threshold(entry)
        if size is None:
            errors.append(f"{where}.{TIERS_KEY}[{index}]: no context size: {entry!r}")
            continue
        offers.append(({"tier": tier, "min_prompt_tokens": size}, entry, f"{where}.{TIERS_KEY}[{index}]"))
    fast = _mode_cost(doc, FAST_MODE)
    if fast is not None:
        table, service_tier = fast
        variant = "" if service_tier == "priority" else FAST_VARIANT
        offers.append(({"tier": "priority", "variant": variant}, table, f"{path}: modes.{FAST_MODE}.cost"))
    records: list[PriceRecord] = []
    for offer, table, label in offers:
        fields = _prices(table, label, errors)
        if not fields:
            continue
        try:
            records.append(make_record(**common, **offer, **fields))
        except RecordInvalid as error:
            errors.extend(f"{label}: {line}" for line in error.errors)
    return Parsed(records=records, row_errors=errors)


def name_candidates(model: str, provider: str) -> list[str]:
    """Names to try in the catalog, most literal first (each must match exactly; none is fuzzy)."""
    names = [model]
    if "/" in model:
        names.append(model.rsplit("/", 1)[1])
    maker = MAKER_PREFIX.get(provider)
    if maker and "/" not in model:
        names.append(f"{maker}/{model}")
    return list(dict.fromkeys(names))


def _prices(table: Mapping[str, Any], where: str, errors: list[str]) -> dict[str, Decimal]:
    """The token price fields of one cost table (a key models.dev spells twice: the first)."""
    fields: dict[str, Decimal] = {}
    for key, field in COST_FIELDS.items():
        if key not in table or field in fields:
            continue
        value = table[key]
        try:
            if isinstance(value, (Mapping, list)):
                raise ValueError
            fields[field] = decimal_from_text(value)
        except (ValueError, TypeError, AttributeError):
            errors.append(f"{where}.{key}: not a number: {value!r}")
    return fields


def _tier_threshold(entry: Any) -> int | None:
    """The prompt size a ``[[cost.tiers]]`` entry starts at, or None when it is not a context tier."""
    if not isinstance(entry, Mapping):
        return None
    tier = entry.get("tier")
    if not isinstance(tier, Mapping) or tier.get("type", CONTEXT_TIER_TYPE) != CONTEXT_TIER_TYPE:
        return None
    size = tier.get("size")
    return size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else None


def _mode_cost(doc: Mapping[str, Any], mode: str) -> tuple[Mapping[str, Any], Any] | None:
    """(cost table, the service_tier it asks for) of ``experimental.modes.<mode>``, if priced."""
    experimental = doc.get("experimental")
    modes = experimental.get("modes") if isinstance(experimental, Mapping) else None
    entry = modes.get(mode) if isinstance(modes, Mapping) else None
    if not isinstance(entry, Mapping) or not isinstance(entry.get("cost"), Mapping):
        return None
    cost = entry["cost"]
    provider = entry.get("provider")
    body = provider.get("body") if isinstance(provider, Mapping) else None
    return cost, body.get("service_tier") if isinstance(body, Mapping) else None
