"""Which models get a page of their own when the history holds thousands (site.model.paged_models)."""

from __future__ import annotations

from decimal import Decimal

from pricewatch.analysis.prices import PricePoint
from pricewatch.site.model import PAGED_WITHIN_DAYS, paged_models

AS_OF = "2026-09-13T00:00:00Z"


def _point(model: str, origin: str, seen: str) -> PricePoint:
    return PricePoint(
        model=model,
        provider="somehost",
        tier="standard",
        min_prompt_tokens=0,
        variant="",
        currency="USD",
        valid_from=seen,
        valid_to=None,
        input=Decimal("1"),
        output=Decimal("2"),
        origin=origin,
        last_confirmed=seen,
    )


def test_catalogued_and_recently_measured_models_get_pages_third_party_only_ones_do_not():
    by_model = {
        "acme/catalogued": [_point("acme/catalogued", "curated", "2023-01-01T00:00:00Z")],
        "acme/on-openrouter": [_point("acme/on-openrouter", "backfill", "2026-08-22T18:35:39Z")],
        "acme/in-litellm-only": [_point("acme/in-litellm-only", "third-party", "2026-07-24T18:23:43Z")],
        "acme/measured-long-ago": [_point("acme/measured-long-ago", "replay", "2025-09-12T00:00:00Z")],
        "acme/measured-within-the-year": [
            _point("acme/measured-within-the-year", "live", "2025-09-13T00:00:00Z")
        ],
    }
    models = {"acme/catalogued": {"catalogued": True}}
    assert PAGED_WITHIN_DAYS == 365
    assert sorted(paged_models(by_model, models, AS_OF)) == [
        "acme/catalogued",
        "acme/measured-within-the-year",
        "acme/on-openrouter",
    ]
