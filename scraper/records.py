"""What a source's parser returns: validated, immutable price records.

A record names the model and the provider as the source spells them; the refresh loop
maps those names to catalog ids through the resolver (``pricewatch.scraper.catalog``).
Token prices are ``Decimal`` per million tokens in ``currency``; ``None`` means unknown or
not offered, ``0`` means free. Prices per request, image, search or minute are
``UnitPrice`` entries, never token prices.

A price field a page's table does not give at all (an optional column it left out) is
listed in ``unread``: unknown to that record, so the store keeps the offer's stored value
of it, where ``None`` alone (a "-" cell) says the field is not offered.

A page may announce a price before it applies ("$1.50 starting January 1, 2027"): that
record carries ``effective_from``, the day it starts, beside the record of the price in
force now. The refresh stores it as a scheduled change (``pricewatch.scraper.scheduled``)
and places it in the price history only once that day has come.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from pricewatch.errors import RecordInvalid
from pricewatch.fields import PRICE_FIELDS

__all__ = [
    "PRICE_FIELDS",
    "TIERS",
    "ListPrice",
    "ModelInfo",
    "PriceRecord",
    "Tier",
    "UnitPrice",
    "make_record",
    "render_validation_error",
    "without_unnamed_free_prices",
]

# The offer-tier vocabulary shared by every source, the store and the analysis.
TIERS = ("standard", "batch", "flex", "priority", "off-peak", "free")
Tier = Literal["standard", "batch", "flex", "priority", "off-peak", "free"]


# A sanity bound: no real token price is anywhere near $100,000 per million tokens.
MAX_PRICE_PER_MTOK = Decimal(100_000)

PriceValue = Decimal | None


class UnitPrice(BaseModel, frozen=True, extra="forbid"):
    """A price that is not per token: per request, image, web search, audio minute..."""

    unit: str = Field(min_length=1, description="what one unit is, e.g. 'request', 'image', 'audio_minute'")
    amount: Decimal = Field(ge=0, description="price of one unit in the record's currency")

    @field_validator("unit")
    @classmethod
    def _strip_unit(cls, value: str) -> str:
        return value.strip()


class ListPrice(BaseModel, frozen=True, extra="forbid"):
    """The list price of a token price field that is sold at a promotional price.

    A page that strikes a price through and prints a lower one (``~~$0.60~~ $0.30``) charges
    the lower one: that is the record's price; the struck-through one is noted here.
    """

    field: str = Field(description="the token price field, e.g. 'input'")
    amount: Decimal = Field(ge=0, le=MAX_PRICE_PER_MTOK)

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value not in PRICE_FIELDS:
            raise ValueError(f"not a price field: {value!r}")
        return value


class ModelInfo(BaseModel, frozen=True, extra="forbid"):
    """Metadata a source knows about a model (stored in `models`, never needed for a price)."""

    display_name: str | None = None
    created_at: str | None = Field(default=None, description="UTC ISO 8601 time the model was listed")
    context_length: int | None = Field(default=None, ge=0)
    hugging_face_id: str | None = None
    canonical_slug: str | None = None


class PriceRecord(BaseModel, frozen=True, extra="forbid"):
    """One offer's prices as a source published them at one moment."""

    model: str = Field(min_length=1, description="the model as the source names it")
    provider: str = Field(min_length=1, description="who sells it, as the source names them")
    tier: Tier = "standard"
    min_prompt_tokens: int = Field(default=0, ge=0, description="long-context threshold; 0 = base price")
    variant: str = Field(
        default="",
        description="a different product of one seller (a dated snapshot, a mode, a billing currency)",
    )
    endpoint: str = Field(
        default="",
        description="the seller's label of one serving endpoint (OpenRouter's tag: region, replica, "
        "quantization); not part of the offer: endpoints at one price are one offer",
    )
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    input: PriceValue = Field(default=None, ge=0, le=MAX_PRICE_PER_MTOK)
    output: PriceValue = Field(default=None, ge=0, le=MAX_PRICE_PER_MTOK)
    cache_read: PriceValue = Field(default=None, ge=0, le=MAX_PRICE_PER_MTOK)
    cache_write: PriceValue = Field(
        default=None, ge=0, le=MAX_PRICE_PER_MTOK, description="5-minute cache write"
    )
    cache_write_1h: PriceValue = Field(default=None, ge=0, le=MAX_PRICE_PER_MTOK)
    reasoning: PriceValue = Field(default=None, ge=0, le=MAX_PRICE_PER_MTOK)
    variable: bool = Field(default=False, description="the source says the price varies (OpenRouter's -1)")
    unit_prices: tuple[UnitPrice, ...] = ()
    list_prices: tuple[ListPrice, ...] = Field(
        default=(), description="list prices of fields sold at a promotional price (the record's price)"
    )
    unread: tuple[str, ...] = Field(
        default=(),
        description="price fields the page's table does not give (an optional column left out): "
        "unknown to this record, not 'not offered'; the store keeps the offer's stored value",
    )
    quantization: str | None = None
    context_length: int | None = Field(default=None, ge=0)
    info: ModelInfo | None = None
    effective_from: date | None = Field(
        default=None,
        description="the day (UTC) the source says these prices start; None = in force when observed",
    )

    @field_validator("model", "provider", "variant", "endpoint")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _has_a_price(self) -> PriceRecord:
        if self.variable:
            return self
        if all(getattr(self, name) is None for name in PRICE_FIELDS) and not self.unit_prices:
            raise ValueError("a record needs at least one price (or variable=True)")
        for listed in self.list_prices:
            charged = getattr(self, listed.field)
            if charged is None:
                raise ValueError(f"a list price for {listed.field} without a price charged")
        for name in self.unread:
            if name not in PRICE_FIELDS:
                raise ValueError(f"unread: not a price field: {name!r}")
            if getattr(self, name) is not None:
                raise ValueError(f"unread: {name} has a price")
        return self

    def price_values(self) -> dict[str, Decimal | None]:
        """The token price fields by name."""
        return {name: getattr(self, name) for name in PRICE_FIELDS}

    def offer_key(self) -> tuple[str, str, str, int, str]:
        """(model, provider, tier, min_prompt_tokens, variant) as the source names them."""
        return (self.model, self.provider, self.tier, self.min_prompt_tokens, self.variant)


