"""Carrying a database forward to one identity per host (the ``m_identity_...`` migration).

Before, an OpenRouter endpoint's tag was part of its offer (``variant`` = ``deepinfra/fp4``,
``anthropic/2``, ``google-vertex/us-south1#2``), so one host appeared once per endpoint and
again beside its curated or first-party offer; and a provider the catalog does not know was
stored under the source's spelling ("Arcee AI"). Now (``pricewatch.scraper.identity``) the
tag is only an attribute and a provider's id is its slug.

``rebuild_offers`` re-places the stored history of the affected offers under the new keys:
each price span becomes observations at its start and at its last sighting (with the unit
prices in force then), the endpoints seen at one instant go through the same rule a refresh
applies (``merge_endpoints``), and the observations are placed in time order through
``apply_observations``, so curated and first-party history of the same offer, rank and
delistings (re-applied at their time) follow the store's ordinary rules.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from pricewatch.fields import PRICE_FIELDS
from pricewatch.money import decimal_from_text
from pricewatch.scraper.catalog import provider_slug
from pricewatch.scraper.identity import merge_endpoints, offer_variants, split_tag_suffix
from pricewatch.scraper.store.observations import Observation, UnitObservation
from pricewatch.scraper.store.prices import apply_observations, close_offers

__all__ = ["ENDPOINT_SOURCE", "one_identity_per_host"]

# The only source whose offers carried an endpoint tag in ``variant``.
ENDPOINT_SOURCE = "openrouter"


@dataclass
class _Offer:
    """One stored offer to rebuild: where it goes, and its history."""

    row: dict[str, Any]
    provider_id: str
    product: str
    tag: str
    prices: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)


def _endpoint_tag(row: dict[str, Any]) -> str:
    """The endpoint tag stored in an offer's variant, or "" when the variant holds none."""
    variant = row["variant"] or ""
    if row["source"] != ENDPOINT_SOURCE or not variant:
        return ""
    tag = variant.split("|", 1)[0]
    # OpenRouter's own list offers (provider openrouter) keep snapshots in variant; only its
    # endpoints of itself (the router models) carry a tag, named after it.
    if row["provider_id"] == ENDPOINT_SOURCE and split_tag_suffix(tag).split("/", 1)[0] != ENDPOINT_SOURCE:
        return ""
    return tag


def _offers_to_rebuild(db: Database) -> list[_Offer]:
    uncatalogued = {
        r["id"]
        for r in db.query("SELECT id FROM providers WHERE coalesce(catalogued, 0) = 0")
        if provider_slug(r["id"]) != r["id"]
    }
    offers = []
    for row in db.query("SELECT * FROM offers ORDER BY id"):
        tag = _endpoint_tag(row)
        renamed = row["provider_id"] in uncatalogued
        if not tag and not renamed:
            continue
        variant = row["variant"]
        product = (variant.split("|", 1)[1] if "|" in variant else "") if tag else variant
        provider = provider_slug(row["provider_id"]) if renamed else row["provider_id"]
        offers.append(_Offer(row, provider, product, tag))
    return offers


def _covering(spans: Iterable[dict[str, Any]], at: str) -> list[dict[str, Any]]:
    return [s for s in spans if s["valid_from"] <= at and (s["valid_to"] is None or at < s["valid_to"])]


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else decimal_from_text(text)


def _observation(offer: _Offer, span: dict[str, Any], at: str) -> Observation:
    row = offer.row
    units = tuple(
        sorted(
            (UnitObservation(u["unit"], decimal_from_text(u["amount"])) for u in _covering(offer.units, at)),
            key=lambda u: u.unit,
        )
    )
    return Observation(
        model_id=row["model_id"],
        provider_id=offer.provider_id,
        tier=row["tier"],
        min_prompt_tokens=row["min_prompt_tokens"],
        variant=offer.product,
        observed_at=at,
        currency=span["currency"] or "USD",
        prices=tuple(_decimal(span[name]) for name in PRICE_FIELDS),
        variable=bool(span["variable"]),
        unit_prices=units,
        quantization=row["quantization"],
        context_length=row["context_length"],
    )


