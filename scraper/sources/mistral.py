"""Mistral's prices from the public docs source (github.com/mistralai/platform-docs-public).

The docs pricing page is rendered client-side from TypeScript data, so we read that data:
``src/schema/models/models/index.ts`` lists the model files (its imports, in the order of
the ``MODELS`` array) and each model file is one ``export default { ... }`` object literal
with ``status``, ``identifiers.apiNames`` and a ``pricing`` block.

The TypeScript is read by ``read_default_export`` (``_jsliteral``, shared with moonshot), a
small reader for the subset these files use. Anything else in value position (arrow
functions such as ``describe: (l) => ...``, identifiers, calls) is read as ``OPAQUE``; a
price that is ``OPAQUE`` is a row error, never a number.

Decisions, from the data of 2026-08:

- The model name is the first API name (``mistral-large-2512``), what the API and other
  catalogs call it; the file's slug when there is none. Transcription-only models share
  API names with chat models (``voxtral-mini-2507`` is both), so their records carry
  variant "transcription" (the endpoint they are sold on).
- ``status: 'Retired'`` gives no record: the model can no longer be called, but its file
  keeps its last prices, which would otherwise look like a live offer. ``Deprecated``
  models are still billed until retirement and keep their records; ``lifecycle()`` tells
  the caller which is which. Statuses only: parse has no clock to compare retirement dates.
- EUR prices (``priceEur``) are set by Mistral, not converted (EUR/USD ratios run from
  0.62 to 1.0 across models), so they become a second record with currency "EUR" when
  every USD price of the model has one; a partial EUR set is a row error (the site would
  show the USD number with a euro sign). The EUR record is a second offer of the model
  (billed in euros), so its variant says so (``eur``, or ``transcription|eur``): an offer
  is keyed by model, provider, tier, threshold and variant, not by currency, and two
  records with one key would overwrite each other.
- Only stored prices: the page's cached-input (10 % of input), batch (-50 %) and priority
  (+75 %) columns are computed by its renderer (pricing-table.tsx), not published data.
- ``/M Tokens`` prices are token prices; ``/Min`` becomes a UnitPrice "audio_minute",
  ``/M Chars`` "million_characters", ``/1000 Pages`` "page" (divided by 1000); output-side
  unit prices get an ``output_`` prefix. Any other denominator is a row error.
"""

from __future__ import annotations

import posixpath
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urlsplit

from pricewatch.errors import RecordInvalid, SourceLayoutError
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PriceRecord, UnitPrice, make_record
from pricewatch.scraper.sources._jsliteral import OPAQUE, Reader, read_default_export, tokenize
from pricewatch.scraper.sources._tables import decode_body

__all__ = [
    "DEFAULT_BASE_URL",
    "KIND",
    "LISTS_EVERYTHING",
    "NAME",
    "OPAQUE",
    "Lifecycle",
    "lifecycle",
    "parse",
    "read_default_export",
    "start_urls",
]

NAME = "mistral"
KIND = "first-party"
DEFAULT_BASE_URL = "https://raw.githubusercontent.com/mistralai/platform-docs-public/main"
LISTS_EVERYTHING = False

Lifecycle = Literal["active", "deprecated", "retired"]

PROVIDER = "Mistral"
MODELS_DIR = "/src/schema/models/models/"
INDEX_FILE = "index.ts"
# index.ts: `export const MODELS = defineModels([ a, b, ... ] as const);` names the imports used.
MODELS_CONST = "MODELS"

# Model file, `status:` (schema.ts ModelStatus) -> our lifecycle.
STATUSES: dict[str, Lifecycle] = {
    "GA": "active",
    "PublicPreview": "active",
    "Deprecated": "deprecated",
    "Retired": "retired",
}
# Model file, `pricing.*[].denominator` (schema.ts PricingDenominator) -> None for a token
# price per million, else (UnitPrice unit, how many units the price is for).
DENOMINATORS: dict[str, tuple[str, int] | None] = {
    "/M Tokens": None,
    "/Min": ("audio_minute", 1),
    "/M Chars": ("million_characters", 1),
    "/1000 Pages": ("page", 1000),
    "/1000 Annotated Pages": ("annotated_page", 1000),
}
# Model file, `pricing.custom.input[].label` -> token price field (no label = input / output).
INPUT_LABELS = {None: "input", "input": "input", "cached input": "cache_read"}
OUTPUT_LABELS = {None: "output", "output": "output"}
# Model file, `capabilities.features`: a model served only on the transcription endpoint.
TRANSCRIPTION_FEATURE = "transcriptions"
CHAT_FEATURE = "chat-completions"
TRANSCRIPTION_VARIANT = "transcription"

