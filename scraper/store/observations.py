"""What the writers hand the store: one offer's prices at one time (``Observation``), pure values.

An observation names its offer by catalog ids (or the source's own names when the
catalog does not know them) and carries Decimal prices; ``stored_values`` is the form the
``prices`` table compares and stores. The JSON form is how quarantine keeps one aside.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from pricewatch.fields import PRICE_FIELDS
from pricewatch.money import decimal_from_text, decimal_to_text

__all__ = ["ApplyStats", "Observation", "UnitObservation", "observation_from_json", "observation_to_json"]


@dataclass(frozen=True)
class UnitObservation:
    """A non-token price of an offer (per request, image, search, minute)."""

    unit: str
    amount: Decimal


@dataclass(frozen=True)
class Observation:
    """One offer's prices at one time, with catalog ids resolved (or the source's own names)."""

    model_id: str
    provider_id: str
    tier: str
    min_prompt_tokens: int
    variant: str
    observed_at: str
    currency: str = "USD"
    prices: tuple[Decimal | None, ...] = (None,) * len(PRICE_FIELDS)
    variable: bool = False
    unit_prices: tuple[UnitObservation, ...] = ()
    quantization: str | None = None
    context_length: int | None = None
    # Price fields the source's table did not give (an optional column left out): the
    # store keeps the offer's stored value of each, where None alone means "not offered".
    unread: tuple[str, ...] = ()
    # (field, list price) of the fields sold at a promotional price (the price in ``prices``).
    list_prices: tuple[tuple[str, Decimal], ...] = ()

    @property
    def offer_key(self) -> tuple[str, str, str, int, str]:
        """(model, provider, tier, min_prompt_tokens, variant)."""
        return (self.model_id, self.provider_id, self.tier, self.min_prompt_tokens, self.variant)

    def stored_values(self) -> tuple[str | int | None, ...]:
        """The comparable, storable form: currency, canonical price texts, variable flag."""
        texts = tuple(None if p is None else decimal_to_text(p) for p in self.prices)
        return (self.currency, *texts, 1 if self.variable else 0)


def observation_to_json(observation: Observation) -> str:
    """A JSON form of an observation (quarantine keeps records aside this way)."""
    return json.dumps(
        {
            "model_id": observation.model_id,
            "provider_id": observation.provider_id,
            "tier": observation.tier,
            "min_prompt_tokens": observation.min_prompt_tokens,
            "variant": observation.variant,
            "observed_at": observation.observed_at,
            "currency": observation.currency,
            "prices": [None if p is None else decimal_to_text(p) for p in observation.prices],
            "variable": observation.variable,
            "unit_prices": [[u.unit, decimal_to_text(u.amount)] for u in observation.unit_prices],
            "quantization": observation.quantization,
            "context_length": observation.context_length,
            "unread": list(observation.unread),
            "list_prices": [[name, decimal_to_text(amount)] for name, amount in observation.list_prices],
        },
        sort_keys=True,
    )


def observation_from_json(text: str) -> Observation:
    """The inverse of observation_to_json."""
    data = json.loads(text)
    return Observation(
        model_id=data["model_id"],
        provider_id=data["provider_id"],
        tier=data["tier"],
        min_prompt_tokens=data["min_prompt_tokens"],
        variant=data["variant"],
        observed_at=data["observed_at"],
        currency=data["currency"],
        prices=tuple(None if p is None else decimal_from_text(p) for p in data["prices"]),
        variable=data["variable"],
        unit_prices=tuple(UnitObservation(u, decimal_from_text(a)) for u, a in data["unit_prices"]),
        quantization=data.get("quantization"),
        context_length=data.get("context_length"),
        unread=tuple(data.get("unread", ())),
        list_prices=tuple((name, decimal_from_text(a)) for name, a in data.get("list_prices", ())),
    )


@dataclass
class ApplyStats:
    """What applying a batch of observations did."""

    observations: int = 0
    price_rows_added: int = 0
    offers_changed: set[int] = field(default_factory=set)
    disagreements: int = 0
    offer_ids_seen: set[int] = field(default_factory=set)

    @property
    def prices_changed(self) -> int:
        """Offers whose price timeline changed."""
        return len(self.offers_changed)
