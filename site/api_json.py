"""The static JSON API: the store's prices as versioned JSON documents under ``api/v1/``.

Three documents, each with a JSON Schema (draft 2020-12) in ``site/schemas/v1/`` that the
build publishes beside them at ``api/v1/schema/<name>.json``:

- ``api/v1/models.json``: every model with a stored price: its ids, aliases, maker, open
  weights, context window, release and retirement dates, and every offer in force at the
  site's "as of" with its prices and a ``status`` (current / unconfirmed / retired) by the
  store's ``open_prices`` rule (read through the store, at the site's "as of" and window);
- ``api/v1/models/<name>.json``: one per model of ``models.json`` (so also the models
  without a page of their own), the full dated history of every offer with the origin of
  each period (the curated citation, or the repository and commit or URL its run read);
  ``<name>`` is the model's file name from ``assign_slugs``, the function that names the
  model pages (a model with a page has ``models/<name>.html`` and ``api/v1/models/<name>.json``);
- ``api/v1/changes.json``: the newest price changes, the ones the changes page lists.

Prices are exact decimal strings (the store's canonical text, per million tokens), never
JSON numbers: a float would not hold ``0.0912`` exactly. Every document is JSON with
``<``, ``>``, ``&`` and ``'`` escaped as ``\\u`` sequences, so untrusted text (scraped names)
stays inert even if a page embeds it. A per-model document holds no build time: it is
written only when its bytes changed (its content's hash keys the build's reuse of the
previous file), so a refresh rewrites the files of the models it touched.

Everything here but ``publish`` is pure: ``publish`` is the build's one call.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pricewatch.fields import PRICE_FIELDS
from pricewatch.site.model import SiteData, assign_slugs, price_texts, safe_url

if TYPE_CHECKING:
    from pricewatch.analysis.prices import PricePoint
    from pricewatch.scraper.store.reader import PeriodCitation, StoreReader

__all__ = [
    "API_ROOT",
    "DOCUMENTS",
    "VERSION",
    "changes_document",
    "encode",
    "file_names",
    "history_document",
    "models_document",
    "page_context",
    "publish",
]

VERSION = "v1"
API_ROOT = f"api/{VERSION}"
#: Document -> its schema's name (site/schemas/v1/<name>.json, published at api/v1/schema/).
DOCUMENTS = {"models.json": "models", "models/<name>.json": "model", "changes.json": "changes"}
UNIT = (
    "prices: exact decimal strings, per million tokens, in the offer's currency (nearly always USD); "
    "a price field left out = not published or not offered, '0' = free; times: UTC ISO 8601; "
    "periods are half-open: valid_from inclusive, valid_to exclusive (null while in force)"
)
#: The site's escapes for JSON that may meet HTML (as Jinja's ``tojson``).
_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"))

OfferKey = tuple[str, str, int, str]  # provider, tier, prompt band, variant
PeriodKey = tuple[str, str, str, int, str, str]


class OutputTree(Protocol):
    """What ``publish`` needs of the build's output tree (``site.build._Tree``)."""

    def needs(self, relative: str, *key: Any) -> bool: ...

    def always(self, relative: str) -> None: ...

    def write(self, relative: str, content: str | bytes) -> None: ...

    def copy(self, source: Path, relative: str) -> None: ...


# ----------------------------------------------------------------------------- encoding