# The keys this parser requires, by name (a schema rename must fail loudly, never drop prices):
# every model file has STATUS_KEY and PRICING_KEY (else a layout error naming them); the
# pricing block its PRICING_TYPE_KEY; each price entry its USD amount and DENOMINATOR_KEY
# (else a row error naming the model: one file, one model).
STATUS_KEY = "status"
PRICING_KEY = "pricing"
PRICING_TYPE_KEY = "type"
DENOMINATOR_KEY = "denominator"
CURRENCY_FIELDS = {"USD": "price", "EUR": "priceEur"}
REQUIRED_KEYS = (STATUS_KEY, PRICING_KEY, PRICING_TYPE_KEY, CURRENCY_FIELDS["USD"], DENOMINATOR_KEY)
# The variant of the offer billed in euros (joined to another variant with "|", as the
# refresh loop joins a snapshot name).
EUR_VARIANT = "eur"


def _index_imports(text: str) -> list[str]:
    """The module paths of index.ts's MODELS entries, in MODELS order."""
    tokens = tokenize(text)
    imports: dict[str, str] = {}
    for index in range(len(tokens) - 3):
        a, b, c, d = tokens[index : index + 4]
        if a.value == "import" and c.value == "from" and b.kind == "name" and d.kind == "str":
            imports[b.value] = d.value
    for index in range(len(tokens) - 1):
        if tokens[index].value == MODELS_CONST and tokens[index + 1].value == "=":
            reader = Reader(tokens)
            reader.i = index + 2
            while not reader.is_punct("["):
                if reader.peek() is None:
                    return []
                reader.i += 1
            reader.i += 1
            names: list[str] = []
            while (token := reader.peek()) is not None and not reader.is_punct("]"):
                if token.kind == "name" and token.value in imports:
                    names.append(imports[token.value])
                reader.i += 1
            return names
    return []


# ---------------------------------------------------------------- the source