def _rebuild(db: Database, offers: list[_Offer], owners: frozenset[str]) -> None:
    for offer in offers:
        offer.prices = list(
            db.query("SELECT * FROM prices WHERE offer_id = ? ORDER BY valid_from", [offer.row["id"]])
        )
        offer.units = list(db.query("SELECT * FROM unit_prices WHERE offer_id = ?", [offer.row["id"]]))
    # Every instant an offer was seen at: the start and the last sighting of each span.
    seen: dict[str, list[tuple[_Offer, dict[str, Any]]]] = defaultdict(list)
    for offer in offers:
        for span in offer.prices:
            for at in {span["valid_from"], span["last_seen"]}:
                seen[at].append((offer, span))
    delistings: list[tuple[str, _Offer]] = [
        (span["valid_to"], offer)
        for offer in offers
        for span in offer.prices
        if span["closed_reason"] == "delisted" and span["valid_to"] is not None
    ]
    ids = [offer.row["id"] for offer in offers]
    for table in ("prices", "unit_prices", "disagreements"):
        db.conn.executemany(f"DELETE FROM {table} WHERE offer_id = ?", [(i,) for i in ids])
    db.conn.executemany("DELETE FROM offers WHERE id = ?", [(i,) for i in ids])

    new_key: dict[tuple[int, str], tuple] = {}  # (old offer id, instant) -> its new offer key
    events: list[tuple[str, int, Any]] = [(at, 0, seen[at]) for at in seen]
    events += [(at, 1, offer) for at, offer in delistings]
    for at, kind, payload in sorted(events, key=lambda e: (e[0], e[1])):
        if kind == 1:
            key = new_key.get((payload.row["id"], _last_seen_before(payload, at)))
            if key is not None:
                close_offers(db, {key}, at)
            continue
        items = [(_observation(offer, span, at), offer.tag) for offer, span in payload]
        first: dict[tuple, tuple[_Offer, dict[str, Any]]] = {}
        for (observation, _), variant, (offer, span) in zip(
            items, offer_variants(items), payload, strict=True
        ):
            key = (*observation.offer_key[:4], variant)
            new_key[(offer.row["id"], at)] = key
            first.setdefault(key, (offer, span))
        by_run: dict[tuple[str, int | None, str | None], list[Observation]] = defaultdict(list)
        for observation in merge_endpoints(items):
            offer, span = first[observation.offer_key]
            by_run[(span["origin"], span["run_id"], offer.row["source"])].append(observation)
        for (origin, run_id, source), batch in by_run.items():
            apply_observations(db, batch, origin=origin, run_id=run_id, source=source, yield_to=owners)


def _last_seen_before(offer: _Offer, at: str) -> str:
    """The last sighting of the span of ``offer`` that was delisted at ``at``."""
    for span in offer.prices:
        if span["valid_to"] == at and span["closed_reason"] == "delisted":
            return span["last_seen"]
    return at


def _rename_providers(db: Database) -> None:
    """Providers stored under a source's spelling get their slug; rows of one slug become one."""
    for row in list(db.query("SELECT * FROM providers WHERE coalesce(catalogued, 0) = 0")):
        slug = provider_slug(row["id"])
        if slug == row["id"]:
            continue
        if db.execute("SELECT 1 FROM providers WHERE id = ?", [slug]).fetchone():
            db.execute("DELETE FROM providers WHERE id = ?", [row["id"]])
        else:
            db.execute("UPDATE providers SET id = ? WHERE id = ?", [slug, row["id"]])


def _rekey_quarantine(db: Database) -> None:
    """Held observations name their offer by key: the endpoint tag leaves it, providers are slugs."""
    catalogued = {r[0] for r in db.execute("SELECT id FROM providers WHERE catalogued = 1")}
    for row in list(db.query("SELECT id, source, observation FROM quarantine WHERE status = 'pending'")):
        data = json.loads(row["observation"])
        before = dict(data)
        if row["source"] == ENDPOINT_SOURCE and _endpoint_tag({**data, "source": ENDPOINT_SOURCE}):
            variant = data["variant"]
            data["variant"] = variant.split("|", 1)[1] if "|" in variant else ""
        if data["provider_id"] not in catalogued:
            data["provider_id"] = provider_slug(data["provider_id"])
        if data != before:
            db.execute(
                "UPDATE quarantine SET observation = ? WHERE id = ?",
                [json.dumps(data, sort_keys=True), row["id"]],
            )


def one_identity_per_host(db: Database, owners: frozenset[str]) -> None:
    """Rebuild the offers whose key held an endpoint tag or whose provider was not a slug.

    ``owners``: the sources an aggregator leaves shared offers to (``offers.source``).
    """
    offers = _offers_to_rebuild(db)
    if offers:
        _rebuild(db, offers, owners)
    _rename_providers(db)
    _rekey_quarantine(db)
