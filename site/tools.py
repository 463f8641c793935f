"""The data the claims page embeds for its two in-browser tools: the workload calculator and the claim box.

Both tools run in the reader's browser on this data only (no request anywhere), and must
give the same numbers as the Python code (``analysis.workloads`` and ``analysis.claims``),
so the data is the store's own: every price period as exact decimal text, the catalog's
names and aliases (to resolve model and provider names as ``pricewatch check`` does), and
which providers make which models (retail prices).

Compact on purpose: a period is one array, models and providers are indexes.
"""

from __future__ import annotations

from typing import Any

from pricewatch.analysis.prices import PRICE_FIELDS
from pricewatch.site.model import SiteData, blended, price_texts, safe_url

__all__ = ["POINT_COLUMNS", "tools_data"]

#: The columns of each embedded price period, in order.
POINT_COLUMNS = (
    "model",  # an index in the embedded model list
    "provider",  # an index in the embedded provider list
    "tier",
    "min_prompt_tokens",
    "variant",
    "currency",
    "valid_from",
    "valid_to",
    "origin",
    "variable",
    *PRICE_FIELDS,
    "quantization",
    "confidence",
    "source_url",
    "last_confirmed",  # how we know it: when a source last saw the price, and which
    "confirmed_by",
    "ended",  # why it ended: changed, delisted, retired
    "unconfirmed_after",  # from then on past its confirmation window (analysis.lifecycle)
)


def _names(catalog: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Normalised name -> id, for models and providers, as the catalog's resolver maps them."""
    from pricewatch.scraper.catalog import normalise_name

    # Only the catalog's names, as `pricewatch check` resolves them: a source's own name for a
    # model the catalog does not know is not a name a claim can use.
    models: dict[str, str] = {}
    providers: dict[str, str] = {}
    if catalog is not None:
        # The same names `pricewatch check` resolves (Catalog.prose_model_names).
        models.update(catalog.prose_model_names())
        for provider in catalog.providers.values():
            for name in (provider.id, provider.name, *provider.aliases):
                providers[normalise_name(name)] = provider.id
    return models, providers


#: Trend windows the claim box can answer ("prices fell 10x in 3 years"), measured at build time.
TREND_YEARS = range(1, 11)


def vocabulary() -> dict[str, Any]:
    """The checker's small vocabularies, defined once in Python, for the page's JavaScript."""
    from pricewatch.analysis.claims import DEFAULT_TOLERANCE, PRICE_WORDS, PRICED_KINDS, VERDICT_ORDER
    from pricewatch.analysis.figure_search import LIST_PRICE_PROVIDERS
    from pricewatch.analysis.workloads import FIELD_WORDS
    from pricewatch.scraper.records import TIERS

    return {
        "tolerance": format(DEFAULT_TOLERANCE, "f"),
        "verdict_order": VERDICT_ORDER,
        "priced_kinds": list(PRICED_KINDS),
        "price_fields": list(PRICE_FIELDS),
        "price_words": PRICE_WORDS,
        "field_words": FIELD_WORDS,
        "tiers": list(TIERS),
        "list_price_providers": sorted(LIST_PRICE_PROVIDERS),  # "openrouter's list price" (figure_search)
    }


def trend_measures(points: Any, facts: Any, now: str) -> dict[str, Any]:
    """The site's trend definitions measured as of ``now`` (the claim box judges claims against them)."""
    from decimal import Decimal

    from pricewatch.analysis.claims import Figure, TrendClaim, measure_trend

    def measure(form: str, years: int | None) -> dict[str, Any]:
        claim = TrendClaim(
            text="",
            form=form,  # type: ignore[arg-type]
            claimed=Figure.point(1),
            years=None if years is None else Decimal(years),
        )
        return measure_trend(claim, points, facts, now).to_dict()

    return {
        "fold_over_period": {str(years): measure("fold_over_period", years) for years in TREND_YEARS},
        "percent_per_year": measure("percent_per_year", None),
    }


def tools_data(data: SiteData) -> dict[str, Any]:
    """Everything the calculator and the claim box need, as JSON-able values."""
    from pricewatch.analysis.claim_grammar import tables

    catalog_ids = set(data.catalog.models) if data.catalog is not None else set()
    # Every catalog model (a claim may name one without a price) and every priced model.
    model_ids = sorted(set(data.by_model) | catalog_ids)
    model_index = {m: i for i, m in enumerate(model_ids)}
    provider_ids = sorted({p.provider for p in data.points})
    provider_index = {p: i for i, p in enumerate(provider_ids)}
    points = []
    for p in data.points:
        points.append(
            [
                model_index[p.model],
                provider_index[p.provider],
                p.tier,
                p.min_prompt_tokens,
                p.variant,
                p.currency,
                p.valid_from,
                p.valid_to,
                p.origin,
                1 if p.variable else 0,
                *price_texts(p),
                p.quantization,
                p.confidence,
                safe_url(p.source_url),
                p.last_confirmed,
                p.confirmed_by,
                p.ended,
                p.unconfirmed_after,
            ]
        )
    models = []
    for model_id in model_ids:
        facts = data.facts.get(model_id)
        catalogued = data.catalog is not None and model_id in data.catalog.models
        models.append(
            {
                "id": model_id,
                "name": facts.name if facts else model_id,
                "slug": data.slugs.get(model_id),
                # The checker knows catalog models only (as `pricewatch check` does).
                "catalogued": catalogued,
                "open_weights": bool(facts.open_weights) if facts else False,
                "makers": list(facts.makers) if facts else [],
            }
        )
    model_names, provider_names = _names(data.catalog)
    # The calculator's menu: models with a standard base-context USD price in force now.
    calculator = []
    for model_id in sorted(data.by_model, key=lambda m: data.model_name(m).lower()):
        offers = []
        makers = set(data.facts[model_id].makers) if model_id in data.facts else set()
        for p in data.by_model[model_id]:
            if (
                p.tier == "standard"
                and p.min_prompt_tokens == 0
                and p.currency == "USD"
                and not p.variable
                and p.current_at(data.now_text)
                and p.input is not None
                and p.output is not None
            ):
                offers.append(
                    {
                        "provider": p.provider,
                        "variant": p.variant,
                        "maker": p.provider in makers,
                        "blended": blended(p.input, p.output) or 0,
                    }
                )
        if offers:
            offers.sort(key=lambda o: (not o["maker"], o["blended"], o["provider"], o["variant"]))
            calculator.append(
                {"model": model_id, "providers": list(dict.fromkeys(o["provider"] for o in offers))}
            )
    return {
        "now": data.now_text,
        "columns": list(POINT_COLUMNS),
        "models": models,
        "providers": [{"id": p, "name": data.provider_name(p)} for p in provider_ids],
        "model_names": model_names,
        "provider_names": provider_names,
        "points": points,
        "calculator": calculator,
        "grammar": tables(),
        "vocabulary": vocabulary(),
        "trends": trend_measures(
            data.points, {m: f for m, f in data.facts.items() if m in catalog_ids}, data.now_text
        ),
    }