def start_urls(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The models index of the docs repository under ``base_url``."""
    return [base_url.rstrip("/") + MODELS_DIR + INDEX_FILE]


def _is_index(url: str) -> bool:
    return posixpath.basename(urlsplit(url).path) == INDEX_FILE


def _read_model(url: str, body: bytes) -> dict[str, Any]:
    text = decode_body(body, url)
    try:
        model = read_default_export(text)
    except ValueError as error:
        raise SourceLayoutError(f"no model object found ({error})", url=url) from None
    missing = [
        key for key, kind in ((PRICING_KEY, dict), (STATUS_KEY, str)) if not isinstance(model.get(key), kind)
    ]
    if missing:
        names = " / ".join(f"`{key}`" for key in missing)
        raise SourceLayoutError(f"no pricing table found (no {names} in the model)", url=url)
    return model


def _model_name(model: dict[str, Any], url: str) -> str:
    identifiers = model.get("identifiers")
    names = identifiers.get("apiNames") if isinstance(identifiers, dict) else None
    if isinstance(names, list) and names and isinstance(names[0], str) and names[0].strip():
        return names[0].strip()
    slug = model.get("slug")
    if isinstance(slug, str) and slug.strip():
        return slug.strip()
    return posixpath.splitext(posixpath.basename(urlsplit(url).path))[0]


def lifecycle(body: bytes) -> dict[str, Lifecycle]:
    """{model name: "active" | "deprecated" | "retired"} from one model file (unknown -> active)."""
    model = _read_model("", body)
    return {_model_name(model, ""): STATUSES.get(model[STATUS_KEY], "active")}


def _entries(pricing: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(side, entry) pairs of the three pricing shapes, each entry with price/priceEur/denominator."""
    kind = pricing.get(PRICING_TYPE_KEY)
    if kind == "flat":
        return [("input", pricing)]
    if kind == "range":
        common = {DENOMINATOR_KEY: pricing.get(DENOMINATOR_KEY)}
        return [
            ("input", {**common, "price": pricing.get("input"), "priceEur": pricing.get("inputEur")}),
            ("output", {**common, "price": pricing.get("output"), "priceEur": pricing.get("outputEur")}),
        ]
    if kind == "custom":
        pairs: list[tuple[str, dict[str, Any]]] = []
        for side in ("input", "output"):
            entries = pricing.get(side)
            if not isinstance(entries, list):
                raise ValueError(f"custom pricing without an {side} list")
            pairs.extend((side, entry) for entry in entries)
        return pairs
    raise ValueError(f"unknown pricing type {kind!r}")


def _offers(name: str, pricing: dict[str, Any], errors: list[str]) -> dict[str, dict[str, Any]] | None:
    """Record fields per currency ("USD", maybe "EUR"); None (and row errors) when unusable."""
    try:
        entries = _entries(pricing)
    except ValueError as error:
        errors.append(f"{name}: {error}: skipped")
        return None
    offers: dict[str, dict[str, Any]] = {"USD": {}, "EUR": {}}
    eur_complete, eur_published = True, False
    for side, entry in entries:
        if not isinstance(entry, dict):
            errors.append(f"{name}: {side} entry is not an object: skipped")
            return None
        denominator = entry.get(DENOMINATOR_KEY)
        if denominator not in DENOMINATORS:
            errors.append(
                f"{name}: {side} price per {denominator!r} ({DENOMINATOR_KEY}), an unknown unit: skipped"
            )
            return None
        label = entry.get("label")
        labels = INPUT_LABELS if side == "input" else OUTPUT_LABELS
        field = labels.get(label.strip().lower() if isinstance(label, str) else None)
        if field is None:
            errors.append(f"{name}: unknown {side} label {label!r}: skipped")
            return None
        for currency, key in CURRENCY_FIELDS.items():
            raw = entry.get(key)
            if raw is None and currency == "EUR":
                if entry.get("price") != 0:
                    eur_complete = False
                    continue
                raw = entry.get("price")  # nothing costs nothing in any currency
            elif currency == "EUR":
                eur_published = True
            if not isinstance(raw, Decimal) or raw < 0:
                errors.append(f"{name}: {side} {key} {raw!r} is not a price: skipped")
                return None
            fields = offers[currency]
            unit = DENOMINATORS[denominator]
            if unit is None:
                if field in fields:
                    errors.append(f"{name}: two {field} token prices: skipped")
                    return None
                fields[field] = raw
            else:
                unit_name = unit[0] if side == "input" else f"output_{unit[0]}"
                prices = fields.setdefault("unit_prices", [])
                prices.append(UnitPrice(unit=unit_name, amount=raw / unit[1]))
    if pricing.get("free") is True and any(
        value != 0 for value in offers["USD"].values() if isinstance(value, Decimal)
    ):
        errors.append(f"{name}: marked free but priced: skipped")
        return None
    if not eur_published or not eur_complete:
        if eur_published:
            errors.append(f"{name}: EUR prices for some meters only: EUR record skipped")
        del offers["EUR"]
    return offers


def _parse_model(url: str, body: bytes) -> Parsed:
    model = _read_model(url, body)
    name = _model_name(model, url)
    status = model[STATUS_KEY]
    errors: list[str] = []
    if status not in STATUSES:
        errors.append(f"{name}: unknown status {status!r}, read as active")
    if STATUSES.get(status) == "retired":
        # A retired model cannot be called; the prices left in its file are history.
        return Parsed(records=[], row_errors=errors)
    offers = _offers(name, model[PRICING_KEY], errors)
    if offers is None:
        return Parsed(records=[], row_errors=errors)
    if not offers["USD"]:
        errors.append(f"{name}: no published price")
        return Parsed(records=[], row_errors=errors)

    features = (model.get("capabilities") or {}).get("features") or []
    transcription_only = TRANSCRIPTION_FEATURE in features and CHAT_FEATURE not in features
    display = model.get("name") if isinstance(model.get("name"), str) else None
    records: list[PriceRecord] = []
    for currency, fields in offers.items():
        fields = dict(fields)
        fields["unit_prices"] = tuple(fields.get("unit_prices", ()))
        variants = [TRANSCRIPTION_VARIANT] if transcription_only else []
        if currency == "EUR":
            variants.append(EUR_VARIANT)
        try:
            records.append(
                make_record(
                    model=name,
                    provider=PROVIDER,
                    variant="|".join(variants),
                    currency=currency,
                    info={"display_name": display} if display else None,
                    **fields,
                )
            )
        except RecordInvalid as error:
            errors.extend(error.errors)
    return Parsed(records=records, row_errors=errors)


def _parse_index(url: str, body: bytes) -> Parsed:
    paths = _index_imports(decode_body(body, url))
    links = [posixpath.basename(path) + ".ts" for path in paths if path.startswith("./")]
    if not links:
        raise SourceLayoutError(f"no model list found (no `{MODELS_CONST}` of ./imports)", url=url)
    return Parsed(records=[], links=links)


def parse(url: str, body: bytes) -> Parsed:
    """index.ts -> links to the model files it lists; a model file -> that model's records."""
    if _is_index(url):
        return _parse_index(url, body)
    return _parse_model(url, body)