def render_validation_error(error: ValidationError) -> list[str]:
    """One ``loc: msg`` line per problem, as llm's render_errors() does."""
    lines = []
    for item in error.errors():
        loc = ".".join(str(part) for part in item["loc"]) or "record"
        lines.append(f"{loc}: {item['msg']}")
    return lines


def make_record(**fields: object) -> PriceRecord:
    """Build a PriceRecord, turning pydantic's ValidationError into RecordInvalid."""
    try:
        return PriceRecord.model_validate(fields)
    except ValidationError as error:
        model = fields.get("model")
        lines = render_validation_error(error)
        if model:
            lines = [f"{model}: {line}" for line in lines]
        raise RecordInvalid(lines) from None


def without_unnamed_free_prices(record: PriceRecord) -> tuple[PriceRecord | None, bool]:
    """The record with every $0 token price made unknown unless its tier is ``free``.

    A zero is a free tier only when the source says so (its tier is ``free``); a price
    database's ``0`` is as often a placeholder ("not priced yet") as a promotion, and it
    must never become the cheapest paid price. Returns (the record, or None when nothing
    priced is left; whether a zero was dropped).
    """
    if record.tier == "free" or record.variable:
        return record, False
    zeros = {name: None for name in PRICE_FIELDS if getattr(record, name) == 0}
    if not zeros:
        return record, False
    kept = record.model_copy(update=zeros)
    if all(getattr(kept, name) is None for name in PRICE_FIELDS) and not kept.unit_prices:
        return None, True
    return kept, True
