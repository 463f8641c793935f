"""Who sells what: a provider's one id, and which endpoints of a seller are one offer (pure).

A **provider** has one id whatever a source calls it: the catalog's id when the name is
an id, name or alias, written any way that slugs the same (``catalog.provider_slug``),
else the slug itself. Curated "DeepInfra", OpenRouter's "DeepInfra" endpoint tagged
``deepinfra/fp4`` and LiteLLM's ``deepinfra`` are one provider; an uncatalogued "Arcee AI"
is ``arcee-ai`` in every source. Two services of one company stay two when the catalog
says so (``google`` for Vertex and the Gemini API page, ``google-ai-studio``).

An **offer** is (model, provider, tier, min_prompt_tokens, variant). ``variant`` names a
different *product* of one seller (a dated snapshot, Anthropic's ``fast`` mode, Mistral's
euro billing), never a serving detail: an endpoint's region, replica or quantization
(OpenRouter's tag, ``anthropic/2``, ``amazon-bedrock/eu-west-1``, ``deepinfra/fp4``) is an
attribute of the offer. ``merge_endpoints`` applies the rule to one listing (one time):

- the endpoints of one offer that share a price are one offer (quantizations joined);
- when they list different prices, the cheapest price keeps the offer's key and each dearer
  price is its own offer, keyed by its endpoint tag (the alphabetically first tag of the
  endpoints at that price) before the product variant: ``deepinfra/turbo``,
  ``google-vertex/us-south1|2024-05-13``;
- a tag cannot key two prices: OpenRouter listed qwen3-235b-a22b-2507 with two
  ``google-vertex/us-south1`` endpoints at $0.22 and $0.25 (the cheaper keeps the offer's
  key, the dearer is ``google-vertex/us-south1``); a third price whose only tag already keys
  a cheaper one gets ``#k``, k being the rank of its price among the offer's prices (the
  cheapest is 1): ``google-vertex/us-south1#3``.

Prices are ordered by the token prices in ``PRICE_FIELDS`` order (input first; an absent
price after any present one), then currency, the variable flag and the unit prices, so the
result depends only on the set of endpoints at that time, never on the listing order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from pricewatch.scraper.store.observations import Observation, UnitObservation

__all__ = [
    "PriceKey",
    "endpoint_variants",
    "join_variant",
    "merge_endpoints",
    "offer_variants",
    "price_key",
    "split_tag_suffix",
]

# The rank suffix a repeated tag gets (and that older stores gave in listing order).
_RANK_SUFFIX = re.compile(r"#\d+$")


def split_tag_suffix(tag: str) -> str:
    """A tag without the ``#k`` rank suffix."""
    return _RANK_SUFFIX.sub("", tag)


def join_variant(tag: str, product: str) -> str:
    """The stored variant of an endpoint-keyed offer: its tag, then the product variant."""
    if not tag:
        return product
    return f"{tag}|{product}" if product else tag


# What two endpoints' prices are compared by: currency, token prices, variable, unit prices.
PriceKey = tuple[str, tuple[Decimal | None, ...], bool, tuple[UnitObservation, ...]]


def _price_order(values: PriceKey) -> tuple[Any, ...]:
    """A sort key for a price: cheaper first, absent prices last."""
    currency, prices, variable, units = values
    return (
        tuple((1, Decimal(0)) if p is None else (0, p) for p in prices),
        currency,
        variable,
        tuple((u.unit, u.amount) for u in units),
    )


def endpoint_variants(endpoints: Sequence[tuple[str, PriceKey]]) -> list[str]:
    """The key suffix of each endpoint of one offer: "" for the cheapest price, else a tag.

    ``endpoints`` are (tag, value key) pairs of one seller's endpoints of one product at one
    time, each with its price (see ``price_key``).
    """
    by_values: dict[PriceKey, list[str]] = {}
    for tag, values in endpoints:
        by_values.setdefault(values, []).append(tag)
    ordered = sorted(by_values, key=_price_order)
    suffix: dict[PriceKey, str] = {}
    given: set[str] = set()
    for rank, values in enumerate(ordered, start=1):
        if rank == 1:
            suffix[values] = ""
            continue
        tags = sorted({split_tag_suffix(t) for t in by_values[values]})
        free = [t for t in tags if t and t not in given]
        chosen = free[0] if free else f"{tags[0]}#{rank}"
        given.add(chosen)
        suffix[values] = chosen
    return [suffix[values] for _, values in endpoints]


def price_key(observation: Observation) -> PriceKey:
    """What an observation's price is compared by when endpoints are merged."""
    units = tuple(sorted(observation.unit_prices, key=lambda u: (u.unit, u.amount)))
    return (observation.currency, observation.prices, observation.variable, units)


def offer_variants(items: Sequence[tuple[Observation, str]]) -> list[str]:
    """The variant each item's offer is stored under (see the module docstring).

    ``items`` pair each observation (keyed by its product variant) with its endpoint tag;
    "" means the source names no endpoint, and the variant stays as it is.
    """
    groups: dict[tuple, list[int]] = {}
    for index, (observation, tag) in enumerate(items):
        if tag:
            groups.setdefault((*observation.offer_key, observation.observed_at), []).append(index)
    variants = [observation.variant for observation, _ in items]
    for indexes in groups.values():
        suffixes = endpoint_variants([(items[i][1], price_key(items[i][0])) for i in indexes])
        for i, suffix in zip(indexes, suffixes, strict=True):
            variants[i] = join_variant(suffix, items[i][0].variant)
    return variants


def merge_endpoints(items: Sequence[tuple[Observation, str]]) -> list[Observation]:
    """One listing's observations with the endpoint rule applied (see the module docstring).

    ``items`` as for ``offer_variants``. Order is kept: each merged offer sits where its
    first endpoint was listed; its quantization joins its endpoints' (sorted, comma
    separated) and its context length is their largest.
    """
    out: list[Observation] = []
    position: dict[tuple, int] = {}  # merged offer -> its index in ``out``
    quantizations: dict[int, set[str]] = {}
    for (observation, tag), variant in zip(items, offer_variants(items), strict=True):
        if not tag:
            out.append(observation)
            continue
        observation = replace(observation, variant=variant)
        key = (*observation.offer_key, observation.observed_at)
        at = position.get(key)
        if at is None:
            at = position[key] = len(out)
            out.append(observation)
        elif (observation.context_length or 0) > (out[at].context_length or 0):
            out[at] = replace(out[at], context_length=observation.context_length)
        if observation.quantization:
            quantizations.setdefault(at, set()).add(observation.quantization)
    for at, found in quantizations.items():
        out[at] = replace(out[at], quantization=",".join(sorted(found)))
    return out