def encode(document: Mapping[str, Any]) -> bytes:
    """A document as compact JSON bytes: ASCII only, HTML's special characters escaped."""
    text = json.dumps(document, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    for character, escaped in _ESCAPES:  # str.replace: far faster than str.translate here
        text = text.replace(character, escaped)
    return (text + "\n").encode("ascii")


def file_names(data: SiteData) -> dict[str, str]:
    """Model id -> the name of its files: the model pages' own slugs (``assign_slugs``), over
    every priced model, so a model with a page has the same name for its page and its JSON."""
    return assign_slugs(data.by_model)


def _period_key(model: str, provider: str, tier: str, band: int, variant: str, valid_from: str) -> PeriodKey:
    return (model, provider, tier, band, variant, valid_from)


def _point_key(point: PricePoint) -> PeriodKey:
    return _period_key(
        point.model, point.provider, point.tier, point.min_prompt_tokens, point.variant, point.valid_from
    )


def _citation_index(citations: Iterable[PeriodCitation]) -> dict[PeriodKey, PeriodCitation]:
    return {
        _period_key(c.model, c.provider, c.tier, c.min_prompt_tokens, c.variant, c.valid_from): c
        for c in citations
    }


# ----------------------------------------------------------------------------- shared pieces


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def model_facts(model_id: str, data: SiteData, names: Mapping[str, str]) -> dict[str, Any]:
    """What the catalog and the store say about a model, with the addresses of its page and history."""
    info = data.models.get(model_id, {})
    entry = data.catalog.models.get(model_id) if data.catalog is not None else None
    facts = data.facts.get(model_id)
    deprecated = entry.deprecated if entry is not None else None
    retired = entry.retired if entry is not None else None
    slug = data.slugs.get(model_id)
    return {
        "id": model_id,
        "name": info.get("name") or model_id,
        "aliases": list(entry.aliases) if entry is not None else [],
        "snapshots": list(entry.snapshots) if entry is not None else [],
        "hugging_face_id": info.get("hugging_face_id"),
        "maker": info.get("creator") or model_id.split("/", 1)[0],
        "maker_providers": sorted(facts.makers) if facts is not None else [],
        "catalogued": bool(info.get("catalogued")),
        "open_weights": info.get("open_weights"),
        "context_length": info.get("context_length"),
        "released": _day(entry.released) if entry is not None else None,
        "deprecated": _day(deprecated.on) if deprecated is not None else None,
        "retired": _day(retired.on) if retired is not None else None,
        "lifecycle_sources": {
            "deprecated": safe_url(deprecated.source) if deprecated is not None else None,
            "retired": safe_url(retired.source) if retired is not None else None,
        },
        "page": f"models/{slug}.html" if slug else None,
        "history": f"{API_ROOT}/models/{names[model_id]}.json",
    }


def _origin(
    kind: str | None,
    source: str | None,
    confidence: str | None,
    source_url: str | None,
    citation: PeriodCitation | None,
    valid_from: str,
) -> dict[str, Any]:
    """Where a period was read: its origin, the run's source, and the citation the store has
    (what the store does not know is left out)."""
    # A curated row's citation, else the page or file its run read.
    url = safe_url(source_url) or (safe_url(citation.url) if citation is not None else None)
    origin = {"kind": kind, "source": source, "confidence": confidence, "url": url}
    if citation is not None:
        repository = citation.repository
        if url and repository and repository.startswith(url):
            del origin["url"]  # the repository's own address, said again
        origin.update(repository=repository, commit=citation.commit, path=citation.path)
        if citation.fetched_at != valid_from:
            origin["read_at"] = citation.fetched_at
    return {name: value for name, value in origin.items() if value is not None}


def _point_origin(point: PricePoint, citation: PeriodCitation | None) -> dict[str, Any]:
    return _origin(point.origin, point.source, point.confidence, point.source_url, citation, point.valid_from)


def _offer(provider: str, tier: str, band: int, variant: str) -> dict[str, Any]:
    return {
        "provider": provider,
        "tier": tier,
        "min_prompt_tokens": band,
        "variant": variant,
    }


def _prices(texts: Iterable[str | None]) -> dict[str, str]:
    """The published price fields (a field left out is not published or not offered)."""
    return {name: text for name, text in zip(PRICE_FIELDS, texts, strict=True) if text is not None}


def _provider_names(providers: Iterable[str], data: SiteData) -> dict[str, str]:
    return {provider: data.provider_name(provider) for provider in sorted(set(providers))}


# ----------------------------------------------------------------------------- models/<name>.json


def history_document(
    model_id: str,
    data: SiteData,
    names: Mapping[str, str],
    citations: Mapping[PeriodKey, PeriodCitation],
) -> dict[str, Any]:
    """A model's facts and the full dated history of each of its offers, oldest period first.

    The periods are the site's (``load_site_data``: the store's, ended at the model's
    retirement where the catalog records one, ``ended`` = ``retired``), so the history and
    the model page agree. No build time: the document changes only when the model's data does.
    """
    offers: dict[OfferKey, list[dict[str, Any]]] = defaultdict(list)
    for point in data.by_model.get(model_id, []):
        key = _point_key(point)
        period: dict[str, Any] = {
            "valid_from": point.valid_from,
            "valid_to": point.valid_to,
            "ended": point.ended,
            "unconfirmed_after": point.unconfirmed_after,
            "currency": point.currency,
            "prices": _prices(price_texts(point)),
            "variable": bool(point.variable),
            "quantization": point.quantization,
            "last_confirmed": point.last_confirmed or point.valid_from,
            "confirmed_by": point.confirmed_by or point.origin,
            "origin": _point_origin(point, citations.get(key)),
        }
        if key in data.list_prices:
            period["list_prices"] = data.list_prices[key]
        if key in data.corrections:
            period["corrections"] = [
                {name: fix[name] for name in ("field", "stored", "corrected", "reason", "source_url")}
                for fix in data.corrections[key]
            ]
        offers[key[1:5]].append(period)
    return {
        "api": "pricewatch",
        "version": VERSION,
        "schema": "../schema/model.json",
        "model": model_facts(model_id, data, names),
        "providers": _provider_names((key[0] for key in offers), data),
        "offers": [
            {**_offer(*key), "periods": sorted(periods, key=lambda p: p["valid_from"])}
            for key, periods in sorted(offers.items())
        ],
    }


# ----------------------------------------------------------------------------- models.json


def model_status(statuses: Iterable[str], retired: str | None, as_of: str) -> str:
    """A model's status from its open offers': ``current`` when one is current (someone sells
    it), else ``retired`` (its retirement has come, or its offers are retired), else
    ``unconfirmed`` (only prices past their confirmation window), else ``ended`` (no price in force)."""
    found = set(statuses)
    if "current" in found:
        return "current"
    if "retired" in found or (retired is not None and retired <= as_of[:10]):
        return "retired"
    if "unconfirmed" in found:
        return "unconfirmed"
    return "ended"


def models_document(
    data: SiteData,
    open_rows: Iterable[Mapping[str, Any]],
    names: Mapping[str, str],
    citations: Mapping[PeriodKey, PeriodCitation],
) -> dict[str, Any]:
    """Every priced model with the offers in force at the site's "as of" (``open_rows``: the
    store's ``open_prices`` rows at that time and window, prices as decimal text)."""
    points = {_point_key(p): p for model_points in data.by_model.values() for p in model_points}
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in open_rows:
        key = _period_key(
            row["model"],
            row["provider"],
            row["tier"],
            row["min_prompt_tokens"],
            row["variant"],
            row["valid_from"],
        )
        point = points.get(key)
        # Who said it; the full citation (repository, commit, file) is in the model's history.
        origin = (
            _origin(point.origin, point.source, point.confidence, point.source_url, None, point.valid_from)
            if point is not None
            else _origin(row["origin"], None, None, None, None, row["valid_from"])
        )
        by_model[row["model"]].append(
            {
                **_offer(row["provider"], row["tier"], row["min_prompt_tokens"], row["variant"]),
                "status": row["status"],
                "status_since": row["status_since"],
                "currency": row["currency"],
                "prices": _prices(row[name] for name in PRICE_FIELDS),
                "variable": bool(row["variable"]),
                "quantization": row["quantization"],
                "valid_from": row["valid_from"],
                "last_confirmed": row["last_seen"] or row["valid_from"],
                "confirmed_by": row["confirmed_by"] or row["origin"],
                "origin": origin,
            }
        )
    models = []
    for model_id in sorted(data.by_model):
        facts = model_facts(model_id, data, names)
        offers = by_model.get(model_id, [])
        models.append(
            {
                **facts,
                "status": model_status((o["status"] for o in offers), facts["retired"], data.now_text),
                "offers": offers,
            }
        )
    return {
        "api": "pricewatch",
        "version": VERSION,
        "schema": "schema/models.json",
        "as_of": data.now_text,
        "generated_at": data.built_text,
        "curated_window_days": data.window_days,
        "unit": UNIT,
        "providers": _provider_names((o["provider"] for m in models for o in m["offers"]), data),
        "models": models,
    }


# ----------------------------------------------------------------------------- changes.json


def changes_document(
    changes: Iterable[Mapping[str, Any]], total: int, data: SiteData, names: Mapping[str, str]
) -> dict[str, Any]:
    """The newest changes, newest first, from the change rows the changes page and feeds show
    (``site.model.change_dict``): a price change, a new offer or an ended offer."""
    rows = []
    for change in changes:
        model_id = change["model"]
        slug = change.get("slug")
        rows.append(
            {
                "id": change["key"],
                "at": change["at"],
                "kind": change["kind"],
                "model": model_id,
                "model_name": change["model_name"],
                **_offer(change["provider"], change["tier"], change["min_prompt_tokens"], change["variant"]),
                "changed": [f["field"] for f in change["fields"]],
                "old": {name: text for name, text in change["old"].items() if text is not None},
                "new": {name: text for name, text in change["new"].items() if text is not None},
                "origin": change["origin"],
                "confidence": change["confidence"],
                "source_url": change["source_url"],
                "page": f"models/{slug}.html" if slug else None,
                "history": f"{API_ROOT}/models/{names[model_id]}.json" if model_id in names else None,
            }
        )
    return {
        "api": "pricewatch",
        "version": VERSION,
        "schema": "schema/changes.json",
        "as_of": data.now_text,
        "generated_at": data.built_text,
        "unit": UNIT,
        "total": total,
        "providers": _provider_names((row["provider"] for row in rows), data),
        "changes": rows,
    }


# ----------------------------------------------------------------------------- the API page


def page_context(data: SiteData, base_url: str | None) -> dict[str, Any]:
    """What the API page (templates/api.html) shows besides its prose: the documents and an example."""
    names = file_names(data)
    example = "anthropic/claude-opus-4.6"
    if example not in data.slugs:
        example = min(data.slugs, default=min(data.by_model, default=""))
    return {
        "api_root": API_ROOT,
        "documents": [(path, f"{API_ROOT}/schema/{schema}.json") for path, schema in DOCUMENTS.items()],
        "example_id": example,
        "example_file": f"{API_ROOT}/models/{names[example]}.json" if example in names else None,
        "site_url": (base_url.rstrip("/") + "/") if base_url else "https://pricewatch.example/",
        "price_fields": PRICE_FIELDS,
    }


# ----------------------------------------------------------------------------- writing


def schema_dir() -> Path:
    """The shipped schemas of this version (site/schemas/v1)."""
    return Path(__file__).resolve().parent / "schemas" / VERSION


@dataclass(frozen=True)
class StoreFacts:
    """What the API documents read of the store beyond the site's data: each period's
    citation and the ``open_prices`` rows at the site's as-of (read in the build's process,
    so the documents can be made in a forked child that touches no database)."""

    citations: dict[PeriodKey, PeriodCitation]
    open_rows: list[dict[str, Any]]


def read_store(data: SiteData, reader: StoreReader) -> StoreFacts:
    """The store's part of the API's inputs."""
    return StoreFacts(
        citations=_citation_index(reader.period_citations()),
        open_rows=reader.open_price_rows(data.now_text, data.window_days or None),
    )


def model_documents(data: SiteData, store: StoreFacts) -> list[tuple[str, bytes]]:
    """Every model's history document, then ``models.json``, as (path under the site, bytes): pure."""
    names = file_names(data)
    documents = [
        (
            f"{API_ROOT}/models/{names[model_id]}.json",
            encode(history_document(model_id, data, names, store.citations)),
        )
        for model_id in sorted(data.by_model)
    ]
    documents.append(
        (f"{API_ROOT}/models.json", encode(models_document(data, store.open_rows, names, store.citations)))
    )
    return documents


def publish(
    tree: OutputTree,
    data: SiteData,
    documents: Iterable[tuple[str, bytes]],
    changes: Iterable[Mapping[str, Any]],
    total_changes: int,
) -> None:
    """Write ``api/v1/`` into the build's output tree: the schemas, ``documents`` (from
    ``model_documents``) and ``changes.json``.

    ``changes``: the change rows of the changes page (newest first), ``total_changes`` how
    many there are in all. A per-model document is written only when its bytes differ from
    the previous build's (the tree reuses the old file when the hash of the bytes matches);
    ``models.json`` and ``changes.json`` hold the build time: written on every build.
    """
    for source in sorted(schema_dir().glob("*.json")):
        tree.copy(source, f"{API_ROOT}/schema/{source.name}")
    every_build = {f"{API_ROOT}/models.json"}
    for relative, body in documents:
        if relative in every_build:
            tree.always(relative)
            tree.write(relative, body)
        elif tree.needs(relative, "api", hashlib.sha256(body).hexdigest()):
            tree.write(relative, body)
    relative = f"{API_ROOT}/changes.json"
    tree.always(relative)
    tree.write(relative, encode(changes_document(changes, total_changes, data, file_names(data))))
